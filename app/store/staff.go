package store

import (
	"context"
	"fmt"
)

// StaffByLogin loads an active or inactive staff user by login.
func (s *Store) StaffByLogin(ctx context.Context, login string) (*Staff, error) {
	u := new(Staff)
	if err := s.db.NewSelect().Model(u).Where("login = ?", login).Limit(1).Scan(ctx); err != nil {
		return nil, notFound(err, "store: staff "+login)
	}
	return u, nil
}

// StaffByID loads a staff user by id.
func (s *Store) StaffByID(ctx context.Context, id int64) (*Staff, error) {
	u := new(Staff)
	if err := s.db.NewSelect().Model(u).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, fmt.Sprintf("store: staff %d", id))
	}
	return u, nil
}

// CountStaff counts staff accounts (zero on a fresh install).
func (s *Store) CountStaff(ctx context.Context) (int, error) {
	n, err := s.db.NewSelect().Model((*Staff)(nil)).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: count staff: %w", err)
	}
	return int(n), nil
}

// InsertStaff adds a staff user; a taken login gives ErrConflict.
func (s *Store) InsertStaff(ctx context.Context, u *Staff) error {
	if _, err := s.db.NewInsert().Model(u).Returning("id").Exec(ctx); err != nil {
		if isUnique(err) {
			return fmt.Errorf("store: insert staff %s: %w", u.Login, ErrConflict)
		}
		return fmt.Errorf("store: insert staff %s: %w", u.Login, err)
	}
	return nil
}

// ListStaff lists every staff account by login.
func (s *Store) ListStaff(ctx context.Context) ([]Staff, error) {
	var rows []Staff
	if err := s.db.NewSelect().Model(&rows).OrderExpr("login").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: list staff: %w", err)
	}
	return rows, nil
}
