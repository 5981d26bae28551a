package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/loyalty/backoffice/app/store"
)

// ExpireAll runs expiry over every customer with points old enough to expire, in keyset
// batches; the worker's periodic job calls it. It returns how many customers lost points and
// how many points expired in all.
func ExpireAll(ctx context.Context, st *store.Store, now time.Time) (customers int, points int64, err error) {
	settings, err := st.Settings(ctx)
	if err != nil {
		return 0, 0, err
	}
	if settings.PointsValidityDays <= 0 {
		return 0, 0, nil
	}
	cutoff := now.AddDate(0, 0, -settings.PointsValidityDays)
	var after int64
	for {
		ids, err := st.CustomersWithPointsBefore(ctx, cutoff, after, 500)
		if err != nil {
			return customers, points, err
		}
		for _, id := range ids {
			n, err := ExpireDue(ctx, st, id, settings.PointsValidityDays, now)
			if err != nil {
				return customers, points, fmt.Errorf("ledger: expire customer %d: %w", id, err)
			}
			if n > 0 {
				customers++
				points += n
			}
		}
		if len(ids) < 500 {
			return customers, points, nil
		}
		after = ids[len(ids)-1]
	}
}
