// Package messaging is the message pipeline: e-mails, SMS and internal messages to a
// customer. It is a transactional outbox over a queue (DESIGN.md, "Messages"): the database
// row is the truth and the queue only carries wake-ups. Schedule inserts the row and then asks
// the Enqueuer for a wake-up at send_at; Send (the worker's handler body) claims the row with
// one conditional UPDATE, checks consent and recipient, sends, and records the outcome;
// Reconcile re-issues wake-ups the queue lost and fails claims that never finished; Delete and
// Resend serve staff. Nothing here knows HTTP or asynq.
package messaging

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/loyalty/backoffice/app/channel/email"
	"github.com/loyalty/backoffice/app/channel/sms"
	"github.com/loyalty/backoffice/app/store"
)

// Enqueuer schedules wake-ups of the send handlers. It is declared here, where it is used, and
// implemented over asynq in app/task.
type Enqueuer interface {
	// WakeDue asks for SendDue at `at`: one wake-up per second, shared by every first attempt
	// due within it; asking again for a queued one is not an error. running says that second's
	// drain is already running and may have passed over a message saved just now.
	WakeDue(ctx context.Context, at time.Time) (running bool, err error)
	// Enqueue asks for Send(messageID) at `at`: the wake-up of one message (a retry, or a first
	// attempt its second's drain may miss). attempt distinguishes wake-ups of the same message
	// (its attempts so far), so a finished wake-up never blocks a later one; asking again for a
	// wake-up that is already queued is not an error.
	Enqueue(ctx context.Context, messageID int64, at time.Time, attempt int) error
	// Forget removes the queued wake-ups of attempts 0..attempt, as a courtesy: a wake-up left
	// behind finds nothing to claim.
	Forget(ctx context.Context, messageID int64, attempt int)
}

// Tuning of the pipeline. The queue's retry policy (app/task) is sized to match MaxAttempts.
const (
	// MaxAttempts is how many times a message is tried before a temporary failure becomes final.
	MaxAttempts = 7
	// MaxEarlyWait bounds how long Send waits in place for a message that woke up early (asynq
	// may run a task up to a second before its time); earlier than that, it asks to be retried.
	MaxEarlyWait = 5 * time.Second
	// SendTimeout bounds one delivery to the SMTP server or SMS gateway (below the task timeout,
	// so the outcome is always recorded before asynq gives up on the handler).
	SendTimeout = 40 * time.Second
	// Lease is how long a claim may stay in "sending" before the reconciler calls its outcome
	// unknown; well above SendTimeout.
	Lease = 2 * time.Minute
	// Lookahead: the reconciler also queues messages due within this window, so that after Redis
	// lost its data a message planned for the next minute still leaves on time.
	Lookahead = time.Minute
	// RetryGrace: a message that failed temporarily waits for the queue's retry (at most a minute
	// away); if it has not moved for this long the retry was lost and the reconciler re-queues it.
	RetryGrace = 3 * time.Minute
	// reconcileBatch caps the rows one reconcile pass queues.
	reconcileBatch = 1000
)

// Limits of what staff may send.
const (
	MaxSubject  = 300    // characters (messages.subject is VARCHAR(300))
	MaxBody     = 100000 // characters of an e-mail or internal message
	MaxSMSParts = 10
)

var (
	// ErrNotFound: no such message for this customer and channel.
	ErrNotFound = store.ErrNotFound
	// ErrNotPending: the message is no longer waiting (sent, being sent, failed), so it cannot
	// be deleted.
	ErrNotPending = errors.New("messaging: message already sent or being sent")
	// ErrPermanent marks a failure that no retry can fix; the message is already recorded as
	// failed. The task layer turns it into asynq.SkipRetry.
	ErrPermanent = errors.New("messaging: permanent failure")
)

// NotPendingError is ErrNotPending with the status the message has instead.
type NotPendingError struct{ Status string }

func (e *NotPendingError) Error() string { return ErrNotPending.Error() + " (" + e.Status + ")" }

// Is makes errors.Is(err, ErrNotPending) hold.
func (e *NotPendingError) Is(target error) bool { return target == ErrNotPending }

// NotDueError is returned by Send for a wake-up that came too early to wait for in place.
type NotDueError struct{ At time.Time }

func (e *NotDueError) Error() string {
	return fmt.Sprintf("messaging: message not due until %s", e.At.UTC().Format(time.RFC3339Nano))
}

// Errors maps a form field ("subject", "body", "send_at") or "consent" (the whole form) to a
// Polish message.
type Errors map[string]string

// Service runs the pipeline. Zero values of the optional fields are usable.
type Service struct {
	Store    *store.Store
	Enqueuer Enqueuer     // nil: no wake-ups (the reconciler's scan still finds due rows)
	Email    email.Sender // nil: e-mails fail permanently
	SMS      sms.Sender   // nil: SMS fail permanently
	MailFrom string       // default sender when settings.mail_from is empty
	Loc      *time.Location
	Log      *slog.Logger
	Now      func() time.Time // the clock; nil = store.Now (tests move it)
	// Concurrency is how many messages a worker sends at once (DefaultConcurrency when zero).
	Concurrency int

	slotsOnce sync.Once
	slots     chan struct{} // sends in flight (sendSlots)

	// The drain running in this process (SendDue): the end of the latest second handed to it,
	// and how many wake-ups have handed over.
	drainMu        sync.Mutex
	draining       bool
	drainHorizon   time.Time
	drainHandOvers uint64
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return store.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Service) loc() *time.Location {
	if s.Loc != nil {
		return s.Loc
	}
	return time.UTC
}

// detached gives a context for recording an outcome that must not be lost when the caller's
// context ends (a worker shutting down, a client hanging up after the row was committed).
func detached(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), d)
}
