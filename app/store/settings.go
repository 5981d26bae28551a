package store

import (
	"context"
	"fmt"
)

// Settings loads the global settings row, creating the fresh-install defaults (1 point per
// 1 PLN, points never expire, no negative balances) when there is none.
func (s *Store) Settings(ctx context.Context) (*Settings, error) {
	st := new(Settings)
	err := s.db.NewSelect().Model(st).OrderExpr("id").Limit(1).Scan(ctx)
	if err == nil {
		return st, nil
	}
	if err := notFound(err, "store: settings"); !isNotFound(err) {
		return nil, err
	}
	now := Now()
	st = &Settings{ConversionRate: RateScale, CreatedAt: now, UpdatedAt: now}
	if _, err := s.db.NewInsert().Model(st).Returning("id").Exec(ctx); err != nil {
		return nil, fmt.Errorf("store: insert settings: %w", err)
	}
	return st, nil
}

// SaveSettings updates the global settings.
func (s *Store) SaveSettings(ctx context.Context, st *Settings) error {
	st.UpdatedAt = Now()
	_, err := s.db.NewUpdate().Model(st).
		Column("conversion_rate", "points_validity_days", "allow_negative", "mail_from", "sms_from", "updated_at").
		WherePK().Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: save settings: %w", err)
	}
	return nil
}

// Groups lists the customer groups by name.
func (s *Store) Groups(ctx context.Context) ([]Group, error) {
	var rows []Group
	if err := s.db.NewSelect().Model(&rows).OrderExpr("name").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: groups: %w", err)
	}
	return rows, nil
}

// Group loads one group.
func (s *Store) Group(ctx context.Context, id int64) (*Group, error) {
	g := new(Group)
	if err := s.db.NewSelect().Model(g).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, fmt.Sprintf("store: group %d", id))
	}
	return g, nil
}

// InsertGroup adds a group; a taken name gives ErrConflict.
func (s *Store) InsertGroup(ctx context.Context, g *Group) error {
	if _, err := s.db.NewInsert().Model(g).Returning("id").Exec(ctx); err != nil {
		if isUnique(err) {
			return fmt.Errorf("store: insert group %s: %w", g.Name, ErrConflict)
		}
		return fmt.Errorf("store: insert group %s: %w", g.Name, err)
	}
	return nil
}

// Locations lists the shops, active first.
func (s *Store) Locations(ctx context.Context) ([]Location, error) {
	var rows []Location
	if err := s.db.NewSelect().Model(&rows).OrderExpr("name").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: locations: %w", err)
	}
	return rows, nil
}

// InsertLocation adds a shop.
func (s *Store) InsertLocation(ctx context.Context, l *Location) error {
	if _, err := s.db.NewInsert().Model(l).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: insert location %s: %w", l.Name, err)
	}
	return nil
}

// InsertAudit records who did what.
func (s *Store) InsertAudit(ctx context.Context, a *AuditEntry) error {
	if a.CreatedAt.IsZero() {
		a.CreatedAt = Now()
	}
	if _, err := s.db.NewInsert().Model(a).Exec(ctx); err != nil {
		return fmt.Errorf("store: audit %s: %w", a.Action, err)
	}
	return nil
}
