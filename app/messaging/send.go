package messaging

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/loyalty/backoffice/app/channel/email"
	"github.com/loyalty/backoffice/app/channel/sms"
	"github.com/loyalty/backoffice/app/store"
)

// Send is the worker's handler body for one wake-up of message id; lastTry says the queue will
// not retry it again. It is safe to run any number of times, concurrently too: only the run
// whose claim matches sends, and the claim never matches before send_at nor after a delete.
//
// It returns nil when the message was sent, blocked (no consent or address: recorded as failed
// with the reason), or had nothing to do; an error wrapping ErrPermanent when it failed for good
// (recorded); a *NotDueError for a wake-up far too early; any other error for a temporary
// failure after which the row is scheduled again and the queue should retry.
func (s *Service) Send(ctx context.Context, id int64, lastTry bool) error {
	m, err := s.claim(ctx, id)
	if err != nil || m == nil {
		return err
	}
	return s.deliver(ctx, m, lastTry)
}

// claim takes the message for this run, waiting in place if it woke up slightly early.
func (s *Service) claim(ctx context.Context, id int64) (*store.Message, error) {
	for range 3 {
		now := s.now()
		m, ok, err := s.Store.ClaimMessage(ctx, id, now)
		if err != nil || ok {
			return m, err
		}
		cur, err := s.Store.Message(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if cur.Status != store.MessageScheduled {
			return nil, nil // deleted, sent, failed, or another run holds it
		}
		wait := cur.SendAt.Sub(now)
		if wait > MaxEarlyWait {
			return nil, &NotDueError{At: cur.SendAt}
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
		}
	}
	return nil, nil // a row that stays scheduled but unclaimable: leave it to the reconciler
}

// deliver sends a claimed message and records the outcome. Whatever happens after the claim,
// the row leaves "sending": sent, failed, or scheduled again for a retry.
func (s *Service) deliver(ctx context.Context, m *store.Message, lastTry bool) error {
	cust, err := s.Store.Customer(ctx, m.CustomerID)
	var settings *store.Settings
	if err == nil {
		settings, err = s.Store.Settings(ctx)
	}
	if err != nil {
		s.finish(ctx, m, dbTrouble(m))
		return fmt.Errorf("messaging: message %d: load customer and settings: %w", m.ID, err)
	}
	o, err := s.attempt(ctx, m, cust, settings, lastTry)
	s.finish(ctx, m, o)
	return err
}

// dbTrouble is the outcome of an attempt that could not even load what it needs.
func dbTrouble(m *store.Message) store.Outcome {
	return store.Outcome{Status: store.MessageScheduled, Recipient: m.Recipient,
		LastError: fmt.Sprintf("Próba %d nieudana: błąd bazy danych. Ponowimy automatycznie.", m.Attempts)}
}

// attempt is one claimed attempt without the database: consent and address as they are now
// (a consent withdrawn while the message waited stops it), then the send. It returns the
// outcome to record and, for the queue, nil (sent or blocked), an error wrapping ErrPermanent
// (failed for good), or another error (temporary: the outcome puts the row back to scheduled).
func (s *Service) attempt(ctx context.Context, m *store.Message, cust *store.Customer, settings *store.Settings, lastTry bool) (store.Outcome, error) {
	if reason := Blocked(m.Channel, cust); reason != "" {
		s.log().Info("message blocked", "message", m.ID, "reason", reason)
		return store.Outcome{Status: store.MessageFailed, Recipient: m.Recipient, LastError: reason}, nil
	}
	recipient := recipientOf(m.Channel, cust)

	sendCtx, cancel := context.WithTimeout(ctx, SendTimeout)
	providerID, err := s.transmit(sendCtx, m, cust, settings, recipient)
	cancel()
	if err == nil {
		sentAt := s.now()
		return store.Outcome{Status: store.MessageSent, SentAt: &sentAt, Recipient: recipient, ProviderID: providerID}, nil
	}

	temporary, reason := failure(m.Channel, err)
	s.log().Warn("message not sent", "message", m.ID, "channel", m.Channel, "attempt", m.Attempts, "temporary", temporary, "err", err)
	switch {
	case !temporary:
		return store.Outcome{Status: store.MessageFailed, Recipient: recipient, LastError: reason},
			fmt.Errorf("messaging: message %d: %w: %w", m.ID, ErrPermanent, err)
	case lastTry || m.Attempts >= MaxAttempts:
		return store.Outcome{Status: store.MessageFailed, Recipient: recipient,
				LastError: fmt.Sprintf("Nie udało się wysłać po %d próbach: %s", m.Attempts, reason)},
			fmt.Errorf("messaging: message %d: gave up after %d attempts: %w: %w", m.ID, m.Attempts, ErrPermanent, err)
	default:
		return store.Outcome{Status: store.MessageScheduled, Recipient: recipient,
				LastError: fmt.Sprintf("Próba %d nieudana: %s. Ponowimy automatycznie.", m.Attempts, reason)},
			fmt.Errorf("messaging: message %d attempt %d: %w", m.ID, m.Attempts, err)
	}
}

// transmit hands the message to its channel's sender and returns the provider's id.
func (s *Service) transmit(ctx context.Context, m *store.Message, c *store.Customer, settings *store.Settings, to string) (string, error) {
	switch m.Channel {
	case store.ChannelEmail:
		if s.Email == nil {
			return "", &email.Error{Err: errors.New("no e-mail sender configured")}
		}
		from := settings.MailFrom
		if strings.TrimSpace(from) == "" {
			from = s.MailFrom
		}
		addr := (&mail.Address{Name: strings.TrimSpace(c.FirstName + " " + c.LastName), Address: to}).String()
		return "", s.Email.Send(ctx, email.Message{ID: m.ID, From: from, To: addr, Subject: m.Subject, HTML: SafeHTML(m.Body)})
	case store.ChannelSMS:
		if s.SMS == nil {
			return "", &sms.Error{Err: errors.New("no SMS sender configured")}
		}
		// SMSAPI gets our id as idx with check_idx: its retries can never text twice. A
		// Duplicate answer means an earlier attempt went out: the send is done, and the
		// delivery report will bring the gateway's id (matched by idx).
		res, err := s.SMS.Send(ctx, sms.Message{ID: m.ID, To: to, Body: m.Body, From: settings.SMSFrom})
		return res.ProviderID, err
	}
	return "", &email.Error{Err: fmt.Errorf("channel %q is not sent by the worker", m.Channel)}
}

// finish records an outcome even when ctx has ended (shutdown, timeout): a claimed row must not
// stay "sending" because the handler was told to stop.
func (s *Service) finish(ctx context.Context, m *store.Message, o store.Outcome) {
	fctx, cancel := detached(ctx, 10*time.Second)
	defer cancel()
	ok, err := s.Store.FinishMessage(fctx, m.ID, o, s.now())
	switch {
	case err != nil:
		// The row stays "sending"; after the lease the reconciler marks the outcome unknown.
		s.log().Error("message outcome not recorded", "message", m.ID, "status", o.Status, "err", err)
	case !ok:
		s.log().Warn("message claim expired before its outcome was recorded", "message", m.ID, "status", o.Status)
	}
}

// failure classifies a sender's error and says in Polish what went wrong.
func failure(channel string, err error) (temporary bool, reason string) {
	if channel == store.ChannelSMS {
		return sms.IsTemporary(err), smsReason(err)
	}
	return email.IsTemporary(err), emailReason(err)
}

func emailReason(err error) string {
	var e *email.Error
	if errors.As(err, &e) && e.Code != 0 {
		what := map[int]string{
			421: "serwer poczty jest chwilowo niedostępny",
			450: "skrzynka odbiorcy jest chwilowo niedostępna",
			451: "serwer poczty chwilowo nie przyjmuje wiadomości",
			452: "serwer poczty chwilowo nie ma miejsca",
			535: "serwer poczty odrzucił dane logowania",
			550: "adres odbiorcy nie istnieje lub nie przyjmuje poczty",
			551: "adres odbiorcy nie istnieje lub nie przyjmuje poczty",
			552: "skrzynka odbiorcy jest pełna",
			553: "adres odbiorcy jest nieprawidłowy",
			554: "serwer poczty odrzucił wiadomość",
		}[e.Code]
		if what == "" && e.Temporary {
			what = "serwer poczty chwilowo odrzucił wiadomość"
		} else if what == "" {
			what = "serwer poczty odrzucił wiadomość"
		}
		return fmt.Sprintf("Serwer poczty odpowiedział kodem %d: %s", e.Code, what)
	}
	if email.IsTemporary(err) {
		return "Brak połączenia z serwerem poczty"
	}
	return "Nie można wysłać wiadomości: nieprawidłowy adres e-mail, nadawca lub treść"
}

func smsReason(err error) string {
	var e *sms.Error
	code := ""
	if errors.As(err, &e) && e.Code != "" {
		code = " (kod " + e.Code + ")"
	}
	switch {
	case sms.IsTemporary(err) && code == "":
		return "Brak połączenia z bramką SMS"
	case sms.IsTemporary(err):
		return "Bramka SMS chwilowo nie przyjmuje wiadomości" + code
	case code == "":
		return "Nie można wysłać SMS-a: nieprawidłowy numer telefonu lub treść"
	default:
		return "Bramka SMS odrzuciła wiadomość" + code
	}
}
