package store_test

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/loyalty/backoffice/app/store"
	"github.com/loyalty/backoffice/app/store/storetest"
)

// TestSearchPagesAreExact checks the register's paged search against the order it promises
// (number, last name, first name, e-mail, phone matches; each by its own key): with names and
// e-mails that overlap on purpose, the pages laid end to end are exactly that order.
func TestSearchPagesAreExact(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			st := storetest.Open(t, b)
			ctx := t.Context()
			rnd := rand.New(rand.NewSource(7))
			names := []string{"Ala", "Alan", "Alicja", "Bartek", "Anna", "Antek", "Ola"}
			lasts := []string{"Alanowska", "Anders", "Banach", "Alski", "Olek", "Nowak"}
			var all []store.Customer
			now := store.Now()
			for i := 0; i < 80; i++ {
				c := store.Customer{Number: fmt.Sprintf("A%03d", rnd.Intn(1000)) + fmt.Sprint(i), FirstName: names[rnd.Intn(len(names))],
					LastName: lasts[rnd.Intn(len(lasts))], PortalToken: fmt.Sprint("t", i), ConsentEmail: "unknown", ConsentSMS: "unknown",
					Phone: fmt.Sprintf("+48%09d", 500000000+rnd.Intn(1000)), CreatedAt: now, UpdatedAt: now}
				c.Email = strings.ToLower(names[rnd.Intn(len(names))]) + fmt.Sprint(i) + "@example.pl"
				if err := st.InsertCustomer(ctx, &c); err != nil {
					t.Fatal(err)
				}
				all = append(all, c)
			}
			for _, q := range []string{"a", "al", "an", "ala", "b", "500", "o", "x"} {
				want := expectedOrder(all, q)
				var got []int64
				for off := 0; ; off += 7 {
					rows, err := st.SearchCustomers(ctx, q, off, 7)
					if err != nil {
						t.Fatal(err)
					}
					for i, r := range rows {
						if i < 7 {
							got = append(got, r.ID)
						}
					}
					if len(rows) <= 7 {
						break
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("q=%q:\n got %v\nwant %v", q, got, want)
				}
			}
		})
	}
}

// expectedOrder is the register's promised order, computed the plain way.
func expectedOrder(all []store.Customer, q string) []int64 {
	type hit struct {
		id     int64
		rank   int
		k1, k2 string
	}
	var hits []hit
	for _, c := range all {
		keys := []string{strings.ToLower(c.Number), strings.ToLower(c.LastName), strings.ToLower(c.FirstName), strings.ToLower(c.Email), c.Phone}
		phone := ""
		if strings.Trim(q, "0123456789") == "" && len(q) >= 3 {
			phone = "+48" + q
		}
		for rank, k := range keys {
			p := strings.ToLower(q)
			if rank == 4 {
				p = phone
			}
			if p != "" && strings.HasPrefix(k, p) {
				h := hit{id: c.ID, rank: rank, k1: k}
				if rank == 1 {
					h.k2 = strings.ToLower(c.FirstName)
				}
				hits = append(hits, h)
				break
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if a.k1 != b.k1 {
			return a.k1 < b.k1
		}
		if a.k2 != b.k2 {
			return a.k2 < b.k2
		}
		return a.id < b.id
	})
	out := []int64{}
	for _, h := range hits {
		out = append(out, h.id)
	}
	return out
}
