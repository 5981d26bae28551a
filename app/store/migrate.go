package store

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"text/template"

	"github.com/loyalty/backoffice/migrations"
)

// dialectVars fill the templates in migrations/*.sql.
type dialectVars struct {
	PK string
	TS string
	ci func(string) string
}

// CI is the case-insensitive index expression for a column; searches must use the same one.
func (d dialectVars) CI(col string) string { return d.ci(col) }

func (s *Store) dialectVars() dialectVars {
	if s.sqlite {
		return dialectVars{PK: "INTEGER PRIMARY KEY AUTOINCREMENT", TS: "TIMESTAMP", ci: sqliteCI}
	}
	return dialectVars{PK: "BIGSERIAL PRIMARY KEY", TS: "TIMESTAMPTZ", ci: pgCI}
}

// PostgreSQL in a C.UTF-8 (or any non-C) database uses a btree for LIKE 'x%' only under the
// "C" collation; lower() makes it case-insensitive. SQLite's NOCASE index serves LIKE directly.
func pgCI(col string) string     { return "lower(" + col + ") COLLATE \"C\"" }
func sqliteCI(col string) string { return col + " COLLATE NOCASE" }

// Migrate applies every migration not yet applied, each in its own transaction together with
// its bookkeeping row, so a failed migration is never recorded as applied.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	if _, err := s.root.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version VARCHAR(100) PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)`); err != nil {
		return nil, fmt.Errorf("store: migrations table: %w", err)
	}
	pending, err := s.PendingMigrations(ctx)
	if err != nil {
		return nil, err
	}
	vars := s.dialectVars()
	for _, name := range pending {
		raw, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			return nil, fmt.Errorf("store: read %s: %w", name, err)
		}
		tpl, err := template.New(name).Parse(string(raw))
		if err != nil {
			return nil, fmt.Errorf("store: parse %s: %w", name, err)
		}
		var sqlText bytes.Buffer
		if err := tpl.Execute(&sqlText, vars); err != nil {
			return nil, fmt.Errorf("store: render %s: %w", name, err)
		}
		err = s.WithTx(ctx, func(tx *Store) error {
			for _, stmt := range splitStatements(sqlText.String()) {
				if _, err := tx.db.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%w\n%s", err, stmt)
				}
			}
			_, err := tx.db.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
				name, Now().Format("2006-01-02T15:04:05Z"))
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("store: migration %s: %w", name, err)
		}
	}
	return pending, nil
}

// PendingMigrations lists the embedded migrations not yet applied, in order.
func (s *Store) PendingMigrations(ctx context.Context) ([]string, error) {
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	applied := map[string]bool{}
	rows, err := s.root.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err == nil {
		defer rows.Close()
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				return nil, err
			}
			applied[v] = true
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var pending []string
	for _, n := range names {
		if !applied[n] {
			pending = append(pending, n)
		}
	}
	return pending, nil
}

// splitStatements cuts a migration at semicolons that end a line, dropping comment-only chunks.
// Our migrations hold no procedural code, so this is enough.
func splitStatements(sqlText string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(sqlText, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") || trimmed == "" {
			continue
		}
		if i := strings.Index(line, "--"); i >= 0 && !strings.Contains(line[:i], "'") {
			line = line[:i]
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, strings.TrimSpace(cur.String()))
	}
	return out
}
