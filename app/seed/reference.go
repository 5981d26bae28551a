package seed

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/uptrace/bun"

	"github.com/loyalty/backoffice/app/store"
)

func newRand(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// prepare finds or creates, by name, the staff, groups, shops, rewards and scenarios the
// customers' histories refer to, and ensures the settings row exists.
func prepare(ctx context.Context, st *store.Store, now int64) (*env, error) {
	e := &env{now: now, start: now - firstSeen*day, shopByCity: map[string]int64{}}
	setupAt := tm(e.start - 60*day)
	err := st.WithTx(ctx, func(tx *store.Store) error {
		settings, err := tx.Settings(ctx)
		if err != nil {
			return err
		}
		e.globalRate = settings.ConversionRate

		for _, d := range staffDefs {
			u, err := tx.StaffByLogin(ctx, d.login)
			if errors.Is(err, store.ErrNotFound) {
				u = &store.Staff{Login: d.login, Name: d.name, PasswordHash: "!", Role: d.role, Active: true, CreatedAt: setupAt}
				err = tx.InsertStaff(ctx, u)
			}
			if err != nil {
				return err
			}
			e.staff = append(e.staff, u.ID)
		}

		groups, err := tx.Groups(ctx)
		if err != nil {
			return err
		}
		for _, d := range groupDefs {
			i := slices.IndexFunc(groups, func(g store.Group) bool { return g.Name == d.name })
			var g store.Group
			if i >= 0 {
				g = groups[i]
			} else {
				g = store.Group{Name: d.name, DiscountPct: d.discount, CreatedAt: setupAt}
				if d.rate > 0 {
					g.ConversionRate = ptr(d.rate)
				}
				if err := tx.InsertGroup(ctx, &g); err != nil {
					return err
				}
			}
			rate := e.globalRate
			if g.ConversionRate != nil {
				rate = *g.ConversionRate
			}
			e.groups = append(e.groups, groupRef{id: g.ID, rate: rate, weight: d.weight})
		}

		shops, err := tx.Locations(ctx)
		if err != nil {
			return err
		}
		for _, d := range locationDefs {
			i := slices.IndexFunc(shops, func(l store.Location) bool { return l.Name == d.name })
			var l store.Location
			if i >= 0 {
				l = shops[i]
			} else {
				l = store.Location{Name: d.name, City: d.city, Active: true, CreatedAt: setupAt}
				if err := tx.InsertLocation(ctx, &l); err != nil {
					return err
				}
			}
			e.shops = append(e.shops, l)
			e.shopByCity[l.City] = l.ID
		}

		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("seed: reference data: %w", err)
	}
	// Rewards and scenarios have no store methods to insert them (yet): plain bun.
	err = st.DB().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, d := range rewardDefs {
			var rw store.Reward
			err := tx.NewSelect().Model(&rw).Where("name = ?", d.name).OrderExpr("id").Limit(1).Scan(ctx)
			if errors.Is(err, sql.ErrNoRows) {
				rw = store.Reward{Name: d.name, Type: d.kind, Points: d.points, Active: true, Description: d.description, CreatedAt: setupAt}
				if d.stock >= 0 {
					rw.Stock = ptr(d.stock)
				}
				_, err = tx.NewInsert().Model(&rw).Returning("id").Exec(ctx)
			}
			if err != nil {
				return fmt.Errorf("reward %s: %w", d.name, err)
			}
			e.rewards = append(e.rewards, rw)
		}
		for _, d := range scenarioDefs {
			var sc store.Scenario
			err := tx.NewSelect().Model(&sc).Where("name = ?", d.name).OrderExpr("id").Limit(1).Scan(ctx)
			if errors.Is(err, sql.ErrNoRows) {
				sc = store.Scenario{Name: d.name, Trigger: d.trigger, Threshold: d.threshold, Active: true,
					CreatedAt: setupAt, UpdatedAt: setupAt}
				if _, err = tx.NewInsert().Model(&sc).Returning("id").Exec(ctx); err == nil {
					a := store.ScenarioAction{ScenarioID: sc.ID, Position: 1, Kind: d.action, Points: d.points,
						Subject: d.subject, Body: d.body, CreatedAt: setupAt}
					_, err = tx.NewInsert().Model(&a).Returning("id").Exec(ctx)
				}
			}
			if err != nil {
				return fmt.Errorf("scenario %s: %w", d.name, err)
			}
			switch d.trigger {
			case "joined":
				e.welcome = sc.ID
			case "birthday":
				e.birthday = sc.ID
			case "referral":
				e.referral = sc.ID
			case "inactive":
				e.inactive = sc.ID
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("seed: catalogue: %w", err)
	}
	slices.SortStableFunc(e.rewards, func(a, b store.Reward) int { return cmp.Compare(a.Points, b.Points) })
	for _, rw := range e.rewards {
		i := slices.IndexFunc(rewardDefs, func(d rewardDef) bool { return d.name == rw.Name })
		e.shipped = append(e.shipped, i >= 0 && rewardDefs[i].shipped)
	}
	return e, nil
}
