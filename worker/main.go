// Command worker is the background process of a real deployment: the asynq server running
// the handlers of app/task and the one periodic scheduler, against REDIS_URL and DATABASE_URL.
// This file only wires; it shuts down in order on SIGTERM.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/loyalty/backoffice/app/automation"
	"github.com/loyalty/backoffice/app/config"
	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/store"
	"github.com/loyalty/backoffice/app/task"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(log); err != nil {
		log.Error("worker", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	if cfg.RedisURL == "" {
		return errors.New("REDIS_URL is not set: the embedded default runs its worker inside `go run ./app`")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if pending, err := st.PendingMigrations(ctx); err != nil {
		return err
	} else if len(pending) > 0 {
		return errors.New("the database schema is behind: run `app migrate` first")
	}
	redisOpt, err := task.RedisOpt(cfg.RedisURL)
	if err != nil {
		return err
	}
	enqueuer := task.NewEnqueuer(redisOpt, log)
	defer enqueuer.Close()
	messages, err := messaging.FromConfig(cfg, st, enqueuer, log)
	if err != nil {
		return err
	}
	w := task.NewWorker(redisOpt, log, task.Options{Concurrency: 20})
	scenarios := &automation.Engine{Store: st, Messenger: messaging.Automatic{S: messages}, Loc: cfg.Location}
	if err := w.Start(task.NewServeMux(task.Deps{Log: log, Messages: messages, Automation: scenarios})); err != nil {
		return err
	}
	log.Info("worker running", "redis", config.Redacted(cfg.RedisURL))
	<-ctx.Done()
	log.Info("worker shutting down")
	w.Shutdown()
	return nil
}
