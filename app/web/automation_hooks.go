package web

import (
	"context"

	"github.com/loyalty/backoffice/app/automation"
	"github.com/loyalty/backoffice/app/store"
)

// hookAutomation makes customer, points and reward changes raise automation events once they
// have committed: to the worker through events, or run here when there is no worker queue.
func (s *Server) hookAutomation(events func(context.Context, automation.Event) error) {
	raise := func(ctx context.Context, ev automation.Event) {
		// The change is committed and answered either way: a lost event must not fail it.
		ctx = context.WithoutCancel(ctx)
		if events != nil {
			if err := events(ctx, ev); err != nil {
				s.log.Error("automation event not queued", "kind", ev.Kind, "customer", ev.CustomerID, "err", err)
			}
			return
		}
		if _, err := s.scenarios.Handle(ctx, ev); err != nil {
			s.log.Error("automation", "kind", ev.Kind, "customer", ev.CustomerID, "err", err)
		}
	}
	s.customers.OnJoined = func(ctx context.Context, c *store.Customer) {
		raise(ctx, automation.Event{Kind: automation.TriggerJoined, CustomerID: c.ID})
	}
	s.ledger.OnPointsAdded = func(ctx context.Context, customerID int64, op *store.PointOperation) {
		raise(ctx, automation.Event{Kind: automation.TriggerPointsAdded, CustomerID: customerID, OpID: op.ID})
	}
	s.rewards.OnIssued = func(ctx context.Context, customerID int64, o *store.RewardOrder) {
		raise(ctx, automation.Event{Kind: automation.TriggerRewardIssued, CustomerID: customerID, OrderID: o.ID})
	}
}
