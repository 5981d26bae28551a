package task_test

import (
	"testing"
	"time"

	"github.com/loyalty/backoffice/app/automation"
	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/store"
	"github.com/loyalty/backoffice/app/task"
)

// TestAutomationEventsThroughTheWorker: a joined event, delivered several times through asynq
// to two workers, runs the welcome scenario once; its e-mail goes out through the pipeline.
func TestAutomationEventsThroughTheWorker(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		now := store.Now()
		sc := &store.Scenario{Name: "Powitanie", Trigger: automation.TriggerJoined, Active: true, CreatedAt: now, UpdatedAt: now}
		err := e.st.InsertScenario(ctx, sc, []store.ScenarioAction{
			{Kind: automation.ActionAddPoints, Points: 25},
			{Kind: automation.ActionSendEmail, Subject: "Witaj {{imie}}", Body: "<p>Saldo: {{saldo}} pkt</p>"},
		})
		if err != nil {
			t.Fatal(err)
		}
		c := &store.Customer{Number: "77001", FirstName: "Ola", LastName: "Test", Email: "ola@example.pl", ConsentEmail: "granted",
			ConsentSMS: "unknown", PortalToken: "tok77001", CreatedAt: now, UpdatedAt: now}
		if err := e.st.InsertCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		engine := &automation.Engine{Store: e.st, Messenger: messaging.Automatic{S: e.svc}}
		for i := 0; i < 2; i++ {
			w := task.NewWorker(e.redis.Opt(), quiet, task.Options{Concurrency: 5, NoScheduler: i == 1})
			if err := w.Start(task.NewServeMux(task.Deps{Log: quiet, Messages: e.svc, Automation: engine})); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(w.Shutdown)
		}
		for i := 0; i < 5; i++ {
			if err := e.enq.EnqueueEvent(ctx, automation.Event{Kind: automation.TriggerJoined, CustomerID: c.ID}); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			var sent int
			e.st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM messages WHERE customer_id = ? AND status = 'sent'", c.ID).Scan(&sent)
			if sent > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond) // let any duplicate delivery finish
		var runs, msgs int
		e.st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM scenario_runs WHERE customer_id = ?", c.ID).Scan(&runs)
		e.st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM messages WHERE customer_id = ?", c.ID).Scan(&msgs)
		got, _ := e.st.Customer(ctx, c.ID)
		if runs != 1 || msgs != 1 || got.Balance != 25 {
			t.Fatalf("runs %d, messages %d, balance %d; want 1, 1, 25", runs, msgs, got.Balance)
		}
		if n := len(e.smtp.Received()); n != 1 {
			t.Fatalf("the SMTP server received %d e-mails, want 1", n)
		}
	})
}

// TestEveryTriggerThroughTheWorker delivers each kind of automation event, and the periodic
// birthday and inactivity jobs, as asynq tasks to a running worker (each twice), and checks
// every scenario ran exactly once for its occurrence.
func TestEveryTriggerThroughTheWorker(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		now := store.Now()
		loc, _ := time.LoadLocation("Europe/Warsaw")
		scenario := func(name, trigger string, threshold int64, unit string) *store.Scenario {
			sc := &store.Scenario{Name: name, Trigger: trigger, Threshold: threshold, ThresholdUnit: unit, Active: true, CreatedAt: now, UpdatedAt: now}
			if err := e.st.InsertScenario(ctx, sc, []store.ScenarioAction{{Kind: automation.ActionSendInternal, Subject: name, Body: "{{imie}}"}}); err != nil {
				t.Fatal(err)
			}
			return sc
		}
		joined := scenario("joined", automation.TriggerJoined, 0, "")
		added := scenario("points", automation.TriggerPointsAdded, 10, "")
		issued := scenario("reward", automation.TriggerRewardIssued, 0, "")
		referral := scenario("referral", automation.TriggerReferral, 0, "")
		success := scenario("success", automation.TriggerReferralSuccess, 5000, "amount")
		birthday := scenario("birthday", automation.TriggerBirthday, 0, "")
		inactive := scenario("inactive", automation.TriggerInactive, 30, "")

		customer := func(number string, mod func(*store.Customer)) *store.Customer {
			c := &store.Customer{Number: number, FirstName: "Ola", LastName: "T", PortalToken: "tok" + number,
				ConsentEmail: "unknown", ConsentSMS: "unknown", CreatedAt: now, UpdatedAt: now}
			if mod != nil {
				mod(c)
			}
			if err := e.st.InsertCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		referrer := customer("88001", func(c *store.Customer) { c.BirthDate = "1990-" + time.Now().In(loc).Format("01-02") })
		friend := customer("88002", func(c *store.Customer) { c.ReferredByID = &referrer.ID })
		idle := customer("88003", func(c *store.Customer) { c.CreatedAt = now.AddDate(0, -2, 0) })
		amount := int64(6000)
		op := &store.PointOperation{CustomerID: friend.ID, Kind: "add", Amount: &amount, Points: 60}
		if err := e.st.AppendPoints(ctx, op, false); err != nil {
			t.Fatal(err)
		}
		rw := &store.Reward{Name: "Kubek", Points: 1, Active: true, CreatedAt: now}
		if err := e.st.InsertReward(ctx, rw); err != nil {
			t.Fatal(err)
		}
		order := &store.RewardOrder{CustomerID: friend.ID, RewardID: rw.ID, Quantity: 1, Points: 1, Status: "new", StatusAt: now, CreatedAt: now}
		if err := e.st.InsertRewardOrder(ctx, order); err != nil {
			t.Fatal(err)
		}

		engine := &automation.Engine{Store: e.st, Messenger: messaging.Automatic{S: e.svc}, Loc: loc}
		w := task.NewWorker(e.redis.Opt(), quiet, task.Options{Concurrency: 5, NoScheduler: true})
		if err := w.Start(task.NewServeMux(task.Deps{Log: quiet, Messages: e.svc, Automation: engine})); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Shutdown)
		for i := 0; i < 2; i++ {
			for _, ev := range []automation.Event{
				{Kind: automation.TriggerJoined, CustomerID: friend.ID},
				{Kind: automation.TriggerPointsAdded, CustomerID: friend.ID, OpID: op.ID},
				{Kind: automation.TriggerRewardIssued, CustomerID: friend.ID, OrderID: order.ID},
			} {
				if err := e.enq.EnqueueEvent(ctx, ev); err != nil {
					t.Fatal(err)
				}
			}
			for _, typ := range []string{task.TypeAutomationBirthdays, task.TypeAutomationInactive} {
				if err := e.enq.EnqueuePeriodic(ctx, typ); err != nil {
					t.Fatal(err)
				}
			}
		}
		want := []struct {
			sc   *store.Scenario
			cust *store.Customer
		}{{joined, friend}, {added, friend}, {issued, friend}, {referral, referrer}, {success, referrer}, {birthday, referrer}, {inactive, idle}}
		deadline := time.Now().Add(20 * time.Second)
		for _, wnt := range want {
			for {
				var n int
				e.st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM scenario_runs WHERE scenario_id = ? AND customer_id = ? AND status = 'done'", wnt.sc.ID, wnt.cust.ID).Scan(&n)
				if n == 1 {
					break
				}
				if n > 1 || time.Now().After(deadline) {
					t.Fatalf("scenario %q for customer %s: %d done runs, want 1", wnt.sc.Name, wnt.cust.Number, n)
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
		time.Sleep(500 * time.Millisecond) // let the second deliveries finish
		var total int
		e.st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM scenario_runs").Scan(&total)
		if total != len(want) {
			t.Fatalf("%d runs in all, want %d (each once)", total, len(want))
		}
	})
}
