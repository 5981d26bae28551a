package store

import (
	"context"
	"fmt"
	"time"
)

// PointRow is a ledger row as the points tab shows it.
type PointRow struct {
	ID           int64     `bun:"id"`
	Seq          int64     `bun:"seq"`
	Kind         string    `bun:"kind"`
	OccurredAt   time.Time `bun:"occurred_at"`
	Amount       *int64    `bun:"amount"`
	Points       int64     `bun:"points"`
	BalanceAfter int64     `bun:"balance_after"`
	CancelsID    *int64    `bun:"cancels_id"`
	Cancelled    bool      `bun:"cancelled"`
	RewardName   string    `bun:"reward_name"`
	StaffName    string    `bun:"staff_name"`
	LocationName string    `bun:"location_name"`
	Document     string    `bun:"document"`
	Description  string    `bun:"description"`
}

// PointFilter narrows the points tab.
type PointFilter struct {
	BeforeSeq int64     // keyset: rows with seq < BeforeSeq; 0 = from the newest
	From, To  time.Time // occurred_at range (zero = open)
	Kind      string    // "" = every kind
}

// PointRows returns up to limit+1 ledger rows of a customer, newest first, from the keyset
// position in f; the (customer_id, seq) index gives both the order and the bound, so a deep
// page costs what the first one does.
func (s *Store) PointRows(ctx context.Context, customerID int64, f PointFilter, limit int) ([]PointRow, error) {
	var rows []PointRow
	q := s.db.NewSelect().TableExpr("point_operations AS p").
		ColumnExpr("p.id, p.seq, p.kind, p.occurred_at, p.amount, p.points, p.balance_after, p.cancels_id, p.document, p.description").
		// A join, not EXISTS: PostgreSQL turns that EXISTS into a hashed subplan over the whole
		// table (16 ms at 100k rows); the join probes the unique cancels_id index per row.
		ColumnExpr("x.id IS NOT NULL AS cancelled").
		ColumnExpr("COALESCE(r.name, '') AS reward_name, COALESCE(u.name, '') AS staff_name, COALESCE(l.name, '') AS location_name").
		Join("LEFT JOIN point_operations AS x ON x.cancels_id = p.id").
		Join("LEFT JOIN reward_orders AS o ON o.id = p.reward_order_id").
		Join("LEFT JOIN rewards AS r ON r.id = o.reward_id").
		Join("LEFT JOIN staff_users AS u ON u.id = p.staff_user_id").
		Join("LEFT JOIN locations AS l ON l.id = p.location_id").
		Where("p.customer_id = ?", customerID)
	if f.BeforeSeq > 0 {
		q = q.Where("p.seq < ?", f.BeforeSeq)
	}
	if !f.From.IsZero() {
		q = q.Where("p.occurred_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("p.occurred_at < ?", f.To)
	}
	if f.Kind != "" {
		q = q.Where("p.kind = ?", f.Kind)
	}
	if err := q.OrderExpr("p.seq DESC").Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("store: points of %d: %w", customerID, err)
	}
	return rows, nil
}

// RewardOrderRow is a reward order as the rewards tab shows it.
type RewardOrderRow struct {
	ID         int64     `bun:"id"`
	RewardName string    `bun:"reward_name"`
	RewardType string    `bun:"reward_type"`
	Photo      string    `bun:"photo"`
	Points     int64     `bun:"points"`
	Quantity   int       `bun:"quantity"`
	Status     string    `bun:"status"`
	StatusAt   time.Time `bun:"status_at"`
}

// CountRewardOrders counts a customer's reward orders (for the Lp. column and paging).
func (s *Store) CountRewardOrders(ctx context.Context, customerID int64) (int, error) {
	n, err := s.db.NewSelect().Model((*RewardOrder)(nil)).Where("customer_id = ?", customerID).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: count reward orders of %d: %w", customerID, err)
	}
	return int(n), nil
}

// RewardOrderRows returns a page of a customer's reward orders, newest first.
func (s *Store) RewardOrderRows(ctx context.Context, customerID int64, offset, limit int) ([]RewardOrderRow, error) {
	var rows []RewardOrderRow
	err := s.db.NewSelect().TableExpr("reward_orders AS o").
		ColumnExpr("o.id, r.name AS reward_name, r.type AS reward_type, r.photo, o.points, o.quantity, o.status, o.status_at").
		Join("JOIN rewards AS r ON r.id = o.reward_id").
		Where("o.customer_id = ?", customerID).
		OrderExpr("o.id DESC").Offset(int64(offset)).Limit(int64(limit+1)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("store: reward orders of %d: %w", customerID, err)
	}
	return rows, nil
}

// MessageRow is a message as the e-mail, SMS and internal tabs show it.
type MessageRow struct {
	ID         int64      `bun:"id"`
	Channel    string     `bun:"channel"`
	Recipient  string     `bun:"recipient"`
	Subject    string     `bun:"subject"`
	Body       string     `bun:"body"`
	SendAt     time.Time  `bun:"send_at"`
	SentAt     *time.Time `bun:"sent_at"`
	ReadAt     *time.Time `bun:"read_at"`
	Status     string     `bun:"status"`
	LastError  string     `bun:"last_error"`
	Automatic  bool       `bun:"automatic"`
	StaffName  string     `bun:"staff_name"`
	ResendOfID *int64     `bun:"resend_of_id"`
}

// MessageRows returns a page of a customer's messages on one channel, newest first; deleted
// messages are gone from the tab (their audit stays in audit_log).
func (s *Store) MessageRows(ctx context.Context, customerID int64, channel string, beforeID int64, limit int) ([]MessageRow, error) {
	var rows []MessageRow
	q := s.messageRowSelect().
		Where("m.customer_id = ?", customerID).Where("m.channel = ?", channel).Where("m.status <> 'deleted'")
	if beforeID > 0 {
		q = q.Where("m.id < ?", beforeID)
	}
	if err := q.OrderExpr("m.id DESC").Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("store: %s messages of %d: %w", channel, customerID, err)
	}
	return rows, nil
}

// ScenarioRunRow is a scenario run as the scenarios tab shows it.
type ScenarioRunRow struct {
	ID           int64     `bun:"id"`
	ScenarioName string    `bun:"scenario_name"`
	Status       string    `bun:"status"`
	StatusAt     time.Time `bun:"status_at"`
	Reason       string    `bun:"reason"`
	StaffName    string    `bun:"staff_name"`
}

// ScenarioRunRows returns a page of the scenarios realised on a customer's account, newest first.
func (s *Store) ScenarioRunRows(ctx context.Context, customerID int64, beforeID int64, limit int) ([]ScenarioRunRow, error) {
	var rows []ScenarioRunRow
	q := s.db.NewSelect().TableExpr("scenario_runs AS r").
		ColumnExpr("r.id, s.name AS scenario_name, r.status, r.status_at, r.reason, COALESCE(u.name, '') AS staff_name").
		Join("JOIN scenarios AS s ON s.id = r.scenario_id").
		Join("LEFT JOIN staff_users AS u ON u.id = r.staff_user_id").
		Where("r.customer_id = ?", customerID)
	if beforeID > 0 {
		q = q.Where("r.id < ?", beforeID)
	}
	if err := q.OrderExpr("r.id DESC").Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("store: scenario runs of %d: %w", customerID, err)
	}
	return rows, nil
}

// BalancePoint is one point of the balance chart.
type BalancePoint struct {
	OccurredAt   time.Time `bun:"occurred_at"`
	BalanceAfter int64     `bun:"balance_after"`
}

// BalanceHistory returns the balance after each of the customer's last n operations, oldest
// first: a bounded walk of the (customer_id, seq) index, whatever the length of the history.
func (s *Store) BalanceHistory(ctx context.Context, customerID int64, n int) ([]BalancePoint, error) {
	var rows []BalancePoint
	err := s.db.NewSelect().TableExpr("point_operations").Column("occurred_at", "balance_after").
		Where("customer_id = ?", customerID).OrderExpr("seq DESC").Limit(int64(n)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("store: balance history of %d: %w", customerID, err)
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows, nil
}
