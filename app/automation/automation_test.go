package automation_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loyalty/backoffice/app/automation"
	"github.com/loyalty/backoffice/app/store"
	"github.com/loyalty/backoffice/app/store/storetest"
)

// fakeMessenger stores messages like the pipeline does and records wake-ups; no e-mail consent
// means a skip.
type fakeMessenger struct {
	mu    sync.Mutex
	woken []int64
}

func (f *fakeMessenger) Prepare(ctx context.Context, tx *store.Store, channel string, c *store.Customer, subject, body string, runID int64) (*store.Message, string, error) {
	if channel == store.ChannelEmail && c.ConsentEmail != "granted" {
		return nil, "Brak zgody na e-mail.", nil
	}
	now := store.Now()
	m := &store.Message{Channel: channel, CustomerID: c.ID, Recipient: c.Email, Subject: subject, Body: body, SendAt: now,
		Status: "scheduled", ScenarioRunID: &runID, CreatedAt: now, UpdatedAt: now}
	return m, "", tx.InsertMessage(ctx, m)
}

func (f *fakeMessenger) Wake(ctx context.Context, m *store.Message) {
	f.mu.Lock()
	f.woken = append(f.woken, m.ID)
	f.mu.Unlock()
}

func setup(t *testing.T, backend string) (*store.Store, *automation.Engine, *fakeMessenger) {
	st := storetest.Open(t, backend)
	loc, _ := time.LoadLocation("Europe/Warsaw")
	fm := &fakeMessenger{}
	return st, &automation.Engine{Store: st, Messenger: fm, Loc: loc}, fm
}

func customer(t *testing.T, st *store.Store, number string, mod func(*store.Customer)) *store.Customer {
	t.Helper()
	now := store.Now()
	c := &store.Customer{Number: number, FirstName: "Ala", LastName: "Nowak", Email: number + "@example.pl", PortalToken: "t" + number,
		ConsentEmail: "granted", ConsentSMS: "unknown", CreatedAt: now, UpdatedAt: now}
	if mod != nil {
		mod(c)
	}
	if err := st.InsertCustomer(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func scenario(t *testing.T, st *store.Store, name, trigger string, threshold int64, unit string, actions ...store.ScenarioAction) *store.Scenario {
	t.Helper()
	now := store.Now()
	sc := &store.Scenario{Name: name, Trigger: trigger, Threshold: threshold, ThresholdUnit: unit, Active: true, CreatedAt: now, UpdatedAt: now}
	if err := st.InsertScenario(t.Context(), sc, actions); err != nil {
		t.Fatal(err)
	}
	return sc
}

func runs(t *testing.T, st *store.Store, scenarioID, customerID int64) []store.ScenarioRun {
	var rows []store.ScenarioRun
	if err := st.DB().NewSelect().Model(&rows).Where("scenario_id = ? AND customer_id = ?", scenarioID, customerID).Scan(t.Context()); err != nil {
		t.Fatal(err)
	}
	return rows
}

func balance(t *testing.T, st *store.Store, id int64) int64 {
	c, err := st.Customer(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Balance
}

func TestJoinedRunsOnceUnderConcurrentDelivery(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			st, eng, fm := setup(t, b)
			sc := scenario(t, st, "Powitanie", automation.TriggerJoined, 0, "",
				store.ScenarioAction{Kind: automation.ActionAddPoints, Points: 50},
				store.ScenarioAction{Kind: automation.ActionSendEmail, Subject: "Witaj {{imie}}", Body: "<p>Masz {{saldo}} pkt, {{imie}}!</p>"})
			c := customer(t, st, "1001", func(c *store.Customer) { c.FirstName = "<Ala>" })
			// The same event delivered 20 times at once (asynq re-delivery, two workers).
			var wg sync.WaitGroup
			for i := 0; i < 20; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := eng.Handle(context.Background(), automation.Event{Kind: automation.TriggerJoined, CustomerID: c.ID}); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			rs := runs(t, st, sc.ID, c.ID)
			if len(rs) != 1 || rs[0].Status != automation.StatusDone {
				t.Fatalf("runs: %+v", rs)
			}
			if bal := balance(t, st, c.ID); bal != 50 {
				t.Fatalf("balance %d, want 50 (bonus once)", bal)
			}
			var msgs []store.Message
			st.DB().NewSelect().Model(&msgs).Where("customer_id = ?", c.ID).Scan(t.Context())
			if len(msgs) != 1 || len(fm.woken) != 1 {
				t.Fatalf("%d messages, %d wake-ups; want 1 each", len(msgs), len(fm.woken))
			}
			if msgs[0].Subject != "Witaj <Ala>" || !strings.Contains(msgs[0].Body, "Masz 50 pkt, &lt;Ala&gt;!") {
				t.Fatalf("templating: %q / %q", msgs[0].Subject, msgs[0].Body)
			}
			var op store.PointOperation
			st.DB().NewSelect().Model(&op).Where("customer_id = ?", c.ID).Scan(t.Context())
			if op.StaffUserID != nil || !strings.Contains(op.Description, "Powitanie") {
				t.Fatalf("ledger row: %+v", op)
			}
		})
	}
}

func TestReferralAndReferralSuccess(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			st, eng, _ := setup(t, b)
			ctx := t.Context()
			ref := scenario(t, st, "Bonus za polecenie", automation.TriggerReferral, 0, "", store.ScenarioAction{Kind: automation.ActionAddPoints, Points: 100})
			ok := scenario(t, st, "Udane polecenie", automation.TriggerReferralSuccess, 20000, "amount", store.ScenarioAction{Kind: automation.ActionAddPoints, Points: 300})
			referrer := customer(t, st, "2001", nil)
			friend := customer(t, st, "2002", func(c *store.Customer) { c.ReferredByID = &referrer.ID })
			for i := 0; i < 2; i++ {
				eng.Handle(ctx, automation.Event{Kind: automation.TriggerJoined, CustomerID: friend.ID})
			}
			if n := len(runs(t, st, ref.ID, referrer.ID)); n != 1 || balance(t, st, referrer.ID) != 100 {
				t.Fatalf("referral: %d runs, balance %d", n, balance(t, st, referrer.ID))
			}
			// Purchases of 150 zł, then 100 zł: the threshold of 200 zł is crossed by the second one.
			for _, amount := range []int64{15000, 10000, 5000} {
				op := &store.PointOperation{CustomerID: friend.ID, Kind: "add", Amount: &amount, Points: amount / 100}
				if err := st.AppendPoints(ctx, op, false); err != nil {
					t.Fatal(err)
				}
				if _, err := eng.Handle(ctx, automation.Event{Kind: automation.TriggerPointsAdded, CustomerID: friend.ID, OpID: op.ID}); err != nil {
					t.Fatal(err)
				}
				if amount == 15000 && len(runs(t, st, ok.ID, referrer.ID)) != 0 {
					t.Fatal("referral_success before the threshold")
				}
			}
			rs := runs(t, st, ok.ID, referrer.ID)
			if len(rs) != 1 || rs[0].Occurrence != fmt.Sprintf("refok:%d", friend.ID) || balance(t, st, referrer.ID) != 400 {
				t.Fatalf("referral_success: %+v balance %d", rs, balance(t, st, referrer.ID))
			}
		})
	}
}

func TestPointsAddedThresholdAndBirthdayAndInactive(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			st, eng, _ := setup(t, b)
			ctx := t.Context()
			big := scenario(t, st, "Duży zakup", automation.TriggerPointsAdded, 100, "", store.ScenarioAction{Kind: automation.ActionSendInternal, Subject: "Dziękujemy", Body: "Saldo: {{saldo}}"})
			c := customer(t, st, "3001", func(c *store.Customer) { c.BirthDate = "1990-12-04" })
			for _, pts := range []int64{50, 150} {
				op := &store.PointOperation{CustomerID: c.ID, Kind: "add", Points: pts}
				st.AppendPoints(ctx, op, false)
				eng.Handle(ctx, automation.Event{Kind: automation.TriggerPointsAdded, CustomerID: c.ID, OpID: op.ID})
			}
			if n := len(runs(t, st, big.ID, c.ID)); n != 1 {
				t.Fatalf("points_added threshold 100: %d runs, want 1", n)
			}

			bday := scenario(t, st, "Urodziny", automation.TriggerBirthday, 0, "", store.ScenarioAction{Kind: automation.ActionAddPoints, Points: 10})
			// 23:30 UTC on 3 December is already 4 December in Warsaw.
			eng.Now = func() time.Time { return time.Date(2026, 12, 3, 23, 30, 0, 0, time.UTC) }
			for i := 0; i < 2; i++ {
				if _, err := eng.Birthdays(ctx); err != nil {
					t.Fatal(err)
				}
			}
			rs := runs(t, st, bday.ID, c.ID)
			if len(rs) != 1 || rs[0].Occurrence != "birthday:2026" {
				t.Fatalf("birthday: %+v", rs)
			}
			eng.Now = func() time.Time { return time.Date(2027, 12, 4, 10, 0, 0, 0, time.UTC) }
			eng.Birthdays(ctx)
			if n := len(runs(t, st, bday.ID, c.ID)); n != 2 {
				t.Fatalf("next year's birthday: %d runs, want 2", n)
			}

			idle := scenario(t, st, "Tęsknimy", automation.TriggerInactive, 30, "", store.ScenarioAction{Kind: automation.ActionSendEmail, Subject: "Tęsknimy", Body: "Wróć"})
			old := customer(t, st, "3002", func(c *store.Customer) { c.CreatedAt = time.Now().AddDate(0, -3, 0).UTC() })
			eng.Now = time.Now
			for i := 0; i < 2; i++ {
				eng.Inactive(ctx)
			}
			if n := len(runs(t, st, idle.ID, old.ID)); n != 1 {
				t.Fatalf("inactive: %d runs, want 1", n)
			}
			if n := len(runs(t, st, idle.ID, c.ID)); n != 0 {
				t.Fatalf("an active customer got the inactivity scenario")
			}
		})
	}
}

func TestNoConsentIsSkippedWithReason(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			st, eng, fm := setup(t, b)
			sc := scenario(t, st, "Newsletter", automation.TriggerJoined, 0, "", store.ScenarioAction{Kind: automation.ActionSendEmail, Subject: "x", Body: "y"})
			c := customer(t, st, "4001", func(c *store.Customer) { c.ConsentEmail = "withdrawn" })
			out, err := eng.Handle(t.Context(), automation.Event{Kind: automation.TriggerJoined, CustomerID: c.ID})
			if err != nil || len(out) != 1 || out[0].Status != automation.StatusSkipped || !strings.Contains(out[0].Reason, "zgody") {
				t.Fatalf("%+v %v", out, err)
			}
			rs := runs(t, st, sc.ID, c.ID)
			if len(rs) != 1 || rs[0].Status != automation.StatusSkipped || len(fm.woken) != 0 {
				t.Fatalf("runs %+v, woken %d", rs, len(fm.woken))
			}
		})
	}
}
