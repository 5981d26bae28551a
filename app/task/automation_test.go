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
