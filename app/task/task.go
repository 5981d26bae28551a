// Package task holds the asynq side of the product: task names, payloads (ids only), the
// enqueuer the domain is given, and NewServeMux, the one set of handlers that both the worker
// process and the embedded default run.
package task

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Task names.
const (
	TypeHealth = "system:health" // a no-op the scheduler sends, proving the worker is alive
)

// Deps are what the handlers need.
type Deps struct {
	Log *slog.Logger
}

// NewServeMux registers every handler. Handlers reload state from the database by id and are
// safe to run twice.
func NewServeMux(d Deps) *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypeHealth, func(ctx context.Context, t *asynq.Task) error {
		d.Log.Debug("worker alive")
		return nil
	})
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

// Worker is the asynq server plus the one periodic scheduler.
type Worker struct {
	srv   *asynq.Server
	sched *asynq.Scheduler
	log   *slog.Logger
}

// NewWorker builds the server and scheduler on redisOpt.
func NewWorker(redisOpt asynq.RedisConnOpt, log *slog.Logger, concurrency int) *Worker {
	srv := asynq.NewServer(redisOpt, asynq.Config{
		Concurrency: concurrency,
		// asynq moves scheduled tasks to pending every 5 s by default: far too coarse for a
		// message planned to the minute.
		DelayedTaskCheckInterval: time.Second,
		ShutdownTimeout:          8 * time.Second,
		Logger:                   slogAdapter{log},
		LogLevel:                 asynq.WarnLevel,
	})
	sched := asynq.NewScheduler(redisOpt, &asynq.SchedulerOpts{Logger: slogAdapter{log}, LogLevel: asynq.WarnLevel})
	return &Worker{srv: srv, sched: sched, log: log}
}

// Start runs the handlers and the periodic jobs in the background (no signal handling: the
// caller owns the process).
func (w *Worker) Start(mux *asynq.ServeMux) error {
	if _, err := w.sched.Register("@every 1m", asynq.NewTask(TypeHealth, nil), asynq.Unique(time.Minute)); err != nil {
		return fmt.Errorf("task: register health: %w", err)
	}
	if err := w.srv.Start(mux); err != nil {
		return fmt.Errorf("task: start server: %w", err)
	}
	if err := w.sched.Start(); err != nil {
		return fmt.Errorf("task: start scheduler: %w", err)
	}
	return nil
}

// Shutdown stops the scheduler, then drains the server.
func (w *Worker) Shutdown() {
	w.sched.Shutdown()
	w.srv.Shutdown()
}

// Ping checks Redis through a plain client (used by /healthz).
func Ping(ctx context.Context, rdb redis.UniversalClient) error { return rdb.Ping(ctx).Err() }

type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a slogAdapter) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a slogAdapter) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a slogAdapter) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }
func (a slogAdapter) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }
