package store_test

import (
	"os"
	"sort"
	"testing"
	"time"

	"github.com/loyalty/backoffice/app/store"
)

// TestSearchBig times register searches on a big seeded database (BIG_DSN, e.g. a schema filled
// with `app seed -customers 1000000`); it is a measurement, skipped by default.
func TestSearchBig(t *testing.T) {
	dsn := os.Getenv("BIG_DSN")
	if dsn == "" {
		t.Skip()
	}
	st, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"kow", "a", "zzq", "anna", "100005", "piotr.w", "nowak", "600", "+48 51", "ż", "wiśniewska"} {
		var ds []time.Duration
		var n int
		for i := 0; i < 20; i++ {
			t0 := time.Now()
			rows, err := st.SearchCustomers(t.Context(), q, 0, 25)
			if err != nil {
				t.Fatal(err)
			}
			ds = append(ds, time.Since(t0))
			n = len(rows)
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		deep, _ := st.SearchCustomers(t.Context(), q, 2500, 25)
		t0 := time.Now()
		st.SearchCustomers(t.Context(), q, 2500, 25)
		t.Logf("%-12q rows %2d  p50 %8v  max %8v   page 101: %v (%d rows)", q, n, ds[10], ds[19], time.Since(t0), len(deep))
	}
}
