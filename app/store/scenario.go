package store

import (
	"context"
	"fmt"
	"time"
)

// ActiveScenarios lists the active scenarios of a trigger.
func (s *Store) ActiveScenarios(ctx context.Context, trigger string) ([]Scenario, error) {
	var rows []Scenario
	if err := s.db.NewSelect().Model(&rows).Where("trigger_kind = ?", trigger).Where("active").OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: scenarios for %s: %w", trigger, err)
	}
	return rows, nil
}

// Scenarios lists every scenario, newest first.
func (s *Store) Scenarios(ctx context.Context) ([]Scenario, error) {
	var rows []Scenario
	if err := s.db.NewSelect().Model(&rows).OrderExpr("id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: scenarios: %w", err)
	}
	return rows, nil
}

// Scenario loads one scenario.
func (s *Store) Scenario(ctx context.Context, id int64) (*Scenario, error) {
	sc := new(Scenario)
	if err := s.db.NewSelect().Model(sc).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, fmt.Sprintf("store: scenario %d", id))
	}
	return sc, nil
}

// ScenarioActions lists a scenario's actions in order.
func (s *Store) ScenarioActions(ctx context.Context, scenarioID int64) ([]ScenarioAction, error) {
	var rows []ScenarioAction
	if err := s.db.NewSelect().Model(&rows).Where("scenario_id = ?", scenarioID).OrderExpr("position, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: actions of scenario %d: %w", scenarioID, err)
	}
	return rows, nil
}

// InsertScenario adds a scenario with its actions.
func (s *Store) InsertScenario(ctx context.Context, sc *Scenario, actions []ScenarioAction) error {
	return s.WithTx(ctx, func(tx *Store) error {
		if _, err := tx.db.NewInsert().Model(sc).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("store: insert scenario: %w", err)
		}
		return tx.insertActions(ctx, sc.ID, actions)
	})
}

// UpdateScenario saves a scenario and replaces its actions.
func (s *Store) UpdateScenario(ctx context.Context, sc *Scenario, actions []ScenarioAction) error {
	return s.WithTx(ctx, func(tx *Store) error {
		sc.UpdatedAt = Now()
		if _, err := tx.db.NewUpdate().Model(sc).Column("name", "trigger_kind", "threshold", "threshold_unit", "active", "updated_at").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("store: update scenario %d: %w", sc.ID, err)
		}
		if _, err := tx.db.NewDelete().Model((*ScenarioAction)(nil)).Where("scenario_id = ?", sc.ID).Exec(ctx); err != nil {
			return fmt.Errorf("store: replace actions of %d: %w", sc.ID, err)
		}
		return tx.insertActions(ctx, sc.ID, actions)
	})
}

func (s *Store) insertActions(ctx context.Context, scenarioID int64, actions []ScenarioAction) error {
	for i := range actions {
		actions[i].ScenarioID, actions[i].Position, actions[i].CreatedAt = scenarioID, i+1, Now()
		if _, err := s.db.NewInsert().Model(&actions[i]).Exec(ctx); err != nil {
			return fmt.Errorf("store: insert action: %w", err)
		}
	}
	return nil
}

// InsertScenarioRun adds a run unless one exists for the same scenario, customer and
// occurrence; false means it existed (another worker or an earlier attempt ran it).
func (s *Store) InsertScenarioRun(ctx context.Context, r *ScenarioRun) (bool, error) {
	res, err := s.db.NewInsert().Model(r).On("CONFLICT (scenario_id, customer_id, occurrence) DO NOTHING").Returning("id").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: insert scenario run: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n == 1, nil
}

// FinishScenarioRun records a run's final status.
func (s *Store) FinishScenarioRun(ctx context.Context, id int64, status, reason string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, "UPDATE scenario_runs SET status = ?, reason = ?, status_at = ? WHERE id = ?", status, clip(reason, 500), at, id)
	if err != nil {
		return fmt.Errorf("store: finish scenario run %d: %w", id, err)
	}
	return nil
}

// PurchaseTotals sums a customer's purchases: the amount in grosze and the points of additions
// that carried an amount, cancelled ones left out (referral_success thresholds).
func (s *Store) PurchaseTotals(ctx context.Context, customerID int64) (amount, points int64, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(p.amount), 0), COALESCE(SUM(p.points), 0)
		FROM point_operations AS p
		WHERE p.customer_id = ? AND p.kind = 'add' AND p.amount IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM point_operations AS x WHERE x.cancels_id = p.id)`, customerID).Scan(&amount, &points)
	if err != nil {
		return 0, 0, fmt.Errorf("store: purchase totals of %d: %w", customerID, err)
	}
	return amount, points, nil
}

// BirthdayCustomers lists customers born on monthDay ("12-04"), after afterID.
func (s *Store) BirthdayCustomers(ctx context.Context, monthDay string, afterID int64, limit int) ([]int64, error) {
	var ids []int64
	err := s.db.NewSelect().TableExpr("customers").Column("id").
		Where("substr(birth_date, 6, 5) = ?", monthDay).Where("id > ?", afterID).
		OrderExpr("id").Limit(int64(limit)).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("store: birthdays %s: %w", monthDay, err)
	}
	return ids, nil
}

// InactiveRow is a customer with no points operation since a cutoff.
type InactiveRow struct {
	ID      int64 `bun:"id"`
	LastSeq int64 `bun:"ops_count"`
}

// InactiveCustomers lists customers who joined before cutoff and have had no points operation
// since, after afterID.
func (s *Store) InactiveCustomers(ctx context.Context, cutoff time.Time, afterID int64, limit int) ([]InactiveRow, error) {
	var rows []InactiveRow
	err := s.db.NewSelect().TableExpr("customers AS c").Column("c.id", "c.ops_count").
		Where("c.created_at < ?", cutoff).Where("c.id > ?", afterID).
		Where("NOT EXISTS (SELECT 1 FROM point_operations AS p WHERE p.customer_id = c.id AND p.occurred_at >= ?)", cutoff).
		OrderExpr("c.id").Limit(int64(limit)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("store: inactive customers: %w", err)
	}
	return rows, nil
}

// ScenarioRunCounts counts the runs of every scenario.
func (s *Store) ScenarioRunCounts(ctx context.Context) (map[int64]int64, error) {
	var rows []struct {
		ScenarioID int64 `bun:"scenario_id"`
		N          int64 `bun:"n"`
	}
	if err := s.db.NewSelect().TableExpr("scenario_runs").ColumnExpr("scenario_id, COUNT(*) AS n").Group("scenario_id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("store: scenario run counts: %w", err)
	}
	out := map[int64]int64{}
	for _, r := range rows {
		out[r.ScenarioID] = r.N
	}
	return out, nil
}
