package store

import (
	"context"
	"fmt"
	"time"
)

// PointOperation loads one ledger row.
func (s *Store) PointOperation(ctx context.Context, id int64) (*PointOperation, error) {
	op := new(PointOperation)
	if err := s.db.NewSelect().Model(op).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, fmt.Sprintf("store: point operation %d", id))
	}
	return op, nil
}

// PointOperationByDocument finds the newest operation of a customer with this document number.
func (s *Store) PointOperationByDocument(ctx context.Context, customerID int64, document string) (*PointOperation, error) {
	op := new(PointOperation)
	err := s.db.NewSelect().Model(op).Where("customer_id = ?", customerID).Where("document = ?", document).
		Where("kind IN ('add', 'subtract')").OrderExpr("seq DESC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, notFound(err, "store: operation by document "+document)
	}
	return op, nil
}

// LockCustomer takes the customer's row lock for the rest of the transaction (a no-op update:
// PostgreSQL locks the row; SQLite's immediate transactions already hold the write lock).
func (s *Store) LockCustomer(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, "UPDATE customers SET balance = balance WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: lock customer %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: lock customer %d: %w", id, ErrNotFound)
	}
	return nil
}

// UnconsumedBefore is, under FIFO, how many points from additions made before cutoff are not
// yet consumed by debits: max(0, credits before cutoff − all debits). A cancelled row and its
// storno leave both sums, as if neither had happened; a refund counts as a new credit.
func (s *Store) UnconsumedBefore(ctx context.Context, customerID int64, cutoff time.Time) (int64, error) {
	var credits, debits int64
	err := s.db.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN p.points > 0 AND p.occurred_at < ? THEN p.points ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.points < 0 THEN -p.points ELSE 0 END), 0)
		FROM point_operations AS p
		WHERE p.customer_id = ?
		  AND NOT EXISTS (SELECT 1 FROM point_operations AS x WHERE x.cancels_id = p.id)
		  AND p.kind <> 'cancel'`, cutoff, customerID).Scan(&credits, &debits)
	if err != nil {
		return 0, fmt.Errorf("store: unconsumed points of %d: %w", customerID, err)
	}
	if credits > debits {
		return credits - debits, nil
	}
	return 0, nil
}

// CustomersWithPointsBefore lists customers with positive balances and additions older than
// cutoff, after afterID (keyset), for the expiry job.
func (s *Store) CustomersWithPointsBefore(ctx context.Context, cutoff time.Time, afterID int64, limit int) ([]int64, error) {
	var ids []int64
	err := s.db.NewSelect().TableExpr("customers AS c").Column("c.id").
		Where("c.balance > 0").Where("c.id > ?", afterID).
		Where("EXISTS (SELECT 1 FROM point_operations AS p WHERE p.customer_id = c.id AND p.points > 0 AND p.occurred_at < ?)", cutoff).
		OrderExpr("c.id").Limit(int64(limit)).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("store: customers to expire: %w", err)
	}
	return ids, nil
}

// Location loads one shop.
func (s *Store) Location(ctx context.Context, id int64) (*Location, error) {
	l := new(Location)
	if err := s.db.NewSelect().Model(l).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, fmt.Sprintf("store: location %d", id))
	}
	return l, nil
}
