// Package task holds the asynq side of the product: task names, payloads (ids only), the
// enqueuer the domain is given, and NewServeMux, the one set of handlers that both the worker
// process and the embedded default run.
package task

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/loyalty/backoffice/app/automation"
	"github.com/loyalty/backoffice/app/messaging"
)

// Task names.
const (
	TypeHealth           = "system:health"     // a no-op the scheduler sends, proving the worker is alive
	TypeMessageSend      = "message:send"      // payload {"message_id": N}: messaging.Service.Send
	TypeMessageDue       = "message:due"       // payload {"at": unix second}: messaging.Service.SendDue
	TypeMessageReconcile = "message:reconcile" // periodic: messaging.Service.Reconcile
)

// Deps are what the handlers need.
type Deps struct {
	Log      *slog.Logger
	Messages *messaging.Service // nil: the message handlers do nothing
	// Automation runs scenarios (events and date triggers) and, through its Store, the points
	// expiry; nil: those handlers do nothing.
	Automation *automation.Engine
}

// NewServeMux registers every handler. Handlers reload state from the database by id and are
// safe to run twice.
func NewServeMux(d Deps) *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypeHealth, func(ctx context.Context, t *asynq.Task) error {
		d.Log.Debug("worker alive")
		return nil
	})
	mux.HandleFunc(TypeMessageSend, d.sendMessage)
	mux.HandleFunc(TypeMessageDue, d.drainMessages)
	mux.HandleFunc(TypeMessageReconcile, d.reconcileMessages)
	mux.HandleFunc(TypeAutomationEvent, d.automationEvent)
	mux.HandleFunc(TypeAutomationBirthdays, d.automationBirthdays)
	mux.HandleFunc(TypeAutomationInactive, d.automationInactive)
	mux.HandleFunc(TypePointsExpire, d.expirePoints)
	return mux
}

// RedisOpt turns a redis:// URL into asynq's connection option.
func RedisOpt(url string) (asynq.RedisConnOpt, error) {
	opt, err := asynq.ParseRedisURI(url)
	if err != nil {
		return nil, fmt.Errorf("task: REDIS_URL: %w", err)
	}
	return opt, nil
}

// Options tune a Worker; zero values take the defaults.
type Options struct {
	Concurrency int
	// RetryBase and RetryCap shape the backoff of a temporarily failed message: RetryBase·2^n,
	// at most RetryCap (defaults 2 s and 1 min: six retries span about two minutes, rather than
	// asynq's default of 25 retries over 20 days).
	RetryBase, RetryCap time.Duration
	// ReconcileEvery is the period of the message reconciler (default 5 s).
	ReconcileEvery time.Duration
	// NoScheduler leaves out the periodic jobs (a second worker in tests; DESIGN.md: run one
	// periodic scheduler).
	NoScheduler bool
	// ShutdownTimeout is how long Shutdown waits for running handlers (default 8 s).
	ShutdownTimeout time.Duration
}

func (o *Options) defaults() {
	if o.Concurrency <= 0 {
		o.Concurrency = 10
	}
	if o.RetryBase <= 0 {
		o.RetryBase = 2 * time.Second
	}
	if o.RetryCap <= 0 {
		o.RetryCap = time.Minute
	}
	if o.ReconcileEvery <= 0 {
		o.ReconcileEvery = 5 * time.Second
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 8 * time.Second
	}
}

// Worker is the asynq server plus the one periodic scheduler.
type Worker struct {
	srv      *asynq.Server
	sched    *asynq.Scheduler
	client   *asynq.Client
	opts     Options
	log      *slog.Logger
	shutdown sync.Once
}

// NewWorker builds the server and scheduler on redisOpt.
func NewWorker(redisOpt asynq.RedisConnOpt, log *slog.Logger, o Options) *Worker {
	o.defaults()
	srv := asynq.NewServer(redisOpt, asynq.Config{
		Concurrency: o.Concurrency,
		// asynq moves scheduled tasks to pending every 5 s by default, and an idle processor
		// looks for pending tasks every ~1 s: far too coarse for a message planned to the second.
		// Both checks are one small script against Redis. Measured (BenchmarkLateness, 500
		// messages planned to the whole second): 250 ms / 100 ms gave p50 278 ms late; 100 ms /
		// 50 ms gives p50 89-98 ms, p99 125-145 ms.
		DelayedTaskCheckInterval: 100 * time.Millisecond,
		TaskCheckInterval:        50 * time.Millisecond,
		RetryDelayFunc:           retryDelay(o.RetryBase, o.RetryCap),
		IsFailure:                isFailure,
		ShutdownTimeout:          o.ShutdownTimeout,
		Logger:                   slogAdapter{log},
		LogLevel:                 asynq.WarnLevel,
	})
	w := &Worker{srv: srv, opts: o, log: log, client: asynq.NewClient(redisOpt)}
	if !o.NoScheduler {
		w.sched = asynq.NewScheduler(redisOpt, &asynq.SchedulerOpts{Logger: slogAdapter{log}, LogLevel: asynq.WarnLevel})
	}
	return w
}

// Start runs the handlers and the periodic jobs in the background (no signal handling: the
// caller owns the process).
func (w *Worker) Start(mux *asynq.ServeMux) error {
	if w.sched != nil {
		if _, err := w.sched.Register("@every 1m", asynq.NewTask(TypeHealth, nil), asynq.Unique(time.Minute)); err != nil {
			return fmt.Errorf("task: register health: %w", err)
		}
		if _, err := w.sched.Register(fmt.Sprintf("@every %s", w.opts.ReconcileEvery), reconcileTask(), reconcileOpts()...); err != nil {
			return fmt.Errorf("task: register reconciler: %w", err)
		}
		for _, p := range periodic() {
			if _, err := w.sched.Register(fmt.Sprintf("@every %s", p.every), asynq.NewTask(p.typ, nil), periodicOpts(p.every)...); err != nil {
				return fmt.Errorf("task: register %s: %w", p.typ, err)
			}
		}
	}
	if err := w.srv.Start(mux); err != nil {
		return fmt.Errorf("task: start server: %w", err)
	}
	if w.sched != nil {
		if err := w.sched.Start(); err != nil {
			return fmt.Errorf("task: start scheduler: %w", err)
		}
		// One pass at once rather than after the first period: after a restart (the embedded
		// Redis forgets everything) due messages leave without waiting for the schedule.
		if _, err := w.client.Enqueue(reconcileTask(), reconcileOpts()...); err != nil {
			w.log.Debug("first reconcile not queued", "err", err)
		}
	}
	return nil
}

// Shutdown stops the scheduler, then drains the server; calling it again does nothing.
func (w *Worker) Shutdown() {
	w.shutdown.Do(func() {
		if w.sched != nil {
			w.sched.Shutdown()
		}
		w.srv.Shutdown()
		_ = w.client.Close()
	})
}

type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a slogAdapter) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a slogAdapter) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a slogAdapter) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }
func (a slogAdapter) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }
