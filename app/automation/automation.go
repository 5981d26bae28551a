// Package automation runs marketing-automation scenarios: a trigger (a customer joined, a
// birthday, points added, a reward issued, a referral and its success, inactivity) and its
// actions (add points, send an e-mail, SMS or internal message). Every realisation is a row in
// scenario_runs, unique per scenario, customer and occurrence, written in the same transaction
// as the actions' effects: a crash leaves nothing half done, a retry or a second worker finds
// the row and does nothing. No HTTP and no asynq here.
package automation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/loyalty/backoffice/app/ledger"
	"github.com/loyalty/backoffice/app/store"
)

// Triggers.
const (
	TriggerJoined          = "joined"
	TriggerBirthday        = "birthday"
	TriggerPointsAdded     = "points_added"
	TriggerRewardIssued    = "reward_issued"
	TriggerReferral        = "referral"
	TriggerReferralSuccess = "referral_success"
	TriggerInactive        = "inactive"
)

// TriggerLabels are the Polish names of the triggers.
var TriggerLabels = map[string]string{
	TriggerJoined:          "Dodanie klienta",
	TriggerBirthday:        "Urodziny klienta",
	TriggerPointsAdded:     "Dodanie punktów",
	TriggerRewardIssued:    "Wydanie nagrody",
	TriggerReferral:        "Polecenie nowego klienta",
	TriggerReferralSuccess: "Udane polecenie (zakupy poleconego)",
	TriggerInactive:        "Brak aktywności",
}

// TriggerOrder lists the triggers for forms.
var TriggerOrder = []string{TriggerJoined, TriggerBirthday, TriggerPointsAdded, TriggerRewardIssued, TriggerReferral, TriggerReferralSuccess, TriggerInactive}

// Actions.
const (
	ActionAddPoints    = "add_points"
	ActionSendEmail    = "send_email"
	ActionSendSMS      = "send_sms"
	ActionSendInternal = "send_internal"
)

// ActionLabels are the Polish names of the actions.
var ActionLabels = map[string]string{
	ActionAddPoints: "Dodaj punkty", ActionSendEmail: "Wyślij e-mail", ActionSendSMS: "Wyślij SMS", ActionSendInternal: "Wyślij wiadomość wewnętrzną",
}

// ActionOrder lists the actions for forms.
var ActionOrder = []string{ActionAddPoints, ActionSendEmail, ActionSendSMS, ActionSendInternal}

// Run statuses.
const (
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// StatusLabels are the Polish names of run statuses.
var StatusLabels = map[string]string{StatusRunning: "W trakcie", StatusDone: "Zrealizowany", StatusFailed: "Błąd", StatusSkipped: "Pominięty"}

// Event is something that happened to a customer and may trigger scenarios.
type Event struct {
	Kind       string // joined | points_added | reward_issued
	CustomerID int64
	OpID       int64 // points_added: the ledger row
	OrderID    int64 // reward_issued: the order
}

// Messenger puts a message into the messages pipeline inside the run's transaction and wakes
// the sender after commit. It is the messaging package, seen from here.
type Messenger interface {
	// Prepare inserts the message (scheduled now, or unread for internal messages) in tx. A
	// non-empty skip means the customer cannot get it (no consent, no address): nothing inserted.
	Prepare(ctx context.Context, tx *store.Store, channel string, c *store.Customer, subject, body string, runID int64) (m *store.Message, skip string, err error)
	// Wake enqueues the send of a committed message (best effort: the reconciler covers a miss).
	Wake(ctx context.Context, m *store.Message)
}

// Engine matches events to scenarios and runs them.
type Engine struct {
	Store     *store.Store
	Messenger Messenger
	Loc       *time.Location
	Now       func() time.Time // for tests; nil = time.Now
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// Outcome is what one run did.
type Outcome struct {
	ScenarioID int64
	RunID      int64
	Status     string // done | skipped | failed; "" = it had already run for this occurrence
	Reason     string
}

// Handle runs every active scenario the event triggers. Safe to call twice for one event.
func (e *Engine) Handle(ctx context.Context, ev Event) ([]Outcome, error) {
	c, err := e.Store.Customer(ctx, ev.CustomerID)
	if err != nil {
		return nil, err
	}
	var out []Outcome
	run := func(trigger string, target *store.Customer, occurrence string, match func(store.Scenario) (bool, error)) error {
		scs, err := e.Store.ActiveScenarios(ctx, trigger)
		if err != nil {
			return err
		}
		for _, sc := range scs {
			if match != nil {
				ok, err := match(sc)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
			}
			o, err := e.Run(ctx, sc.ID, target.ID, occurrence, nil)
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return nil
	}
	switch ev.Kind {
	case TriggerJoined:
		if err := run(TriggerJoined, c, "joined", nil); err != nil {
			return out, err
		}
		if c.ReferredByID != nil {
			ref, err := e.Store.Customer(ctx, *c.ReferredByID)
			if err != nil {
				return out, err
			}
			if err := run(TriggerReferral, ref, fmt.Sprintf("ref:%d", c.ID), nil); err != nil {
				return out, err
			}
		}
	case TriggerPointsAdded:
		op, err := e.Store.PointOperation(ctx, ev.OpID)
		if err != nil {
			return out, err
		}
		err = run(TriggerPointsAdded, c, fmt.Sprintf("op:%d", op.ID), func(sc store.Scenario) (bool, error) {
			return op.Points > 0 && op.Points >= sc.Threshold, nil
		})
		if err != nil {
			return out, err
		}
		if c.ReferredByID != nil {
			ref, err := e.Store.Customer(ctx, *c.ReferredByID)
			if err != nil {
				return out, err
			}
			amount, points, err := e.Store.PurchaseTotals(ctx, c.ID)
			if err != nil {
				return out, err
			}
			err = run(TriggerReferralSuccess, ref, fmt.Sprintf("refok:%d", c.ID), func(sc store.Scenario) (bool, error) {
				if sc.ThresholdUnit == "points" {
					return points >= sc.Threshold, nil
				}
				return amount >= sc.Threshold, nil
			})
			if err != nil {
				return out, err
			}
		}
	case TriggerRewardIssued:
		if err := run(TriggerRewardIssued, c, fmt.Sprintf("order:%d", ev.OrderID), nil); err != nil {
			return out, err
		}
	default:
		return nil, fmt.Errorf("automation: unknown event %q", ev.Kind)
	}
	return out, nil
}

// Birthdays runs the birthday scenarios for everyone born on today's day and month (in the
// display time zone); once a year each.
func (e *Engine) Birthdays(ctx context.Context) (int, error) {
	today := e.now().In(e.Loc)
	scs, err := e.Store.ActiveScenarios(ctx, TriggerBirthday)
	if err != nil || len(scs) == 0 {
		return 0, err
	}
	n := 0
	var after int64
	for {
		ids, err := e.Store.BirthdayCustomers(ctx, today.Format("01-02"), after, 500)
		if err != nil {
			return n, err
		}
		for _, id := range ids {
			for _, sc := range scs {
				if _, err := e.Run(ctx, sc.ID, id, fmt.Sprintf("birthday:%d", today.Year()), nil); err != nil {
					return n, err
				}
				n++
			}
		}
		if len(ids) < 500 {
			return n, nil
		}
		after = ids[len(ids)-1]
	}
}

// Inactive runs the inactivity scenarios for customers with no points operation for the
// scenario's number of days; once per quiet spell (the occurrence names the last activity).
func (e *Engine) Inactive(ctx context.Context) (int, error) {
	scs, err := e.Store.ActiveScenarios(ctx, TriggerInactive)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sc := range scs {
		if sc.Threshold <= 0 {
			continue
		}
		cutoff := e.now().AddDate(0, 0, -int(sc.Threshold)).UTC()
		var after int64
		for {
			rows, err := e.Store.InactiveCustomers(ctx, cutoff, after, 500)
			if err != nil {
				return n, err
			}
			for _, r := range rows {
				if _, err := e.Run(ctx, sc.ID, r.ID, fmt.Sprintf("inactive:%d", r.LastSeq), nil); err != nil {
					return n, err
				}
				n++
			}
			if len(rows) < 500 {
				break
			}
			after = rows[len(rows)-1].ID
		}
	}
	return n, nil
}

// Run realises one scenario for one customer and occurrence, all in one transaction: the run
// row (unique per scenario, customer, occurrence) and every action's effect. If the run row
// exists already, nothing happens (Outcome.Status ""). staffID is set for manual triggers.
func (e *Engine) Run(ctx context.Context, scenarioID, customerID int64, occurrence string, staffID *int64) (Outcome, error) {
	out := Outcome{ScenarioID: scenarioID}
	var wake []*store.Message
	err := e.Store.WithTx(ctx, func(tx *store.Store) error {
		sc, err := tx.Scenario(ctx, scenarioID)
		if err != nil {
			return err
		}
		c, err := tx.Customer(ctx, customerID)
		if err != nil {
			return err
		}
		now := store.Now()
		run := &store.ScenarioRun{ScenarioID: sc.ID, CustomerID: c.ID, Occurrence: occurrence, Status: StatusRunning,
			StatusAt: now, StaffUserID: staffID, CreatedAt: now}
		inserted, err := tx.InsertScenarioRun(ctx, run)
		if err != nil || !inserted {
			return err
		}
		out.RunID = run.ID
		actions, err := tx.ScenarioActions(ctx, sc.ID)
		if err != nil {
			return err
		}
		var done, skipped []string
		for _, a := range actions {
			msg, skip, err := e.act(ctx, tx, sc, a, c, run.ID)
			if err != nil {
				return err
			}
			if msg != nil {
				wake = append(wake, msg)
			}
			if skip != "" {
				skipped = append(skipped, skip)
			} else {
				done = append(done, ActionLabels[a.Kind])
			}
		}
		out.Status, out.Reason = StatusDone, ""
		switch {
		case len(actions) == 0:
			out.Status, out.Reason = StatusSkipped, "Scenariusz nie ma akcji."
		case len(done) == 0:
			out.Status, out.Reason = StatusSkipped, strings.Join(skipped, " ")
		case len(skipped) > 0:
			out.Reason = "Częściowo: " + strings.Join(skipped, " ")
		}
		return tx.FinishScenarioRun(ctx, run.ID, out.Status, out.Reason, store.Now())
	})
	if err != nil {
		return out, fmt.Errorf("automation: run scenario %d for %d (%s): %w", scenarioID, customerID, occurrence, err)
	}
	for _, m := range wake {
		e.Messenger.Wake(ctx, m)
	}
	return out, nil
}

// act performs one action inside the run's transaction.
func (e *Engine) act(ctx context.Context, tx *store.Store, sc *store.Scenario, a store.ScenarioAction, c *store.Customer, runID int64) (*store.Message, string, error) {
	switch a.Kind {
	case ActionAddPoints:
		op := &store.PointOperation{CustomerID: c.ID, Kind: ledger.KindAdd, Points: a.Points,
			Description: "Automatycznie: scenariusz " + sc.Name}
		if a.Points <= 0 {
			return nil, "Akcja dodania punktów bez liczby punktów.", nil
		}
		if err := ledger.Append(ctx, tx, op); err != nil {
			return nil, "", err
		}
		c.Balance = op.BalanceAfter
		return nil, "", nil
	case ActionSendEmail, ActionSendSMS, ActionSendInternal:
		channel := map[string]string{ActionSendEmail: store.ChannelEmail, ActionSendSMS: store.ChannelSMS, ActionSendInternal: store.ChannelInternal}[a.Kind]
		subject := Render(a.Subject, c, false)
		body := Render(a.Body, c, a.Kind == ActionSendEmail)
		if e.Messenger == nil {
			return nil, "Wysyłka wiadomości jest niedostępna.", nil
		}
		m, skip, err := e.Messenger.Prepare(ctx, tx, channel, c, subject, body, runID)
		return m, skip, err
	}
	return nil, "", errors.New("automation: unknown action " + a.Kind)
}
