package messaging

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loyalty/backoffice/app/channel/sms"
	"github.com/loyalty/backoffice/app/customer"
	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/store"
)

// Draft is a message to schedule.
type Draft struct {
	Channel       string // store.ChannelEmail, ChannelSMS or ChannelInternal
	Customer      *store.Customer
	Subject, Body string
	SendAt        time.Time // zero or past = now; ignored for internal messages (delivered at once)
	StaffID       *int64    // nil = automatic
	ScenarioRunID *int64
	ResendOfID    *int64
}

// sendAtLayouts are the datetime-local values browsers post, with or without seconds.
var sendAtLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006-01-02 15:04:05"}

// ParseSendAt reads a datetime-local value typed in loc (the display zone). Empty means now
// (the zero time). problem is the Polish message for the form when text is not a time.
func ParseSendAt(text string, loc *time.Location) (t time.Time, problem string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return time.Time{}, ""
	}
	for _, layout := range sendAtLayouts {
		if t, err := time.ParseInLocation(layout, text, loc); err == nil {
			return t.UTC(), ""
		}
	}
	return time.Time{}, "Podaj datę i godzinę wysłania w formacie RRRR-MM-DD GG:MM (lub zostaw puste, aby wysłać od razu)."
}

// Check validates a draft without saving anything: the fields, the planned time, and for
// e-mail and SMS the customer's consent and address.
func (s *Service) Check(ctx context.Context, d Draft) (Errors, error) {
	if d.Customer == nil {
		return nil, errors.New("messaging: draft without a customer")
	}
	errs := Errors{}
	subject, body := strings.TrimSpace(d.Subject), strings.TrimSpace(d.Body)
	switch d.Channel {
	case store.ChannelEmail, store.ChannelInternal:
		switch {
		case subject == "":
			errs["subject"] = "Podaj tytuł wiadomości."
		case utf8.RuneCountInString(subject) > MaxSubject:
			errs["subject"] = fmt.Sprintf("Tytuł może mieć najwyżej %d znaków (ma %d).", MaxSubject, utf8.RuneCountInString(subject))
		}
		switch {
		case body == "":
			errs["body"] = "Wpisz treść wiadomości."
		case utf8.RuneCountInString(d.Body) > MaxBody:
			errs["body"] = fmt.Sprintf("Treść może mieć najwyżej %s znaków.", format.Int(MaxBody))
		}
	case store.ChannelSMS:
		if body == "" {
			errs["body"] = "Wpisz treść SMS-a."
		} else if enc, chars, parts := sms.Segments(d.Body); parts > MaxSMSParts {
			errs["body"] = fmt.Sprintf("SMS może mieć najwyżej %d części; ta treść to %d części (%d znaków, kodowanie %s).", MaxSMSParts, parts, chars, enc)
		}
	default:
		return nil, fmt.Errorf("messaging: unknown channel %q", d.Channel)
	}
	if d.Channel != store.ChannelInternal && d.SendAt.After(s.now().AddDate(1, 0, 0)) {
		errs["send_at"] = "Wysyłkę można zaplanować najwyżej rok naprzód."
	}
	if reason := Blocked(d.Channel, d.Customer); reason != "" {
		errs["consent"] = reason + ". Wiadomość nie została zaplanowana."
	}
	return errs, nil
}

// Blocked says in Polish why the customer cannot get a message on this channel now (no
// consent, no address), or "" when nothing stands in the way.
func Blocked(channel string, c *store.Customer) string {
	switch channel {
	case store.ChannelEmail:
		if c.ConsentEmail != string(customer.ConsentGranted) {
			return "Brak zgody na e-mail (" + consentWord(c.ConsentEmail) + ")"
		}
		if strings.TrimSpace(c.Email) == "" {
			return "Brak adresu e-mail klienta"
		}
	case store.ChannelSMS:
		if c.ConsentSMS != string(customer.ConsentGranted) {
			return "Brak zgody na SMS (" + consentWord(c.ConsentSMS) + ")"
		}
		if strings.TrimSpace(c.Phone) == "" {
			return "Brak numeru telefonu klienta"
		}
	}
	return ""
}

func consentWord(status string) string {
	switch customer.ConsentStatus(status) {
	case customer.ConsentWithdrawn:
		return "zgoda wycofana"
	case customer.ConsentRefused:
		return "zgoda niewyrażona"
	default:
		return "zgoda nieustalona"
	}
}

// recipientOf is the customer's current address on a channel.
func recipientOf(channel string, c *store.Customer) string {
	switch channel {
	case store.ChannelEmail:
		return strings.TrimSpace(c.Email)
	case store.ChannelSMS:
		return strings.TrimSpace(c.Phone)
	}
	return ""
}

// Schedule validates d, inserts the message and asks for a wake-up at its time. The row is
// committed before the wake-up is asked for (the outbox rule): if Redis is down the message
// still exists and the reconciler queues it later, so a failed enqueue is only logged. An
// internal message is delivered at once (status unread) and needs no worker.
func (s *Service) Schedule(ctx context.Context, d Draft) (*store.Message, Errors, error) {
	errs, err := s.Check(ctx, d)
	if err != nil || len(errs) > 0 {
		return nil, errs, err
	}
	m := s.newMessage(d)
	if err := s.Store.InsertMessage(ctx, m); err != nil {
		return nil, nil, err
	}
	if m.Status == store.MessageScheduled {
		s.wakeFirst(ctx, m.ID, m.SendAt)
	}
	return m, nil, nil
}

// newMessage is the row a checked draft becomes: scheduled at send_at (empty or past: now),
// or, for an internal message, delivered now and unread.
func (s *Service) newMessage(d Draft) *store.Message {
	now := s.now()
	at := d.SendAt.UTC().Truncate(time.Microsecond)
	if at.Before(now) {
		at = now
	}
	m := &store.Message{Channel: d.Channel, CustomerID: d.Customer.ID, Recipient: recipientOf(d.Channel, d.Customer),
		Subject: strings.TrimSpace(d.Subject), Body: d.Body, SendAt: at, Status: store.MessageScheduled,
		StaffUserID: d.StaffID, ScenarioRunID: d.ScenarioRunID, ResendOfID: d.ResendOfID, CreatedAt: now, UpdatedAt: now}
	switch d.Channel {
	case store.ChannelSMS:
		m.Subject = ""
	case store.ChannelInternal:
		m.SendAt, m.SentAt, m.Status = now, &now, store.MessageUnread
	}
	return m
}

// wakeFirst asks for the first attempt of a saved message: its second's drain, or its own
// wake-up when that drain is already running (it may have looked for due messages before this
// one was committed).
func (s *Service) wakeFirst(ctx context.Context, id int64, at time.Time) {
	s.toQueue(ctx, "message saved, wake-up not queued", id, func(ctx context.Context, q Enqueuer) error {
		running, err := q.WakeDue(ctx, at)
		if err == nil && running {
			err = q.Enqueue(ctx, id, at, 0)
		}
		return err
	})
}

// wakeDrain asks for a drain at `at` for whatever is due by then.
func (s *Service) wakeDrain(ctx context.Context, at time.Time) {
	s.toQueue(ctx, "drain wake-up not queued", 0, func(ctx context.Context, q Enqueuer) error {
		_, err := q.WakeDue(ctx, at)
		return err
	})
}

// wake asks for one message's own wake-up (a retry).
func (s *Service) wake(ctx context.Context, id int64, at time.Time, attempt int) {
	s.toQueue(ctx, "retry wake-up not queued", id, func(ctx context.Context, q Enqueuer) error {
		return q.Enqueue(ctx, id, at, attempt)
	})
}

// toQueue runs ask against the Enqueuer, if there is one, with a short deadline that outlives
// the caller's context (the row is committed: the wake-up must be asked for). A failure is
// logged, never returned: the reconciler asks again.
func (s *Service) toQueue(ctx context.Context, failed string, id int64, ask func(context.Context, Enqueuer) error) {
	if s.Enqueuer == nil {
		return
	}
	ctx, cancel := detached(ctx, 3*time.Second)
	defer cancel()
	if err := ask(ctx, s.Enqueuer); err != nil {
		s.log().Warn(failed+" (the reconciler will queue it)", "message", id, "err", err)
	}
}

// Resend schedules, for now, a new message with the subject and body of message id; the new
// row points to the old one (resend_of_id). It goes to the customer's current address and
// needs the consent as it is now: resending is a new sending.
func (s *Service) Resend(ctx context.Context, c *store.Customer, channel string, id int64, staffID *int64) (*store.Message, Errors, error) {
	orig, err := s.Store.CustomerMessage(ctx, c.ID, channel, id)
	if err != nil {
		return nil, nil, err
	}
	if channel == store.ChannelInternal {
		return nil, nil, fmt.Errorf("messaging: internal message %d cannot be resent", id)
	}
	return s.Schedule(ctx, Draft{Channel: channel, Customer: c, Subject: orig.Subject, Body: orig.Body, StaffID: staffID, ResendOfID: &orig.ID})
}

// Delete removes a message that is still waiting: one conditional UPDATE (status scheduled →
// deleted) and an audit row in one transaction. The worker's claim matches only scheduled rows,
// so a deleted message can never leave. ErrNotFound for a message that is not the customer's;
// ErrNotPending when it was already sent or is being sent.
func (s *Service) Delete(ctx context.Context, customerID int64, channel string, id int64, staffID *int64) error {
	var m *store.Message
	err := s.Store.WithTx(ctx, func(tx *store.Store) error {
		ok, err := tx.DeleteScheduledMessage(ctx, customerID, channel, id, s.now())
		if err != nil {
			return err
		}
		// Read after the update: on a miss this is the state that beat us (sent, or claimed
		// by a worker a moment ago); on a hit, the subject and attempts for the audit.
		if m, err = tx.Message(ctx, id); err != nil {
			return err
		}
		if m.CustomerID != customerID || m.Channel != channel || m.Status == store.MessageDeleted && !ok {
			return fmt.Errorf("messaging: delete message %d of customer %d: %w", id, customerID, ErrNotFound)
		}
		if !ok {
			return fmt.Errorf("messaging: delete message %d: %w", id, &NotPendingError{Status: m.Status})
		}
		what := map[string]string{store.ChannelEmail: "e-mail", store.ChannelSMS: "SMS"}[channel]
		detail := "Usunięto zaplanowaną wiadomość " + what + " nr " + strconv.FormatInt(id, 10)
		if m.Subject != "" {
			detail += " „" + m.Subject + "”"
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffUserID: staffID, CustomerID: &customerID, Action: "message.delete", Detail: clip(detail, 1000)})
	})
	if err != nil {
		return err
	}
	if s.Enqueuer != nil {
		fctx, cancel := detached(ctx, 3*time.Second)
		defer cancel()
		s.Enqueuer.Forget(fctx, id, m.Attempts)
	}
	return nil
}

// MarkRead records that the customer opened an internal message (the first time only) and
// returns it.
func (s *Service) MarkRead(ctx context.Context, customerID, id int64) (*store.Message, error) {
	if _, err := s.Store.MarkMessageRead(ctx, customerID, id, s.now()); err != nil {
		return nil, err
	}
	return s.Store.CustomerMessage(ctx, customerID, store.ChannelInternal, id)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
