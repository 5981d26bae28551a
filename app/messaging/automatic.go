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
	now := a.S.now()
	m := &store.Message{Channel: channel, CustomerID: c.ID, Recipient: recipientOf(channel, c), Subject: strings.TrimSpace(subject),
		Body: body, SendAt: now, Status: store.MessageScheduled, ScenarioRunID: &runID, CreatedAt: now, UpdatedAt: now}
	switch channel {
	case store.ChannelSMS:
		m.Subject = ""
	case store.ChannelInternal:
		m.SentAt, m.Status = &now, store.MessageUnread
	}
	if err := tx.InsertMessage(ctx, m); err != nil {
		return nil, "", err
	}
	return m, "", nil
}

// Wake asks for the send of a committed message.
func (a Automatic) Wake(ctx context.Context, m *store.Message) {
	if m.Status == store.MessageScheduled {
		a.S.wake(ctx, m.ID, m.SendAt, 0)
	}
}
