package web

import (
	"testing"
	"time"

	"github.com/loyalty/backoffice/app/store"
)

// fillHistory gives a customer one row in every tab, through the store (the actions that make
// them come with later issues).
func fillHistory(t *testing.T, st *store.Store, c *store.Customer) {
	t.Helper()
	ctx := t.Context()
	now := store.Now()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	amount := int64(12345)
	must(st.AppendPoints(ctx, &store.PointOperation{CustomerID: c.ID, Kind: "add", Amount: &amount, Points: 123, Document: "PAR/1", Description: "zakupy"}, false))
	reward := &store.Reward{Name: "Kubek termiczny", Type: "Gadżet", Points: 100, Active: true, CreatedAt: now}
	_, err := st.DB().NewInsert().Model(reward).Returning("id").Exec(ctx)
	must(err)
	order := &store.RewardOrder{CustomerID: c.ID, RewardID: reward.ID, Quantity: 1, Points: 100, Status: "new", StatusAt: now, CreatedAt: now}
	_, err = st.DB().NewInsert().Model(order).Returning("id").Exec(ctx)
	must(err)
	for _, ch := range []string{store.ChannelEmail, store.ChannelSMS, store.ChannelInternal} {
		status := "sent"
		if ch == store.ChannelInternal {
			status = "unread"
		}
		sent := now.Add(-time.Minute)
		m := &store.Message{Channel: ch, CustomerID: c.ID, Recipient: "x", Subject: "Witaj", Body: "Treść", SendAt: sent, SentAt: &sent, Status: status, CreatedAt: now, UpdatedAt: now}
		_, err = st.DB().NewInsert().Model(m).Exec(ctx)
		must(err)
	}
	sc := &store.Scenario{Name: "Powitanie", Trigger: "joined", Active: true, CreatedAt: now, UpdatedAt: now}
	_, err = st.DB().NewInsert().Model(sc).Returning("id").Exec(ctx)
	must(err)
	_, err = st.DB().NewInsert().Model(&store.ScenarioRun{ScenarioID: sc.ID, CustomerID: c.ID, Occurrence: "joined", Status: "done", StatusAt: now, CreatedAt: now}).Exec(ctx)
	must(err)
	ref := &store.Customer{Number: c.Number + "R", FirstName: "Polecony", LastName: "Klient", ReferredByID: &c.ID, PortalToken: c.Number + "tok", ConsentEmail: "unknown", ConsentSMS: "unknown", CreatedAt: now, UpdatedAt: now}
	must(st.InsertCustomer(ctx, ref))
}
