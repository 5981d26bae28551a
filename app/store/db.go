// Package store is the only place with SQL: bun models and queries, one file per aggregate,
// and WithTx for multi-step writes. The same queries run on PostgreSQL and SQLite.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/pgdriver"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver: nothing to install
)

// ErrNotFound is returned when the asked-for row does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a unique value is already taken.
var ErrConflict = errors.New("store: conflict")

// Store wraps a bun.IDB: the database itself, or a transaction inside WithTx.
type Store struct {
	db     bun.IDB
	root   *bun.DB
	sqlite bool
}

// Open connects to a postgres:// or sqlite: URL.
func Open(url string) (*Store, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		sqldb := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(url)))
		sqldb.SetMaxOpenConns(20)
		// Keep them open: database/sql keeps only 2 idle connections by default, and a new
		// PostgreSQL connection is a new server process. Under the worker's concurrency that
		// meant a connect for most queries.
		sqldb.SetMaxIdleConns(20)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		db := bun.NewDB(sqldb, pgdialect.New())
		return &Store{db: db, root: db}, nil
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(url, "sqlite:")
		if path != ":memory:" {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return nil, fmt.Errorf("store: data dir: %w", err)
			}
		}
		// Writers take the lock at BEGIN (_txlock=immediate) and wait for it (busy_timeout), so
		// concurrent writes queue instead of failing with "database is locked"; WAL lets readers
		// run beside the writer.
		dsn := "file:" + path + "?_txlock=immediate&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
		sqldb, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		sqldb.SetMaxOpenConns(8)
		sqldb.SetMaxIdleConns(8)
		db := bun.NewDB(sqldb, sqlitedialect.New())
		return &Store{db: db, root: db, sqlite: true}, nil
	}
	return nil, fmt.Errorf("store: unsupported database URL")
}

// Close closes the database.
func (s *Store) Close() error { return s.root.Close() }

// DB is the underlying bun database (for migrations and tests).
func (s *Store) DB() *bun.DB { return s.root }

// SQLite reports whether the database is SQLite.
func (s *Store) SQLite() bool { return s.sqlite }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.root.PingContext(ctx) }

// WithTx runs fn in one transaction; if s is already inside one, fn joins it.
func (s *Store) WithTx(ctx context.Context, fn func(tx *Store) error) error {
	if _, ok := s.db.(bun.Tx); ok {
		return fn(s)
	}
	return s.root.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return fn(&Store{db: tx, root: s.root, sqlite: s.sqlite})
	})
}

// Now is the storage clock: UTC, microseconds (what PostgreSQL keeps), so that a time read back
// equals the time written on both databases.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// isUnique reports a unique-constraint violation on either database.
func isUnique(err error) bool {
	if err == nil {
		return false
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		return pgErr.Field('C') == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
