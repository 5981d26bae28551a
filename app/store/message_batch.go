package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// Batches of the worker's drain (messaging.Service.SendDue): when many messages are due at once
// (a campaign, a backlog after downtime) they are claimed, loaded and recorded a batch at a time,
// so that the database costs one statement per batch rather than several per message. The
// guarantees are those of ClaimMessage and FinishMessage, row by row.

// ClaimDue claims up to limit due first attempts (scheduled, never tried, send_at <= now),
// oldest first, in one UPDATE. Retries are left to their own wake-ups, which keep their
// backoff. Every row is handed to one claimer only, and a deleted row never:
//   - SQLite runs one writer at a time, and the outer WHERE repeats the conditions;
//   - PostgreSQL locks the picked rows first (FOR UPDATE re-checks the conditions on the newest
//     version of each row; SKIP LOCKED passes over rows another drain holds instead of
//     queueing behind them), so nothing can change them before this UPDATE commits.
//
// The inner SELECT walks messages_waiting (send_at, scheduled rows only) in order and stops
// at limit; ordering by id too would sort the whole backlog on every claim. On PostgreSQL the
// ids are fixed first (ARRAY(...) runs once and the UPDATE finds them by primary key).
// Measured at 4 000 waiting, with the statistics of a freshly filled table: IN (...) with the
// conditions repeated was planned as a nested loop over the backlog, 39 ms per claim.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, limit int) ([]Message, error) {
	const pick = "SELECT id FROM messages WHERE status = ? AND send_at <= ? AND attempts = 0 ORDER BY send_at LIMIT ?"
	args := []any{MessageSending, now, MessageScheduled, now, limit}
	where := "id IN (" + pick + ") AND status = ? AND send_at <= ? AND attempts = 0"
	if s.sqlite {
		args = append(args, MessageScheduled, now)
	} else {
		where = "id = ANY(ARRAY(" + pick + " FOR UPDATE SKIP LOCKED))"
	}
	var ms []Message
	err := s.db.NewRaw("UPDATE messages SET status = ?, attempts = attempts + 1, updated_at = ? WHERE "+where+
		" RETURNING "+messageColumns, args...).Scan(ctx, &ms)
	if err != nil {
		return nil, fmt.Errorf("store: claim due messages: %w", err)
	}
	return ms, nil
}

// NextFirstAttempt is the earliest send_at of a scheduled, never-tried message planned before
// `before`; ok=false when there is none.
func (s *Store) NextFirstAttempt(ctx context.Context, before time.Time) (at time.Time, ok bool, err error) {
	var rows []struct {
		SendAt time.Time `bun:"send_at"`
	}
	err = s.db.NewSelect().TableExpr("messages").ColumnExpr("send_at").
		Where("status = ?", MessageScheduled).Where("send_at < ?", before).Where("attempts = 0").
		OrderExpr("send_at").Limit(1).Scan(ctx, &rows)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next due message: %w", err)
	}
	if len(rows) == 0 {
		return time.Time{}, false, nil
	}
	return rows[0].SendAt, true, nil
}

// Finish is one claimed message's outcome, for FinishMessages.
type Finish struct {
	ID int64
	Outcome
}

// FinishMessages records several outcomes in one UPDATE, each only while its row is still
// "sending" (as FinishMessage does), and returns the ids it recorded.
func (s *Store) FinishMessages(ctx context.Context, fs []Finish, now time.Time) ([]int64, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	var done []int64
	var err error
	if s.sqlite {
		done, err = s.finishCase(ctx, fs, now)
	} else {
		done, err = s.finishUnnest(ctx, fs, now)
	}
	if err != nil {
		return nil, fmt.Errorf("store: finish %d messages: %w", len(fs), err)
	}
	return done, nil
}

// finishUnnest is PostgreSQL's bulk update: the outcomes travel as six arrays joined to the
// rows by id, so the statement stays the same size whatever the batch. Measured against the
// CASE form at 80 outcomes: 1.3 ms against 2.2 ms per batch.
func (s *Store) finishUnnest(ctx context.Context, fs []Finish, now time.Time) ([]int64, error) {
	ids := make([]int64, len(fs))
	status, sentAt, recipient, provider, lastError := make([]string, len(fs)), make([]string, len(fs)), make([]string, len(fs)), make([]string, len(fs)), make([]string, len(fs))
	for i, f := range fs {
		ids[i], status[i], recipient[i], provider[i], lastError[i] = f.ID, f.Status, f.Recipient, f.ProviderID, clip(f.LastError, 500)
		if f.SentAt != nil {
			sentAt[i] = f.SentAt.UTC().Format(time.RFC3339Nano)
		}
	}
	var done []int64
	err := s.db.NewRaw(`UPDATE messages AS m SET status = v.status, sent_at = CAST(NULLIF(v.sent_at, '') AS TIMESTAMPTZ),
		    recipient = v.recipient, provider_id = v.provider_id, last_error = v.last_error, updated_at = ?
		FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]))
		     AS v (id, status, sent_at, recipient, provider_id, last_error)
		WHERE m.id = v.id AND m.status = ?
		RETURNING m.id`,
		now, pgdialect.Array(ids), pgdialect.Array(status), pgdialect.Array(sentAt), pgdialect.Array(recipient),
		pgdialect.Array(provider), pgdialect.Array(lastError), MessageSending).Scan(ctx, &done)
	return done, err
}

// finishCase is the portable bulk update SQLite runs: one CASE per column, keyed by id. The
// branches end in ELSE <column>, which would also give PostgreSQL the column's type.
func (s *Store) finishCase(ctx context.Context, fs []Finish, now time.Time) ([]int64, error) {
	var q strings.Builder
	args := make([]any, 0, len(fs)*10+4)
	q.WriteString("UPDATE messages SET ")
	column := func(name string, value func(f Finish) any) {
		q.WriteString(name + " = CASE id")
		for _, f := range fs {
			q.WriteString(" WHEN ? THEN ?")
			args = append(args, f.ID, value(f))
		}
		q.WriteString(" ELSE " + name + " END, ")
	}
	column("status", func(f Finish) any { return f.Status })
	column("sent_at", func(f Finish) any { return f.SentAt })
	column("recipient", func(f Finish) any { return f.Recipient })
	column("provider_id", func(f Finish) any { return f.ProviderID })
	column("last_error", func(f Finish) any { return clip(f.LastError, 500) })
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	q.WriteString("updated_at = ? WHERE id IN (?) AND status = ? RETURNING id")
	args = append(args, now, bun.In(ids), MessageSending)
	var done []int64
	err := s.db.NewRaw(q.String(), args...).Scan(ctx, &done)
	return done, err
}

// CustomersByID loads the customers with these ids, keyed by id (missing ones are absent).
func (s *Store) CustomersByID(ctx context.Context, ids []int64) (map[int64]*Customer, error) {
	out := make(map[int64]*Customer, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var cs []Customer
	if err := s.db.NewSelect().Model(&cs).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: customers by id: %w", err)
	}
	for i := range cs {
		out[cs[i].ID] = &cs[i]
	}
	return out, nil
}
