package store_test

import (
	"errors"
	"testing"

	"github.com/loyalty/backoffice/app/store"
	"github.com/loyalty/backoffice/app/store/storetest"
)

func TestGroupAdminQueries(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			ctx := t.Context()
			st := storetest.Open(t, b)
			now := store.Now()
			rate := int64(15000)
			a := &store.Group{Name: "Srebrna", CreatedAt: now}
			g := &store.Group{Name: "Złota", ConversionRate: &rate, DiscountPct: 5, CreatedAt: now}
			for _, x := range []*store.Group{a, g} {
				if err := st.InsertGroup(ctx, x); err != nil {
					t.Fatal(err)
				}
			}
			for i, n := range []string{"1", "2", "3"} {
				c := &store.Customer{Number: n, FirstName: "Jan", LastName: "Nowak", PortalToken: "tok" + n,
					ConsentEmail: "unknown", ConsentSMS: "unknown", CreatedAt: now, UpdatedAt: now}
				if i < 2 {
					c.GroupID = &g.ID
				}
				if err := st.InsertCustomer(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			counts, err := st.GroupCustomerCounts(ctx)
			if err != nil || counts[g.ID] != 2 || counts[a.ID] != 0 || len(counts) != 1 {
				t.Fatalf("counts %v, %v", counts, err)
			}

			// Rename onto a taken name: ErrConflict, nothing changed.
			taken := &store.Group{ID: g.ID, Name: "Srebrna", DiscountPct: 1}
			if err := st.UpdateGroup(ctx, taken); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("taken name: %v, want ErrConflict", err)
			}
			g.Name, g.ConversionRate, g.DiscountPct = "Złota+", nil, 7
			if err := st.UpdateGroup(ctx, g); err != nil {
				t.Fatal(err)
			}
			got, err := st.Group(ctx, g.ID)
			if err != nil || got.Name != "Złota+" || got.ConversionRate != nil || got.DiscountPct != 7 || !got.CreatedAt.Equal(now) {
				t.Fatalf("updated group %+v, %v", got, err)
			}
			if err := st.UpdateGroup(ctx, &store.Group{ID: 99999, Name: "Nikt"}); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("missing group: %v, want ErrNotFound", err)
			}

			for _, r := range []store.Reward{{Name: "A", Type: "Bon"}, {Name: "B", Type: "Gadżet"}, {Name: "C", Type: "Bon"}, {Name: "D"}} {
				r.Points, r.CreatedAt = 10, now
				if err := st.InsertReward(ctx, &r); err != nil {
					t.Fatal(err)
				}
			}
			types, err := st.RewardTypes(ctx)
			if err != nil || len(types) != 2 || types[0] != "Bon" || types[1] != "Gadżet" {
				t.Fatalf("reward types %q, %v", types, err)
			}
		})
	}
}
