package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Message statuses (messages.status).
const (
	MessageScheduled = "scheduled" // waiting for send_at; the only state a worker may claim
	MessageSending   = "sending"   // claimed by a worker; the outcome is being recorded
	MessageSent      = "sent"
	MessageFailed    = "failed"
	MessageDeleted   = "deleted" // deleted by staff before it left; hidden from the tabs
	MessageUnread    = "unread"  // internal messages: delivered to the customer's page
	MessageRead      = "read"
)

// InsertMessage adds a message row.
func (s *Store) InsertMessage(ctx context.Context, m *Message) error {
	now := Now()
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now
	}
	if m.UpdatedAt.IsZero() {
		m.UpdatedAt = m.CreatedAt
	}
	if _, err := s.db.NewInsert().Model(m).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: insert %s message for customer %d: %w", m.Channel, m.CustomerID, err)
	}
	return nil
}

// Message loads a message by id.
func (s *Store) Message(ctx context.Context, id int64) (*Message, error) {
	m := new(Message)
	if err := s.db.NewSelect().Model(m).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, fmt.Sprintf("store: message %d", id))
	}
	return m, nil
}

// CustomerMessage loads a message of one customer on one channel; a deleted message, or one of
// another customer, is ErrNotFound (the URL names the customer, so it must own the message).
func (s *Store) CustomerMessage(ctx context.Context, customerID int64, channel string, id int64) (*Message, error) {
	m := new(Message)
	err := s.db.NewSelect().Model(m).Where("id = ?", id).Where("customer_id = ?", customerID).
		Where("channel = ?", channel).Where("status <> ?", MessageDeleted).Scan(ctx)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("store: %s message %d of customer %d", channel, id, customerID))
	}
	return m, nil
}

// messageRowSelect is the query behind MessageRow values: the tabs' list and one row's poll.
func (s *Store) messageRowSelect() *bun.SelectQuery {
	return s.db.NewSelect().TableExpr("messages AS m").
		ColumnExpr("m.id, m.channel, m.recipient, m.subject, m.body, m.send_at, m.sent_at, m.read_at, m.status, m.last_error, m.resend_of_id").
		ColumnExpr("m.staff_user_id IS NULL AS automatic, COALESCE(u.name, '') AS staff_name").
		Join("LEFT JOIN staff_users AS u ON u.id = m.staff_user_id")
}

// MessageRowByID returns one row of a customer's message tab (the row's status poll), deleted
// ones included: the poll removes those from the page.
func (s *Store) MessageRowByID(ctx context.Context, customerID int64, channel string, id int64) (*MessageRow, error) {
	row := new(MessageRow)
	err := s.messageRowSelect().Where("m.id = ?", id).Where("m.customer_id = ?", customerID).
		Where("m.channel = ?", channel).Scan(ctx, row)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("store: %s message row %d of customer %d", channel, id, customerID))
	}
	return row, nil
}

// messageColumns are the columns RETURNING hands back to fill a Message.
const messageColumns = `id, channel, customer_id, recipient, subject, body, send_at, sent_at, read_at, status,
	attempts, last_error, provider_id, resend_of_id, staff_user_id, scenario_run_id, created_at, updated_at`

// ClaimMessage is the worker's claim: one conditional UPDATE moves a due, scheduled message to
// sending and counts the attempt. Only one claimer can match, and a deleted message never does,
// so a message is handed to a sender at most once per attempt and never before send_at. It
// returns the claimed row, or ok=false when nothing matched (not due, deleted, sent, or claimed
// by another worker).
func (s *Store) ClaimMessage(ctx context.Context, id int64, now time.Time) (m *Message, ok bool, err error) {
	m = new(Message)
	err = s.db.NewRaw(`UPDATE messages SET status = ?, attempts = attempts + 1, updated_at = ?
		WHERE id = ? AND status = ? AND send_at <= ?
		RETURNING `+messageColumns,
		MessageSending, now, id, MessageScheduled, now).Scan(ctx, m)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: claim message %d: %w", id, err)
	}
	return m, true, nil
}

// Outcome is what a worker records after a claimed attempt.
type Outcome struct {
	Status     string     // sent, failed, or scheduled again (a temporary failure to be retried)
	SentAt     *time.Time // set with sent
	Recipient  string     // where it went (the customer's address at send time)
	ProviderID string
	LastError  string // Polish, shown to staff; "" when sent
}

// FinishMessage records the outcome of the attempt that claimed the message. The WHERE on
// status='sending' keeps a late writer (whose claim the reconciler already expired) from
// overwriting what staff have since been told; it reports whether the row was still claimed.
func (s *Store) FinishMessage(ctx context.Context, id int64, o Outcome, now time.Time) (bool, error) {
	done, err := s.FinishMessages(ctx, []Finish{{ID: id, Outcome: o}}, now)
	if err != nil {
		return false, fmt.Errorf("store: finish message %d as %s: %w", id, o.Status, err)
	}
	return len(done) == 1, nil
}

// DeleteScheduledMessage marks a customer's message deleted if it is still waiting; false
// means it is not theirs, or was already sent, being sent, failed or gone (the caller tells
// these apart).
func (s *Store) DeleteScheduledMessage(ctx context.Context, customerID int64, channel string, id int64, now time.Time) (bool, error) {
	res, err := s.db.NewUpdate().TableExpr("messages").
		Set("status = ?", MessageDeleted).Set("updated_at = ?", now).
		Where("id = ?", id).Where("customer_id = ?", customerID).Where("channel = ?", channel).
		Where("status = ?", MessageScheduled).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: delete message %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: delete message %d: %w", id, err)
	}
	return n == 1, nil
}

// DueMessage is a scheduled message the reconciler hands to the queue.
type DueMessage struct {
	ID       int64     `bun:"id"`
	SendAt   time.Time `bun:"send_at"`
	Attempts int       `bun:"attempts"`
}

// DueMessages lists scheduled messages with send_at before `until`, oldest first. A message
// that failed temporarily (attempts > 0) is waiting for the queue's own retry, so it is listed
// only once it has not moved since retryBefore (its retry was lost with Redis).
func (s *Store) DueMessages(ctx context.Context, until, retryBefore time.Time, limit int) ([]DueMessage, error) {
	var rows []DueMessage
	err := s.db.NewSelect().TableExpr("messages").ColumnExpr("id, send_at, attempts").
		Where("status = ?", MessageScheduled).Where("send_at <= ?", until).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("attempts = 0").WhereOr("updated_at < ?", retryBefore)
		}).
		OrderExpr("send_at, id").Limit(int64(limit)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("store: due messages: %w", err)
	}
	return rows, nil
}

// ExpireSending fails messages claimed before leaseBefore and never finished (the worker died
// mid-send): whether they left is unknown, so staff decide about a resend rather than risk a
// silent duplicate.
func (s *Store) ExpireSending(ctx context.Context, leaseBefore, now time.Time, reason string) (int64, error) {
	res, err := s.db.NewUpdate().TableExpr("messages").
		Set("status = ?", MessageFailed).Set("last_error = ?", clip(reason, 500)).Set("updated_at = ?", now).
		Where("status = ?", MessageSending).Where("updated_at < ?", leaseBefore).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: expire sending messages: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: expire sending messages: %w", err)
	}
	return n, nil
}

// MarkMessageRead records the first reading of an internal message; later readings change
// nothing. It reports whether this call was the first.
func (s *Store) MarkMessageRead(ctx context.Context, customerID, id int64, now time.Time) (bool, error) {
	res, err := s.db.NewUpdate().TableExpr("messages").
		Set("status = ?", MessageRead).Set("read_at = ?", now).Set("updated_at = ?", now).
		Where("id = ?", id).Where("customer_id = ?", customerID).Where("channel = ?", ChannelInternal).
		Where("read_at IS NULL").Where("status = ?", MessageUnread).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: mark message %d read: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: mark message %d read: %w", id, err)
	}
	return n == 1, nil
}

// InternalMessages returns a customer's internal messages for their own page, newest first.
func (s *Store) InternalMessages(ctx context.Context, customerID int64, limit int) ([]Message, error) {
	var ms []Message
	err := s.db.NewSelect().Model(&ms).Where("customer_id = ?", customerID).Where("channel = ?", ChannelInternal).
		Where("status IN (?)", bun.In([]string{MessageUnread, MessageRead})).OrderExpr("id DESC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: internal messages of %d: %w", customerID, err)
	}
	return ms, nil
}

// MessageByProvider finds a message by the gateway's id (delivery reports refer to it). The
// "<> ”" is the predicate of the partial index messages_provider, spelled out so that SQLite
// uses it too (it matches an index's WHERE only term by term); an empty id matches nothing.
func (s *Store) MessageByProvider(ctx context.Context, channel, providerID string) (*Message, error) {
	m := new(Message)
	err := s.db.NewSelect().Model(m).Where("provider_id = ?", providerID).Where("provider_id <> ''").Where("channel = ?", channel).
		OrderExpr("id DESC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, notFound(err, "store: message by provider id "+providerID)
	}
	return m, nil
}

// RecordDelivery applies a gateway's delivery report to a sent message: a failure turns it to
// failed with the reason; a delivery keeps it sent and fills a provider id learnt only from the
// report. Messages in any other state are left alone (the report is late or foreign).
func (s *Store) RecordDelivery(ctx context.Context, id int64, providerID string, failed bool, reason string, now time.Time) (bool, error) {
	q := s.db.NewUpdate().TableExpr("messages").Set("updated_at = ?", now).
		Where("id = ?", id).Where("status = ?", MessageSent)
	if providerID != "" {
		q = q.Set("provider_id = ?", providerID)
	}
	if failed {
		q = q.Set("status = ?", MessageFailed).Set("last_error = ?", clip(reason, 500))
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: delivery report for message %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: delivery report for message %d: %w", id, err)
	}
	return n == 1, nil
}

// clip cuts s to at most n characters (VARCHAR limits count characters on PostgreSQL).
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
