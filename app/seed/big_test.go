package seed_test

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/loyalty/backoffice/app/seed"
	"github.com/loyalty/backoffice/app/store"
)

// TestSeedBig measures `app seed` at benchmark size: 1 000 000 customers plus one with
// 100 000 operations, on SQLite and (with TEST_DATABASE_URL) PostgreSQL, then checks the
// ledger invariants with SQL. Only with SEED_BIG=1; pick one database with
// -run 'TestSeedBig/sqlite' and give it time: go test -timeout 60m. SEED_BIG_CUSTOMERS=N
// changes the number of customers.
func TestSeedBig(t *testing.T) {
	if os.Getenv("SEED_BIG") != "1" {
		t.Skip("SEED_BIG=1 not set")
	}
	eachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		log := slog.New(slog.NewTextHandler(testWriter{t}, nil))
		customers := 1_000_000
		if n, err := strconv.Atoi(os.Getenv("SEED_BIG_CUSTOMERS")); err == nil && n > 0 {
			customers = n // a quicker look
		}
		rep, err := seed.Run(ctx, st, seed.Options{Customers: customers, LongHistory: 100_000, Rand: 1, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("report: customers %d, point ops %d, messages %d, reward orders %d, scenario runs %d; took %v",
			rep.Customers, rep.PointOps, rep.Messages, rep.RewardOrders, rep.ScenarioRuns, rep.Took.Round(time.Millisecond))

		began := time.Now()
		var bad, negative int
		err = st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM customers AS c
			WHERE c.balance <> COALESCE((SELECT SUM(p.points) FROM point_operations AS p WHERE p.customer_id = c.id), 0)
			   OR c.ops_count <> (SELECT COUNT(*) FROM point_operations AS p WHERE p.customer_id = c.id)
			   OR c.ops_count <> COALESCE((SELECT MAX(p.seq) FROM point_operations AS p WHERE p.customer_id = c.id), 0)
			   OR c.balance <> COALESCE((SELECT p.balance_after FROM point_operations AS p WHERE p.customer_id = c.id
			                             ORDER BY p.seq DESC LIMIT 1), 0)`).Scan(&bad)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM point_operations WHERE balance_after < 0 OR seq < 1").Scan(&negative); err != nil {
			t.Fatal(err)
		}
		if bad != 0 || negative != 0 {
			t.Errorf("%d customers break balance == SUM(points) == newest balance_after / ops_count; %d bad rows", bad, negative)
		}
		t.Logf("invariants checked in %v", time.Since(began).Round(time.Millisecond))
	})
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
