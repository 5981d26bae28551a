package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrRefused is returned when a points change would take the balance below zero.
var ErrRefused = errors.New("store: balance would go negative")

// AppendPoints moves a customer's balance by op.Points and appends op to the ledger, in the
// caller's transaction. One conditional UPDATE … RETURNING does the check and the move, so
// concurrent writers can neither overdraw nor lose an update (read-then-write would, and
// SELECT … FOR UPDATE does not exist on SQLite); zero rows means refused. The same statement
// hands out the row's seq, so Lp. numbers never collide.
func (s *Store) AppendPoints(ctx context.Context, op *PointOperation, allowNegative bool) error {
	query := "UPDATE customers SET balance = balance + ?, ops_count = ops_count + 1 WHERE id = ?"
	args := []any{op.Points, op.CustomerID}
	if op.Points < 0 && !allowNegative {
		query += " AND balance + ? >= 0"
		args = append(args, op.Points)
	}
	var balance, seq int64
	err := s.db.QueryRowContext(ctx, query+" RETURNING balance, ops_count", args...).Scan(&balance, &seq)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.Customer(ctx, op.CustomerID); err != nil {
			return err
		}
		return fmt.Errorf("store: points %+d for customer %d: %w", op.Points, op.CustomerID, ErrRefused)
	}
	if err != nil {
		return fmt.Errorf("store: move balance of %d: %w", op.CustomerID, err)
	}
	op.BalanceAfter, op.Seq = balance, seq
	if op.CreatedAt.IsZero() {
		op.CreatedAt = Now()
	}
	if op.OccurredAt.IsZero() {
		op.OccurredAt = op.CreatedAt
	}
	if _, err := s.db.NewInsert().Model(op).Returning("id").Exec(ctx); err != nil {
		if isUnique(err) {
			return fmt.Errorf("store: ledger row for %d: %w", op.CustomerID, ErrConflict)
		}
		return fmt.Errorf("store: ledger row for %d: %w", op.CustomerID, err)
	}
	return nil
}

// LedgerSum returns SUM(points) and the newest balance_after of a customer, for checking the
// invariant balance == SUM(points) == newest balance_after.
func (s *Store) LedgerSum(ctx context.Context, customerID int64) (sum, newest int64, err error) {
	err = s.db.QueryRowContext(ctx, "SELECT COALESCE(SUM(points), 0) FROM point_operations WHERE customer_id = ?", customerID).Scan(&sum)
	if err != nil {
		return 0, 0, fmt.Errorf("store: ledger sum of %d: %w", customerID, err)
	}
	err = s.db.QueryRowContext(ctx, "SELECT COALESCE((SELECT balance_after FROM point_operations WHERE customer_id = ? ORDER BY seq DESC LIMIT 1), 0)", customerID).Scan(&newest)
	if err != nil {
		return 0, 0, fmt.Errorf("store: newest balance of %d: %w", customerID, err)
	}
	return sum, newest, nil
}
