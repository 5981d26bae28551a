package task

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/loyalty/backoffice/app/messaging"
)

// Message tasks: the queue's side of messaging's retry policy.
const (
	// MessageMaxRetry: the first try plus these retries make messaging.MaxAttempts.
	MessageMaxRetry = messaging.MaxAttempts - 1
	// MessageTimeout is the handler's deadline (asynq's default is 30 min); above
	// messaging.SendTimeout so that the outcome is recorded before asynq gives up.
	MessageTimeout = 60 * time.Second
)

// Drain tasks (message:due): one per second with first attempts due.
const (
	// DrainMaxRetry: a drain fails only when the database does; the reconciler also re-asks.
	DrainMaxRetry = 3
	// DrainTimeout is the drain's deadline: its budget, plus the longest send, plus recording.
	DrainTimeout = messaging.DrainBudget + messaging.SendTimeout + 30*time.Second
)

// drainPayload is a message:due task's payload: the second it drains (Unix time).
type drainPayload struct {
	At int64 `json:"at"`
}

// drainMessages runs messaging.Service.SendDue for one second.
func (d Deps) drainMessages(ctx context.Context, t *asynq.Task) error {
	var p drainPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.At <= 0 {
		return fmt.Errorf("task: bad %s payload %q: %w", t.Type(), t.Payload(), asynq.SkipRetry)
	}
	if d.Messages == nil {
		return nil
	}
	return d.Messages.SendDue(ctx, time.Unix(p.At, 0))
}

// messagePayload is a message:send task's payload: the id only (the handler reloads the row).
type messagePayload struct {
	MessageID int64 `json:"message_id"`
}

// sendMessage runs messaging.Service.Send for one wake-up. A permanent failure (already
// recorded as failed) skips asynq's retries; a temporary one is retried with capped backoff.
func (d Deps) sendMessage(ctx context.Context, t *asynq.Task) error {
	var p messagePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.MessageID <= 0 {
		return fmt.Errorf("task: bad %s payload %q: %w", t.Type(), t.Payload(), asynq.SkipRetry)
	}
	if d.Messages == nil {
		return nil
	}
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, ok := asynq.GetMaxRetry(ctx)
	lastTry := ok && retried >= maxRetry
	err := d.Messages.Send(ctx, p.MessageID, lastTry)
	if errors.Is(err, messaging.ErrPermanent) {
		return fmt.Errorf("%w: %w", asynq.SkipRetry, err)
	}
	return err
}

// reconcileMessages runs one reconciler pass. Its errors are logged, not returned: the next
// pass (seconds away) is the retry, and a returned error would hold the unique lock.
func (d Deps) reconcileMessages(ctx context.Context, _ *asynq.Task) error {
	if d.Messages == nil {
		return nil
	}
	rep, err := d.Messages.Reconcile(ctx)
	if err != nil {
		d.Log.Warn("message reconciler", "err", err)
	}
	if rep.Expired > 0 {
		d.Log.Info("message reconciler", "expired", rep.Expired, "enqueued", rep.Enqueued)
	}
	return nil
}

func reconcileTask() *asynq.Task { return asynq.NewTask(TypeMessageReconcile, nil) }

// reconcileOpts: one pass at a time across every scheduler (Unique), never retried (the next
// pass is the retry), bounded.
func reconcileOpts() []asynq.Option {
	return []asynq.Option{asynq.Unique(time.Minute), asynq.MaxRetry(0), asynq.Timeout(time.Minute)}
}

// retryDelay is the backoff between attempts of a failed task: base·2^n capped at ceiling. A
// wake-up that came too early is retried just after its message is due (asynq keeps retry
// times in whole seconds, hence the extra second).
func retryDelay(base, ceiling time.Duration) asynq.RetryDelayFunc {
	return func(n int, err error, _ *asynq.Task) time.Duration {
		var early *messaging.NotDueError
		if errors.As(err, &early) {
			return min(max(time.Until(early.At), 0)+time.Second, ceiling)
		}
		d := base
		for i := 0; i < n && d < ceiling; i++ {
			d *= 2
		}
		return min(d, ceiling)
	}
}

// isFailure keeps an early wake-up out of the failure statistics and the retry count.
func isFailure(err error) bool {
	var early *messaging.NotDueError
	return err != nil && !errors.As(err, &early)
}
