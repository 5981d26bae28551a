package task

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/loyalty/backoffice/app/automation"
	"github.com/loyalty/backoffice/app/ledger"
)

// Automation and points tasks.
const (
	TypeAutomationEvent     = "automation:event"     // payload automation.Event: Engine.Handle
	TypeAutomationBirthdays = "automation:birthdays" // periodic: birthday scenarios of the day
	TypeAutomationInactive  = "automation:inactive"  // periodic: inactivity scenarios
	TypePointsExpire        = "points:expire"        // periodic: FIFO expiry of old points
)

// Periods of the date-driven jobs. Birthdays are checked often so the day's scenarios run soon
// after midnight in Warsaw; the run-once key (birthday:YEAR) makes the repeats harmless.
const (
	birthdaysEvery = 10 * time.Minute
	inactiveEvery  = 6 * time.Hour
	expireEvery    = time.Hour
)

// eventPayload carries ids only; the handler reloads everything.
type eventPayload struct {
	Kind       string `json:"kind"`
	CustomerID int64  `json:"customer_id"`
	OpID       int64  `json:"op_id,omitempty"`
	OrderID    int64  `json:"order_id,omitempty"`
}

// EnqueueEvent hands an automation event to the worker. The scenario runs are idempotent, so a
// task delivered twice does no harm; a failed handler is retried by asynq.
func (e *Enqueuer) EnqueueEvent(ctx context.Context, ev automation.Event) error {
	payload, err := json.Marshal(eventPayload{Kind: ev.Kind, CustomerID: ev.CustomerID, OpID: ev.OpID, OrderID: ev.OrderID})
	if err != nil {
		return err
	}
	_, err = e.client.EnqueueContext(ctx, asynq.NewTask(TypeAutomationEvent, payload),
		asynq.Queue(queue), asynq.MaxRetry(6), asynq.Timeout(time.Minute))
	if err != nil {
		return fmt.Errorf("task: enqueue automation event %s for %d: %w", ev.Kind, ev.CustomerID, err)
	}
	return nil
}

func (d Deps) automationEvent(ctx context.Context, t *asynq.Task) error {
	if d.Automation == nil {
		return nil
	}
	var p eventPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("task: automation payload: %v: %w", err, asynq.SkipRetry)
	}
	_, err := d.Automation.Handle(ctx, automation.Event{Kind: p.Kind, CustomerID: p.CustomerID, OpID: p.OpID, OrderID: p.OrderID})
	return err
}

func (d Deps) automationBirthdays(ctx context.Context, _ *asynq.Task) error {
	if d.Automation == nil {
		return nil
	}
	n, err := d.Automation.Birthdays(ctx)
	if n > 0 {
		d.Log.Info("birthday scenarios checked", "runs", n)
	}
	return err
}

func (d Deps) automationInactive(ctx context.Context, _ *asynq.Task) error {
	if d.Automation == nil {
		return nil
	}
	n, err := d.Automation.Inactive(ctx)
	if n > 0 {
		d.Log.Info("inactivity scenarios checked", "runs", n)
	}
	return err
}

func (d Deps) expirePoints(ctx context.Context, _ *asynq.Task) error {
	if d.Automation == nil || d.Automation.Store == nil {
		return nil
	}
	customers, points, err := ledger.ExpireAll(ctx, d.Automation.Store, time.Now())
	if customers > 0 {
		d.Log.Info("points expired", "customers", customers, "points", points)
	}
	return err
}

// periodic lists the date-driven jobs the one scheduler registers: unique, never retried (the
// next period is the retry), bounded.
func periodic() []struct {
	every time.Duration
	typ   string
} {
	return []struct {
		every time.Duration
		typ   string
	}{{birthdaysEvery, TypeAutomationBirthdays}, {inactiveEvery, TypeAutomationInactive}, {expireEvery, TypePointsExpire}}
}

func periodicOpts(every time.Duration) []asynq.Option {
	return []asynq.Option{asynq.Unique(every), asynq.MaxRetry(0), asynq.Timeout(30 * time.Minute), asynq.Queue(queue)}
}

// EnqueuePeriodic queues one run of a periodic job now (the scheduler does it on its period;
// tests and operators can ask for a run).
func (e *Enqueuer) EnqueuePeriodic(ctx context.Context, typ string) error {
	_, err := e.client.EnqueueContext(ctx, asynq.NewTask(typ, nil), asynq.Queue(queue), asynq.MaxRetry(0), asynq.Timeout(30*time.Minute))
	if err != nil {
		return fmt.Errorf("task: enqueue %s: %w", typ, err)
	}
	return nil
}
