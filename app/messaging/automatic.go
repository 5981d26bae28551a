package messaging

import (
	"context"
	"strings"

	"github.com/loyalty/backoffice/app/store"
)

// Automatic lets marketing automation put messages into the pipeline inside a scenario run's
// transaction (it satisfies automation.Messenger): the run and its messages commit together,
// and the wake-up is asked for only after the commit.
type Automatic struct{ S *Service }

// Prepare inserts an automatic message (no staff user) in tx; skip explains in Polish why the
// customer cannot get it (no consent, no address), and then nothing is inserted.
func (a Automatic) Prepare(ctx context.Context, tx *store.Store, channel string, c *store.Customer, subject, body string, runID int64) (*store.Message, string, error) {
	if why := Blocked(channel, c); why != "" {
		return nil, why + ".", nil
	}
	d := Draft{Channel: channel, Customer: c, Subject: subject, Body: body, ScenarioRunID: &runID}
	// The scenario's text after its placeholders are filled may still break a limit (an empty
	// subject, an SMS of more than 10 parts): skip with the reason rather than fail the run.
	errs, err := a.S.Check(ctx, d)
	if err != nil {
		return nil, "", err
	}
	if len(errs) > 0 {
		var why []string
		for _, k := range []string{"subject", "body", "send_at", "consent"} {
			if errs[k] != "" {
				why = append(why, errs[k])
			}
		}
		return nil, strings.Join(why, " "), nil
	}
	m := a.S.newMessage(d)
	if err := tx.InsertMessage(ctx, m); err != nil {
		return nil, "", err
	}
	return m, "", nil
}

// Wake asks for the send of a committed message.
func (a Automatic) Wake(ctx context.Context, m *store.Message) {
	if m.Status == store.MessageScheduled {
		a.S.wakeFirst(ctx, m.ID, m.SendAt)
	}
}
