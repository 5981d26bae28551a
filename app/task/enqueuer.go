package task

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/loyalty/backoffice/app/messaging"
)

// queue is the asynq queue every task goes to.
const queue = "default"

// Enqueuer is messaging.Enqueuer over asynq: a message:send task per wake-up, with a TaskID
// that makes asking twice harmless.
type Enqueuer struct {
	client *asynq.Client
	insp   *asynq.Inspector
	log    *slog.Logger
}

var _ messaging.Enqueuer = (*Enqueuer)(nil)

// NewEnqueuer connects to Redis; Close releases it.
func NewEnqueuer(opt asynq.RedisConnOpt, log *slog.Logger) *Enqueuer {
	return &Enqueuer{client: asynq.NewClient(opt), insp: asynq.NewInspector(opt), log: log}
}

// Close closes the Redis connections.
func (e *Enqueuer) Close() error {
	return errors.Join(e.client.Close(), e.insp.Close())
}

// MessageTaskID names the wake-up of one attempt of a message. A TaskID stays taken while a
// retained or archived task holds it, so each attempt gets its own (DESIGN.md, traps).
func MessageTaskID(messageID int64, attempt int) string {
	return fmt.Sprintf("message:%d:%d", messageID, attempt)
}

// Enqueue queues message:send for `at` (ProcessAt; a past time runs at once). A conflict on the
// TaskID means this wake-up is already queued, which is fine; only a leftover that will never
// run again (archived after its retries, or kept as completed) is replaced.
func (e *Enqueuer) Enqueue(ctx context.Context, messageID int64, at time.Time, attempt int) error {
	payload, err := json.Marshal(messagePayload{MessageID: messageID})
	if err != nil {
		return fmt.Errorf("task: payload of message %d: %w", messageID, err)
	}
	id := MessageTaskID(messageID, attempt)
	task := asynq.NewTask(TypeMessageSend, payload)
	opts := []asynq.Option{asynq.TaskID(id), asynq.ProcessAt(at), asynq.MaxRetry(MessageMaxRetry), asynq.Timeout(MessageTimeout), asynq.Queue(queue)}
	_, err = e.client.EnqueueContext(ctx, task, opts...)
	if !errors.Is(err, asynq.ErrTaskIDConflict) {
		if err != nil {
			return fmt.Errorf("task: enqueue %s: %w", id, err)
		}
		return nil
	}
	info, ierr := e.insp.GetTaskInfo(queue, id)
	if ierr != nil || (info.State != asynq.TaskStateArchived && info.State != asynq.TaskStateCompleted) {
		return nil // pending, scheduled, active or retrying: it will run
	}
	if err := e.insp.DeleteTask(queue, id); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
		return fmt.Errorf("task: replace finished %s: %w", id, err)
	}
	if _, err := e.client.EnqueueContext(ctx, task, opts...); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("task: enqueue %s again: %w", id, err)
	}
	return nil
}

// Forget deletes the queued wake-ups of attempts 0..attempt of a deleted message. It is a
// courtesy (the claim of a deleted message never matches), so it only logs. A running task
// cannot be deleted (asynq answers with an unexported error): its state is checked first.
func (e *Enqueuer) Forget(_ context.Context, messageID int64, attempt int) {
	for a := 0; a <= attempt; a++ {
		id := MessageTaskID(messageID, a)
		info, err := e.insp.GetTaskInfo(queue, id)
		if err != nil {
			continue // not queued (or Redis is away): nothing to do
		}
		switch info.State {
		case asynq.TaskStatePending, asynq.TaskStateScheduled, asynq.TaskStateRetry:
			if err := e.insp.DeleteTask(queue, id); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
				e.log.Debug("forget message task", "task", id, "err", err)
			}
		}
	}
}
