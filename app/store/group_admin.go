package store

import (
	"context"
	"fmt"
)

// UpdateGroup saves a group's name, rate override and discount; a name taken by another
// group gives ErrConflict, a missing group ErrNotFound.
func (s *Store) UpdateGroup(ctx context.Context, g *Group) error {
	res, err := s.db.NewUpdate().Model(g).Column("name", "conversion_rate", "discount_pct").WherePK().Exec(ctx)
	if err != nil {
		if isUnique(err) {
			return fmt.Errorf("store: update group %d: %w", g.ID, ErrConflict)
		}
		return fmt.Errorf("store: update group %d: %w", g.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update group %d: %w", g.ID, ErrNotFound)
	}
	return nil
}

// GroupCustomerCounts is the number of customers in each group, by group id (groups with no
// customers are absent).
func (s *Store) GroupCustomerCounts(ctx context.Context) (map[int64]int64, error) {
	var rows []struct {
		GroupID int64 `bun:"group_id"`
		N       int64 `bun:"n"`
	}
	err := s.db.NewSelect().TableExpr("customers").ColumnExpr("group_id, COUNT(*) AS n").
		Where("group_id IS NOT NULL").GroupExpr("group_id").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("store: group customer counts: %w", err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.GroupID] = r.N
	}
	return out, nil
}

// RewardTypes lists the distinct reward types in the catalogue, for the type suggestions.
func (s *Store) RewardTypes(ctx context.Context) ([]string, error) {
	var types []string
	err := s.db.NewSelect().TableExpr("rewards").ColumnExpr("DISTINCT type").
		Where("type <> ''").OrderExpr("type").Scan(ctx, &types)
	if err != nil {
		return nil, fmt.Errorf("store: reward types: %w", err)
	}
	return types, nil
}
