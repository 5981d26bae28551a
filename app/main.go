// Command app is the web process: `app` (or `app serve`) serves the back office, `app migrate`
// applies the migrations, `app seed -customers N` generates demo customers. With no
// DATABASE_URL and no REDIS_URL it runs on the embedded default: SQLite under DATA_DIR, an
// in-process Redis and the worker in the same process. This file only wires.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/loyalty/backoffice/app/automation"
	"github.com/loyalty/backoffice/app/config"
	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/seed"
	"github.com/loyalty/backoffice/app/staff"
	"github.com/loyalty/backoffice/app/store"
	"github.com/loyalty/backoffice/app/task"
	"github.com/loyalty/backoffice/app/web"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cmd := "serve"
	args := os.Args[1:]
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	cfg, err := config.FromEnv()
	if err != nil {
		log.Error("configuration", "err", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, log)
	case "migrate":
		err = migrate(ctx, cfg, log)
	case "seed":
		err = seedCmd(ctx, cfg, log, args)
	default:
		err = fmt.Errorf("unknown command %q (serve, migrate, seed)", cmd)
	}
	if err != nil {
		log.Error("app", "cmd", cmd, "err", err)
		os.Exit(1)
	}
}

func migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	st, err := store.Open(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	log.Info("migrations applied", "count", len(applied), "files", applied)
	return nil
}

func seedCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	n := fs.Int("customers", 1000, "number of customers to generate")
	long := fs.Int("long-history", 100000, "point operations of the one customer with a long history (0 = none)")
	randSeed := fs.Int64("rand", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := store.Open(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	rep, err := seed.Run(ctx, st, seed.Options{Customers: *n, LongHistory: *long, Rand: *randSeed, Log: log})
	if err != nil {
		return err
	}
	log.Info("seed done", "customers", rep.Customers, "point_ops", rep.PointOps, "messages", rep.Messages, "took", rep.Took.Round(time.Millisecond))
	return nil
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	st, err := store.Open(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()

	// The embedded default migrates itself; a real deployment migrates in its release step
	// (`app migrate`) and refuses to run on a schema that is behind.
	if cfg.Embedded() && !cfg.Postgres() {
		if _, err := st.Migrate(ctx); err != nil {
			return err
		}
	} else if pending, err := st.PendingMigrations(ctx); err != nil {
		return err
	} else if len(pending) > 0 {
		return fmt.Errorf("the database schema is behind (%d pending migrations): run `app migrate` first", len(pending))
	}

	rdb, redisOpt, closeRedis, err := openRedis(cfg, log)
	if err != nil {
		return err
	}
	defer closeRedis()

	if err := staff.Bootstrap(ctx, st, cfg.AdminPassword, log); err != nil {
		return err
	}
	if cfg.DemoData {
		if err := demo(ctx, st, log); err != nil {
			return err
		}
	}

	enqueuer := task.NewEnqueuer(redisOpt, log)
	defer enqueuer.Close()
	messages, err := messaging.FromConfig(cfg, st, enqueuer, log)
	if err != nil {
		return err
	}

	scenarios := &automation.Engine{Store: st, Messenger: messaging.Automatic{S: messages}, Loc: cfg.Location}

	var worker *task.Worker
	if cfg.Embedded() {
		worker = task.NewWorker(redisOpt, log, task.Options{Concurrency: 20})
		if err := worker.Start(task.NewServeMux(task.Deps{Log: log, Messages: messages, Automation: scenarios})); err != nil {
			return err
		}
	}

	// Scenarios run in the worker: the web process only hands it the events.
	srv, err := web.New(web.Deps{Config: cfg, Store: st, Redis: rdb, Log: log, Messages: messages, Events: enqueuer.EnqueueEvent})
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Listen(":" + cfg.Port) }()
	mode := "PostgreSQL + Redis"
	if cfg.Embedded() {
		mode = "embedded default (SQLite " + cfg.SQLitePath() + ", in-process Redis and worker)"
	}
	log.Info("listening", "url", "http://localhost:"+cfg.Port+"/", "mode", mode, "login", "admin")

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		log.Warn("web shutdown", "err", err)
	}
	if worker != nil {
		worker.Shutdown()
	}
	return nil
}

// openRedis connects to REDIS_URL, or starts the in-process Redis of the embedded default.
func openRedis(cfg config.Config, log *slog.Logger) (redis.UniversalClient, asynq.RedisConnOpt, func(), error) {
	if cfg.RedisURL != "" {
		opt, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		rdb := redis.NewClient(opt)
		aopt, err := task.RedisOpt(cfg.RedisURL)
		if err != nil {
			return nil, nil, nil, err
		}
		return rdb, aopt, func() { rdb.Close() }, nil
	}
	m := miniredis.NewMiniRedis()
	m.ClockTTL(true) // otherwise keys with a TTL (sessions, login throttling, asynq leases) never expire
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, nil, nil, fmt.Errorf("in-process redis: %w", err)
	}
	log.Info("in-process redis started", "addr", m.Addr())
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	return rdb, asynq.RedisClientOpt{Addr: m.Addr()}, func() { rdb.Close(); m.Close() }, nil
}

// demo fills an empty database with demo customers on first start.
func demo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	n, err := st.CountCustomers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	rep, err := seed.Run(ctx, st, seed.Options{Customers: 60, Rand: time.Now().UnixNano(), Log: log})
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	log.Info("demo data added", "customers", rep.Customers, "took", rep.Took.Round(time.Millisecond))
	return nil
}
