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

// Enqueuer is messaging.Enqueuer over asynq: a message:due task per second with messages due
// (the drain), a message:send task per retry; TaskIDs make asking twice harmless.
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

// DrainTaskID names the drain of one second (Unix time).
func DrainTaskID(second int64) string { return fmt.Sprintf("message:due:%d", second) }

// WakeDue queues message:due for the second of `at` (ProcessAt that whole second: asynq never
// runs it early; SendDue waits in place for the messages planned later within it). The TaskID
// makes every message of the second share it. running reports a drain of that second that is
// already running (or waiting to retry): the caller gives a message saved just now its own
// wake-up.
func (e *Enqueuer) WakeDue(ctx context.Context, at time.Time) (running bool, err error) {
	second := at.Unix()
	payload, err := json.Marshal(drainPayload{At: second})
	if err != nil {
		return false, fmt.Errorf("task: drain payload: %w", err)
	}
	opts := []asynq.Option{asynq.TaskID(DrainTaskID(second)), asynq.ProcessAt(time.Unix(second, 0)),
		asynq.MaxRetry(DrainMaxRetry), asynq.Timeout(DrainTimeout), asynq.Queue(queue)}
	state, err := e.enqueueOnce(ctx, asynq.NewTask(TypeMessageDue, payload), DrainTaskID(second), opts)
	return state == asynq.TaskStateActive || state == asynq.TaskStateRetry, err
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
	opts := []asynq.Option{asynq.TaskID(id), asynq.ProcessAt(at), asynq.MaxRetry(MessageMaxRetry), asynq.Timeout(MessageTimeout), asynq.Queue(queue)}
	_, err = e.enqueueOnce(ctx, asynq.NewTask(TypeMessageSend, payload), id, opts)
	return err
}

// enqueueOnce queues task under TaskID id. On a conflict it returns the state of the task that
// holds the id (pending, scheduled, active, retry: it will run), replacing a leftover that will
// never run again (archived, completed); 0 when the task was queued now.
func (e *Enqueuer) enqueueOnce(ctx context.Context, task *asynq.Task, id string, opts []asynq.Option) (asynq.TaskState, error) {
	_, err := e.client.EnqueueContext(ctx, task, opts...)
	if !errors.Is(err, asynq.ErrTaskIDConflict) {
		if err != nil {
			return 0, fmt.Errorf("task: enqueue %s: %w", id, err)
		}
		return 0, nil
	}
	info, ierr := e.insp.GetTaskInfo(queue, id)
	if ierr != nil {
		return 0, nil // finished between the two calls: whatever it was for has run
	}
	if info.State != asynq.TaskStateArchived && info.State != asynq.TaskStateCompleted {
		return info.State, nil
	}
	if err := e.insp.DeleteTask(queue, id); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
		return 0, fmt.Errorf("task: replace finished %s: %w", id, err)
	}
	if _, err := e.client.EnqueueContext(ctx, task, opts...); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return 0, fmt.Errorf("task: enqueue %s again: %w", id, err)
	}
	return 0, nil
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
