package messaging

import (
	"context"
	"errors"
	"fmt"
)

// ReasonUnknown is recorded for a message whose claim outlived the lease: the worker died
// mid-send, so nobody knows whether it left.
const ReasonUnknown = "Wynik wysyłki nieznany — sprawdź i w razie potrzeby wyślij ponownie"

// ReconcileReport says what one pass did.
type ReconcileReport struct {
	Expired  int // claims past the lease, now failed with ReasonUnknown
	Enqueued int // wake-ups asked for: drains (one per second) and retries; most are already queued, which is fine
}

// Reconcile is the periodic repair that makes Redis a cache of wake-ups rather than a store of
// record: it fails claims older than the lease, and asks again for the wake-up of every
// scheduled message due within Lookahead (a message whose wake-up Redis lost, or that was
// saved while Redis was down, leaves within one pass of its time).
func (s *Service) Reconcile(ctx context.Context) (ReconcileReport, error) {
	var rep ReconcileReport
	now := s.now()
	n, err := s.Store.ExpireSending(ctx, now.Add(-Lease), now, ReasonUnknown)
	if err != nil {
		return rep, err
	}
	rep.Expired = int(n)
	if n > 0 {
		s.log().Warn("messages with an unknown outcome marked failed", "count", n)
	}
	if s.Enqueuer == nil {
		return rep, nil
	}
	due, err := s.Store.DueMessages(ctx, now.Add(Lookahead), now.Add(-RetryGrace), reconcileBatch)
	if err != nil {
		return rep, err
	}
	// First attempts are covered by their second's drain (one wake-up for everything already
	// due); a drain that is running at the moment claims them itself, and if it has just
	// finished, the next pass asks again. Retries get their own wake-up back.
	var errs []error
	drains := map[int64]bool{}
	for _, d := range due {
		var err error
		if d.Attempts > 0 {
			err = s.Enqueuer.Enqueue(ctx, d.ID, d.SendAt, d.Attempts)
		} else {
			at := d.SendAt
			if at.Before(now) {
				at = now
			}
			if drains[at.Unix()] {
				continue
			}
			drains[at.Unix()] = true
			_, err = s.Enqueuer.WakeDue(ctx, at)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("message %d: %w", d.ID, err))
			if len(errs) >= 3 { // Redis is down: the next pass tries again
				break
			}
			continue
		}
		rep.Enqueued++
	}
	if len(errs) > 0 {
		return rep, fmt.Errorf("messaging: reconcile: %w", errors.Join(errs...))
	}
	return rep, nil
}
