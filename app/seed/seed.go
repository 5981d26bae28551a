// Package seed generates realistic Polish demo data: the embedded default's first-start demo
// and `app seed -customers N` for benchmarks.
//
// Everything is computed in memory first: each customer's ledger with its seq and
// balance_after (never below zero), its reward orders, scenario runs and messages, with every
// id assigned here, so rows that point to each other are written in one pass. Customers are
// streamed in chunks of a few thousand, generated while the previous chunk is written as
// multi-row INSERTs in transactions, which keeps memory bounded.
package seed

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/loyalty/backoffice/app/store"
)

// Options say how much to generate.
type Options struct {
	Customers   int   // how many customers
	LongHistory int   // if > 0, one extra customer (number "99999999") gets this many point operations (for benchmarks)
	Rand        int64 // random seed: the same seed gives the same data (times relative to now; portal tokens are always random)
	Log         *slog.Logger
}

// Report counts what Run wrote.
type Report struct {
	Customers, PointOps, Messages, RewardOrders, ScenarioRuns int
	Took                                                      time.Duration
}

const (
	pgWorkers      = 3         // PostgreSQL connections writing a chunk's dependent rows in parallel
	sqliteCacheKiB = 256 << 10 // SQLite page cache while seeding
	demoSize       = 1000      // up to this many customers, everyone gets a demo-sized history
	firstSeen      = 730       // customers joined over the last two years (days)…
	lastSeen       = 14        // …up to two weeks ago, so even the newest have some history
)

// Variables only so that tests can cross chunk and statement boundaries with few rows.
var (
	chunkSize = 5000 // customers generated and written per transaction
	batchRows = 1000 // rows per INSERT statement
)

// Run fills the database. It expects migrated, empty customer tables, creates what it needs
// (groups, locations, rewards, scenarios with actions, two demo staff users "anna.nowak" and
// "piotr.wisniewski" with an unusable password hash "!"), and is fast: batched multi-row
// inserts, each chunk of customers with everything that hangs on them in one transaction.
//
// Between them, the 25 newest customers (the register's first page) have rows in every tab of
// the card, and the newest one has rows in each.
func Run(ctx context.Context, st *store.Store, opt Options) (Report, error) {
	began := time.Now()
	var rep Report
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opt.Customers < 0 || opt.LongHistory < 0 {
		return rep, errors.New("seed: negative count")
	}
	if opt.Customers > 89_999_998 {
		return rep, errors.New("seed: too many customers for 8-digit card numbers")
	}
	var db bun.IDB = st.DB()
	if n, err := db.NewSelect().Model((*store.Customer)(nil)).Count(ctx); err != nil {
		return rep, fmt.Errorf("seed: count customers: %w", err)
	} else if n > 0 {
		return rep, fmt.Errorf("seed: the database already has %d customers", n)
	}

	now := store.Now().UnixMicro()
	e, err := prepare(ctx, st, now)
	if err != nil {
		return rep, err
	}
	next, err := lastIDs(ctx, db)
	if err != nil {
		return rep, err
	}
	seed := uint64(opt.Rand)
	p := newPlan(opt.Customers, newRand(seed, 1<<63), e.start, now-lastSeen*day)
	first := next.customer + 1
	if opt.LongHistory > 0 {
		first++
	}
	g := newGenerator(e, p, seed, opt.Customers <= demoSize, first, next)
	log.Info("seed: start", "customers", opt.Customers, "long_history", opt.LongHistory, "sqlite", st.SQLite())

	if st.SQLite() {
		// SQLite writes on one connection anyway; give it a page cache that holds the hot parts
		// of the customers' eleven indexes (the default 2 MB makes every insert a page miss at
		// a million rows), and put the default back before the connection returns to the pool.
		conn, err := st.DB().Conn(ctx)
		if err != nil {
			return rep, fmt.Errorf("seed: connection: %w", err)
		}
		defer conn.Close()
		var cache int64
		if err := conn.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
			return rep, fmt.Errorf("seed: cache size: %w", err)
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = %d", -sqliteCacheKiB)); err != nil {
			return rep, fmt.Errorf("seed: cache size: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA cache_size = %d", cache))
		db = conn
	}

	if opt.LongHistory > 0 {
		token := make([]byte, 32)
		if _, err := crand.Read(token); err != nil {
			return rep, err
		}
		id := next.customer + 1
		var written int
		bal, count, err := g.longCustomer(id, opt.LongHistory, batchRows*10, hex.EncodeToString(token), func(b *batch) error {
			written += len(b.ops)
			return insertBatch(ctx, db, b)
		})
		if err != nil {
			return rep, err
		}
		_, err = db.NewUpdate().Table("customers").Set("balance = ?", bal).Set("ops_count = ?", count).
			Where("id = ?", id).Exec(ctx)
		if err != nil {
			return rep, fmt.Errorf("seed: balance of %d: %w", id, err)
		}
		rep.Customers++
		rep.PointOps += written
		log.Info("seed: long history written", "customer", "99999999", "ops", written, "took", time.Since(began).Round(time.Millisecond))
	}

	if err := stream(ctx, db, st.SQLite(), g, opt.Customers, &rep, log, began); err != nil {
		return rep, err
	}
	if err := lateReferrals(ctx, db, g); err != nil {
		return rep, err
	}
	if err := finish(ctx, st); err != nil {
		return rep, err
	}
	rep.Took = time.Since(began)
	log.Info("seed: done", "customers", rep.Customers, "point_ops", rep.PointOps, "messages", rep.Messages,
		"reward_orders", rep.RewardOrders, "scenario_runs", rep.ScenarioRuns, "took", rep.Took.Round(time.Millisecond))
	return rep, nil
}

// stream generates the customers chunk by chunk in a goroutine and writes them while the
// next chunk is being generated.
//
// SQLite has one writer, so each chunk goes in one transaction. PostgreSQL spreads the work
// over a few connections: a chunk's customers are committed first, in order (a referral
// points to an earlier chunk), then its consents, its ledger (reward orders, their events,
// the operations) and its scenario runs with their messages go to parallel workers, each in
// a transaction of its own, while the next chunk's customers are written.
func stream(ctx context.Context, db bun.IDB, sqlite bool, g *generator, n int, rep *Report, log *slog.Logger, began time.Time) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan *batch, 2)
	go func() {
		defer close(chunks)
		for from := 0; from < n; from += chunkSize {
			b := g.chunk(from, min(from+chunkSize, n))
			select {
			case chunks <- b:
			case <-ctx.Done():
				return
			}
		}
	}()

	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	jobs := make(chan func() error, pgWorkers)
	if !sqlite {
		for range pgWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for job := range jobs {
					if ctx.Err() == nil {
						if err := job(); err != nil {
							fail(err)
						}
					}
				}
			}()
		}
	}
	inTx := func(fn func(tx bun.Tx) error) func() error {
		return func() error {
			return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(tx) })
		}
	}

	done, lastLog := 0, time.Now()
	for b := range chunks {
		if ctx.Err() != nil {
			continue // drain after a failure
		}
		if sqlite {
			if err := insertBatch(ctx, db, b); err != nil {
				fail(err)
				continue
			}
		} else {
			err := inTx(func(tx bun.Tx) error { return insertRows(ctx, tx, "customers", b.customers) })()
			if err != nil {
				fail(err)
				continue
			}
			jobs <- inTx(func(tx bun.Tx) error { return insertRows(ctx, tx, "consents", b.consents) })
			jobs <- inTx(func(tx bun.Tx) error {
				if err := insertRows(ctx, tx, "reward_orders", b.orders); err != nil {
					return err
				}
				if err := insertRows(ctx, tx, "reward_order_events", b.events); err != nil {
					return err
				}
				return insertRows(ctx, tx, "point_operations", b.ops)
			})
			jobs <- inTx(func(tx bun.Tx) error {
				if err := insertRows(ctx, tx, "scenario_runs", b.runs); err != nil {
					return err
				}
				return insertRows(ctx, tx, "messages", b.messages)
			})
		}
		done += len(b.customers)
		rep.Customers += len(b.customers)
		rep.PointOps += len(b.ops)
		rep.Messages += len(b.messages)
		rep.RewardOrders += len(b.orders)
		rep.ScenarioRuns += len(b.runs)
		if time.Since(lastLog) > 10*time.Second {
			lastLog = time.Now()
			log.Info("seed: progress", "customers", done, "of", n, "took", time.Since(began).Round(time.Second))
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// insertBatch writes a batch in one transaction, referenced tables first.
func insertBatch(ctx context.Context, db bun.IDB, b *batch) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		steps := []func() error{
			func() error { return insertRows(ctx, tx, "customers", b.customers) },
			func() error { return insertRows(ctx, tx, "consents", b.consents) },
			func() error { return insertRows(ctx, tx, "reward_orders", b.orders) },
			func() error { return insertRows(ctx, tx, "reward_order_events", b.events) },
			func() error { return insertRows(ctx, tx, "point_operations", b.ops) },
			func() error { return insertRows(ctx, tx, "scenario_runs", b.runs) },
			func() error { return insertRows(ctx, tx, "messages", b.messages) },
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertRows writes rows as multi-row INSERTs of batchRows rows. Ids are set, so nothing is
// read back (Returning("") drops bun's RETURNING of NULL columns).
func insertRows[T any](ctx context.Context, tx bun.Tx, table string, rows []T) error {
	for len(rows) > 0 {
		part := rows[:min(batchRows, len(rows))]
		if _, err := tx.NewInsert().Model(&part).Returning("").Exec(ctx); err != nil {
			return fmt.Errorf("seed: insert %s: %w", table, err)
		}
		rows = rows[len(part):]
	}
	return nil
}

// lateReferrals records the referrers that point to newer customers, now that both exist.
func lateReferrals(ctx context.Context, db bun.IDB, g *generator) error {
	byReferrer := map[int64][]int64{}
	for j, k := range g.plan.late {
		byReferrer[g.id(int(k))] = append(byReferrer[g.id(int(k))], g.id(int(j)))
	}
	if len(byReferrer) == 0 {
		return nil
	}
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for referrer, ids := range byReferrer {
			_, err := tx.NewUpdate().Table("customers").
				Set("referred_by_id = ?", referrer).
				Set("updated_at = ?", tm(g.env.now-day)).
				Where("id IN (?)", bun.In(ids)).Exec(ctx)
			if err != nil {
				return fmt.Errorf("seed: referrals of %d: %w", referrer, err)
			}
		}
		return nil
	})
}

// seededTables are the tables whose ids Run assigns.
var seededTables = []string{"customers", "consents", "reward_orders", "reward_order_events",
	"point_operations", "scenario_runs", "messages"}

func lastIDs(ctx context.Context, db bun.IDB) (counters, error) {
	var ids [7]int64
	for i, t := range seededTables {
		if err := db.NewSelect().TableExpr(t).ColumnExpr("COALESCE(MAX(id), 0)").Scan(ctx, &ids[i]); err != nil {
			return counters{}, fmt.Errorf("seed: last id of %s: %w", t, err)
		}
	}
	return counters{customer: ids[0], consent: ids[1], order: ids[2], event: ids[3], op: ids[4], run: ids[5], msg: ids[6]}, nil
}

// finish moves PostgreSQL's id sequences past the ids written here (SQLite's AUTOINCREMENT
// follows explicit ids by itself) and refreshes the planner's statistics.
func finish(ctx context.Context, st *store.Store) error {
	if st.SQLite() {
		return nil
	}
	db := st.DB()
	for _, t := range seededTables {
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), m) FROM (SELECT MAX(id) AS m FROM %s) AS x WHERE m IS NOT NULL", t, t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("seed: sequence of %s: %w", t, err)
		}
	}
	if _, err := db.ExecContext(ctx, "ANALYZE customers, consents, reward_orders, reward_order_events, point_operations, scenario_runs, messages"); err != nil {
		return fmt.Errorf("seed: analyze: %w", err)
	}
	return nil
}
