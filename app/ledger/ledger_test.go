package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/loyalty/backoffice/app/ledger"
	"github.com/loyalty/backoffice/app/reward"
	"github.com/loyalty/backoffice/app/store"
	"github.com/loyalty/backoffice/app/store/storetest"
)

func newCustomer(t *testing.T, st *store.Store, number string) *store.Customer {
	t.Helper()
	now := store.Now()
	c := &store.Customer{Number: number, FirstName: "Jan", LastName: "Test", PortalToken: "tok" + number,
		ConsentEmail: "unknown", ConsentSMS: "unknown", CreatedAt: now, UpdatedAt: now}
	if err := st.InsertCustomer(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// checkInvariant: balance == SUM(points) == newest balance_after, and Lp. numbers 1..n.
func checkInvariant(t *testing.T, st *store.Store, id int64) int64 {
	t.Helper()
	c, err := st.Customer(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	sum, newest, err := st.LedgerSum(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Balance != sum || c.Balance != newest {
		t.Fatalf("invariant broken: balance %d, SUM %d, newest balance_after %d", c.Balance, sum, newest)
	}
	var n, maxSeq int64
	if err := st.DB().QueryRowContext(t.Context(), "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM point_operations WHERE customer_id = ?", id).Scan(&n, &maxSeq); err != nil {
		t.Fatal(err)
	}
	if n != maxSeq || n != c.OpsCount {
		t.Fatalf("seq gaps: %d rows, max seq %d, ops_count %d", n, maxSeq, c.OpsCount)
	}
	return c.Balance
}

func TestApplyAddSubtract(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			st := storetest.Open(t, b)
			ctx := t.Context()
			svc := &ledger.Service{Store: st}
			c := newCustomer(t, st, "100")
			rate := int64(15000)
			g := &store.Group{Name: "Srebrna", ConversionRate: &rate, CreatedAt: store.Now()}
			if err := st.InsertGroup(ctx, g); err != nil {
				t.Fatal(err)
			}
			res, errs, err := svc.Apply(ctx, "100", ledger.Input{Operation: "add", Amount: "123,45", Document: "PAR/1"})
			if err != nil || errs != nil || res.Op.Points != 123 || *res.Op.Amount != 12345 {
				t.Fatalf("add at global rate: %+v %v %v", res.Op, errs, err)
			}
			c.GroupID = &g.ID
			if err := st.UpdateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
			res, errs, err = svc.Apply(ctx, "100", ledger.Input{Operation: "add", Amount: "1 234,56"})
			if err != nil || errs != nil || res.Op.Points != 1851 { // floor(1234,56 × 1,5)
				t.Fatalf("add at group rate: %+v %v %v", res.Op, errs, err)
			}
			// The same document again needs a confirmation, and saves nothing until then.
			res, errs, err = svc.Apply(ctx, "100", ledger.Input{Operation: "add", Points: "10", Document: "PAR/1"})
			if err != nil || errs != nil || res.DuplicateOf == nil || res.Op != nil {
				t.Fatalf("duplicate document not flagged: %+v %v %v", res, errs, err)
			}
			if bal := checkInvariant(t, st, c.ID); bal != 1974 {
				t.Fatalf("balance %d after unconfirmed duplicate, want 1974", bal)
			}
			res, _, _ = svc.Apply(ctx, "100", ledger.Input{Operation: "add", Points: "10", Document: "PAR/1", ConfirmDuplicate: true})
			if res.Op == nil {
				t.Fatal("confirmed duplicate not saved")
			}
			_, errs, err = svc.Apply(ctx, "100", ledger.Input{Operation: "subtract", Points: "5000"})
			if err != nil || errs["points"] == "" {
				t.Fatalf("overdraw not refused: %v %v", errs, err)
			}
			res, errs, err = svc.Apply(ctx, "100", ledger.Input{Operation: "subtract", Points: "984"})
			if err != nil || errs != nil || res.Op.BalanceAfter != 1000 {
				t.Fatalf("subtract: %+v %v %v", res.Op, errs, err)
			}
			checkInvariant(t, st, c.ID)
		})
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			st := storetest.Open(t, b)
			ctx := t.Context()
			svc := &ledger.Service{Store: st}
			c := newCustomer(t, st, "200")
			svc.Apply(ctx, "200", ledger.Input{Operation: "add", Points: "100"})
			for _, in := range []ledger.Input{
				{Operation: "add", Amount: "-5"}, {Operation: "add", Amount: "abc"}, {Operation: "add", Points: "-3"},
				{Operation: "add", Points: "1.5"}, {Operation: "add", Points: "99999999999999999999"},
				{Operation: "add", Amount: "999999999999,99"}, {Operation: "add"}, {Operation: "add", Amount: "0,50"},
				{Operation: "subtract"}, {Operation: "subtract", Points: "0"}, {Operation: "steal", Points: "5"},
				{Operation: "add", Points: "5", LocationID: "999"}, {Operation: "add", Points: "5", LocationID: "x"},
			} {
				_, errs, err := svc.Apply(ctx, "200", in)
				if err != nil || len(errs) == 0 {
					t.Errorf("%+v: errs=%v err=%v, want field errors", in, errs, err)
				}
			}
			if bal := checkInvariant(t, st, c.ID); bal != 100 {
				t.Fatalf("balance moved to %d", bal)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			st := storetest.Open(t, b)
			ctx := t.Context()
			svc := &ledger.Service{Store: st}
			c := newCustomer(t, st, "300")
			add, _, _ := svc.Apply(ctx, "300", ledger.Input{Operation: "add", Points: "100"})
			sub, _, _ := svc.Apply(ctx, "300", ledger.Input{Operation: "subtract", Points: "80"})
			// Cancelling the addition would leave −80: refused.
			if _, err := svc.Cancel(ctx, "300", add.Op.ID, nil); !errors.Is(err, ledger.ErrInsufficient) {
				t.Fatalf("cancel into negative: %v", err)
			}
			storno, err := svc.Cancel(ctx, "300", sub.Op.ID, nil)
			if err != nil || storno.Points != 80 || storno.BalanceAfter != 100 {
				t.Fatalf("cancel subtract: %+v %v", storno, err)
			}
			if _, err := svc.Cancel(ctx, "300", sub.Op.ID, nil); !errors.Is(err, ledger.ErrConflict) {
				t.Fatalf("cancel twice: %v, want conflict", err)
			}
			if _, err := svc.Cancel(ctx, "300", storno.ID, nil); !errors.Is(err, ledger.ErrConflict) {
				t.Fatalf("cancel a storno: %v, want conflict", err)
			}
			other := newCustomer(t, st, "301")
			_ = other
			if _, err := svc.Cancel(ctx, "301", add.Op.ID, nil); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("cancel another customer's row: %v, want not found", err)
			}
			checkInvariant(t, st, c.ID)
		})
	}
}

func TestExpiryFIFO(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			st := storetest.Open(t, b)
			ctx := t.Context()
			c := newCustomer(t, st, "400")
			now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
			at := func(days int, pts int64, kind string) {
				op := &store.PointOperation{CustomerID: c.ID, Kind: kind, Points: pts, OccurredAt: now.AddDate(0, 0, -days)}
				if err := st.AppendPoints(ctx, op, false); err != nil {
					t.Fatal(err)
				}
			}
			at(400, 100, "add")       // old
			at(380, 50, "add")        // old
			at(300, -120, "subtract") // consumes the 100 and 20 of the 50 (FIFO)
			at(10, 70, "add")         // fresh
			// Validity 365 days: 30 old points are left unconsumed.
			n, err := ledger.ExpireDue(ctx, st, c.ID, 365, now)
			if err != nil || n != 30 {
				t.Fatalf("expired %d (%v), want 30", n, err)
			}
			if n, _ := ledger.ExpireDue(ctx, st, c.ID, 365, now); n != 0 {
				t.Fatalf("second run expired %d more", n)
			}
			if bal := checkInvariant(t, st, c.ID); bal != 70 {
				t.Fatalf("balance %d, want 70", bal)
			}
			soon, _, _ := ledger.ExpiringSoon(ctx, st, c.ID, 365, now.AddDate(0, 0, 350), 30*24*time.Hour)
			if soon != 70 {
				t.Fatalf("expiring soon %d, want 70", soon)
			}
			if n, _ := ledger.ExpireDue(ctx, st, c.ID, 0, now); n != 0 {
				t.Fatal("validity 0 must never expire")
			}
		})
	}
}

// TestConcurrentOperations hammers one customer with 200 goroutines adding, subtracting,
// issuing rewards, moving orders and cancelling: no overdraw, no lost update, every refusal a
// clean domain error (never "database is locked"), and the invariant holds.
func TestConcurrentOperations(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			st := storetest.Open(t, b)
			ctx := context.Background()
			led := &ledger.Service{Store: st}
			rw := &reward.Service{Store: st}
			c := newCustomer(t, st, "500")
			stock := int64(20)
			rwd := &store.Reward{Name: "Kubek", Type: "Gadżet", Points: 30, Stock: &stock, Active: true, CreatedAt: store.Now()}
			if err := st.InsertReward(ctx, rwd); err != nil {
				t.Fatal(err)
			}
			if _, _, err := led.Apply(ctx, "500", ledger.Input{Operation: "add", Points: "500"}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			var unexpected []error
			fail := func(err error) {
				mu.Lock()
				unexpected = append(unexpected, err)
				mu.Unlock()
			}
			for i := 0; i < 200; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					rnd := rand.New(rand.NewSource(int64(i)))
					switch i % 5 {
					case 0:
						if _, _, err := led.Apply(ctx, "500", ledger.Input{Operation: "add", Points: fmt.Sprint(1 + rnd.Intn(50))}); err != nil {
							fail(err)
						}
					case 1, 2:
						if _, _, err := led.Apply(ctx, "500", ledger.Input{Operation: "subtract", Points: fmt.Sprint(1 + rnd.Intn(60))}); err != nil {
							fail(err)
						}
					case 3:
						o, _, err := rw.Issue(ctx, "500", reward.IssueInput{RewardID: fmt.Sprint(rwd.ID), Quantity: "1"})
						if err != nil {
							fail(err)
						} else if o != nil && rnd.Intn(2) == 0 {
							if _, err := rw.Move(ctx, "500", o.ID, reward.StatusCancelled, nil); err != nil && !errors.Is(err, reward.ErrConflict) {
								fail(err)
							}
						}
					case 4:
						rows, err := st.PointRows(ctx, c.ID, store.PointFilter{}, 5)
						if err != nil {
							fail(err)
							return
						}
						for _, r := range rows {
							if r.Kind == "add" || r.Kind == "subtract" {
								_, err := led.Cancel(ctx, "500", r.ID, nil)
								if err != nil && !errors.Is(err, ledger.ErrConflict) && !errors.Is(err, ledger.ErrInsufficient) {
									fail(err)
								}
								break
							}
						}
					}
				}(i)
			}
			wg.Wait()
			for _, err := range unexpected {
				t.Errorf("unexpected error: %v", err)
			}
			bal := checkInvariant(t, st, c.ID)
			if bal < 0 {
				t.Fatalf("overdrawn: %d", bal)
			}
			var neg int
			st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM point_operations WHERE balance_after < 0").Scan(&neg)
			if neg != 0 {
				t.Fatalf("%d rows with a negative balance_after", neg)
			}
			// Stock: 20 − active orders == what is left.
			r, _ := st.Reward(ctx, rwd.ID)
			var active int64
			st.DB().QueryRowContext(ctx, "SELECT COALESCE(SUM(quantity), 0) FROM reward_orders WHERE reward_id = ? AND status <> 'cancelled'", rwd.ID).Scan(&active)
			if *r.Stock < 0 || *r.Stock+active != 20 {
				t.Fatalf("stock %d with %d issued, want 20 in all", *r.Stock, active)
			}
		})
	}
}

func TestExpireAll(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			st := storetest.Open(t, b)
			ctx := t.Context()
			now := time.Now().UTC()
			settings, _ := st.Settings(ctx)
			settings.PointsValidityDays = 30
			if err := st.SaveSettings(ctx, settings); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 3; i++ {
				c := newCustomer(t, st, fmt.Sprint(600+i))
				old := &store.PointOperation{CustomerID: c.ID, Kind: "add", Points: 100, OccurredAt: now.AddDate(0, 0, -40)}
				fresh := &store.PointOperation{CustomerID: c.ID, Kind: "add", Points: 5, OccurredAt: now}
				if err := st.AppendPoints(ctx, old, false); err != nil {
					t.Fatal(err)
				}
				if err := st.AppendPoints(ctx, fresh, false); err != nil {
					t.Fatal(err)
				}
			}
			n, pts, err := ledger.ExpireAll(ctx, st, now)
			if err != nil || n != 3 || pts != 300 {
				t.Fatalf("ExpireAll = %d customers, %d points, %v; want 3, 300", n, pts, err)
			}
			if n, _, _ := ledger.ExpireAll(ctx, st, now); n != 0 {
				t.Fatalf("second run touched %d customers", n)
			}
		})
	}
}
