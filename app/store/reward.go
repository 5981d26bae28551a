package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// Reward loads one catalogue item.
func (s *Store) Reward(ctx context.Context, id int64) (*Reward, error) {
	r := new(Reward)
	if err := s.db.NewSelect().Model(r).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, fmt.Sprintf("store: reward %d", id))
	}
	return r, nil
}

// Rewards lists the catalogue; activeOnly for the issue form.
func (s *Store) Rewards(ctx context.Context, activeOnly bool) ([]Reward, error) {
	var rows []Reward
	q := s.db.NewSelect().Model(&rows).OrderExpr("points, name")
	if activeOnly {
		q = q.Where("active")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: rewards: %w", err)
	}
	return rows, nil
}

// InsertReward adds a catalogue item.
func (s *Store) InsertReward(ctx context.Context, r *Reward) error {
	if _, err := s.db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: insert reward %s: %w", r.Name, err)
	}
	return nil
}

// UpdateReward saves a catalogue item.
func (s *Store) UpdateReward(ctx context.Context, r *Reward) error {
	_, err := s.db.NewUpdate().Model(r).Column("name", "type", "points", "photo", "stock", "active", "description").WherePK().Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: update reward %d: %w", r.ID, err)
	}
	return nil
}

// TakeStock decrements a reward's stock by qty if enough is left (NULL stock is unlimited);
// false when there is not. One conditional UPDATE, so two issues cannot both take the last item.
func (s *Store) TakeStock(ctx context.Context, rewardID int64, qty int) (bool, error) {
	res, err := s.db.ExecContext(ctx,
		"UPDATE rewards SET stock = stock - ? WHERE id = ? AND active AND (stock IS NULL OR stock >= ?)", qty, rewardID, qty)
	if err != nil {
		return false, fmt.Errorf("store: take stock of %d: %w", rewardID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReturnStock puts qty back (a cancelled order).
func (s *Store) ReturnStock(ctx context.Context, rewardID int64, qty int) error {
	if _, err := s.db.ExecContext(ctx, "UPDATE rewards SET stock = stock + ? WHERE id = ? AND stock IS NOT NULL", qty, rewardID); err != nil {
		return fmt.Errorf("store: return stock of %d: %w", rewardID, err)
	}
	return nil
}

// InsertRewardOrder adds an order.
func (s *Store) InsertRewardOrder(ctx context.Context, o *RewardOrder) error {
	if _, err := s.db.NewInsert().Model(o).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: insert reward order: %w", err)
	}
	return nil
}

// RewardOrder loads an order.
func (s *Store) RewardOrder(ctx context.Context, id int64) (*RewardOrder, error) {
	o := new(RewardOrder)
	if err := s.db.NewSelect().Model(o).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, fmt.Sprintf("store: reward order %d", id))
	}
	return o, nil
}

// LinkOrderOperation records the ledger row that paid for an order.
func (s *Store) LinkOrderOperation(ctx context.Context, orderID, opID int64) error {
	if _, err := s.db.ExecContext(ctx, "UPDATE reward_orders SET point_operation_id = ? WHERE id = ?", opID, orderID); err != nil {
		return fmt.Errorf("store: link order %d: %w", orderID, err)
	}
	return nil
}

// MoveOrderStatus changes an order's status from `from` to `to`; false when it was no longer in
// `from` (someone else moved it first).
func (s *Store) MoveOrderStatus(ctx context.Context, orderID int64, from, to string, staffID *int64) (bool, error) {
	now := Now()
	res, err := s.db.ExecContext(ctx, "UPDATE reward_orders SET status = ?, status_at = ? WHERE id = ? AND status = ?", to, now, orderID, from)
	if err != nil {
		return false, fmt.Errorf("store: order %d status: %w", orderID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	ev := &RewardOrderEvent{OrderID: orderID, Status: to, StaffUserID: staffID, CreatedAt: now}
	if _, err := s.db.NewInsert().Model(ev).Exec(ctx); err != nil {
		return false, fmt.Errorf("store: order %d event: %w", orderID, err)
	}
	return true, nil
}

// InsertOrderEvent records a status (the first one, at creation).
func (s *Store) InsertOrderEvent(ctx context.Context, ev *RewardOrderEvent) error {
	if _, err := s.db.NewInsert().Model(ev).Exec(ctx); err != nil {
		return fmt.Errorf("store: order event: %w", err)
	}
	return nil
}

// OrderEventsFor lists the statuses of several orders, oldest first (one query for a tab page).
func (s *Store) OrderEventsFor(ctx context.Context, orderIDs []int64) ([]RewardOrderEvent, error) {
	if len(orderIDs) == 0 {
		return nil, nil
	}
	var rows []RewardOrderEvent
	if err := s.db.NewSelect().Model(&rows).Where("order_id IN (?)", bun.In(orderIDs)).OrderExpr("order_id, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: order events: %w", err)
	}
	return rows, nil
}
