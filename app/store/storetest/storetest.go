// Package storetest opens migrated test databases: SQLite always, PostgreSQL when
// TEST_DATABASE_URL is set (each call in a schema of its own, dropped afterwards), and Redis
// (TEST_REDIS_URL, else an in-process miniredis).
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/loyalty/backoffice/app/store"
)

// Backend is one database a test runs against.
type Backend struct {
	Name string
	URL  string
}

// Backends lists SQLite and, when TEST_DATABASE_URL is set, PostgreSQL. CI sets
// REQUIRE_SERVICES=1 so that a missing TEST_DATABASE_URL fails instead of skipping silently.
func Backends(t testing.TB) []string {
	names := []string{"sqlite"}
	if os.Getenv("TEST_DATABASE_URL") != "" {
		names = append(names, "postgres")
	} else if os.Getenv("REQUIRE_SERVICES") == "1" {
		t.Fatal("REQUIRE_SERVICES=1 but TEST_DATABASE_URL is not set: PostgreSQL tests would be skipped")
	} else {
		t.Log("TEST_DATABASE_URL not set: PostgreSQL tests skipped, SQLite only")
	}
	return names
}

// Open returns a migrated, empty store on the named backend ("sqlite" or "postgres").
func Open(t testing.TB, backend string) *store.Store {
	t.Helper()
	ctx := context.Background()
	var st *store.Store
	var err error
	switch backend {
	case "sqlite":
		st, err = store.Open("sqlite:" + filepath.Join(t.TempDir(), "test.db"))
	case "postgres":
		base := os.Getenv("TEST_DATABASE_URL")
		schema := "t_" + randHex(6)
		admin, err2 := store.Open(base)
		if err2 != nil {
			t.Fatal(err2)
		}
		if _, err2 := admin.DB().ExecContext(ctx, "CREATE SCHEMA "+schema); err2 != nil {
			t.Fatal(err2)
		}
		t.Cleanup(func() {
			_, _ = admin.DB().ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			admin.Close()
		})
		st, err = store.Open(withSearchPath(base, schema))
	default:
		t.Fatalf("unknown backend %q", backend)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

func withSearchPath(dsn, schema string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Redis returns a client on TEST_REDIS_URL (flushing its database first: use a database index
// of its own, e.g. redis://127.0.0.1:6379/9) or on a fresh miniredis.
func Redis(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		opt, err := redis.ParseURL(u)
		if err != nil {
			t.Fatal(err)
		}
		rdb := redis.NewClient(opt)
		t.Cleanup(func() { rdb.Close() })
		return rdb, u
	}
	if os.Getenv("REQUIRE_SERVICES") == "1" {
		t.Fatal("REQUIRE_SERVICES=1 but TEST_REDIS_URL is not set")
	}
	m := miniredis.RunT(t)
	m.ClockTTL(true)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return rdb, "redis://" + m.Addr() + "/0"
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}
