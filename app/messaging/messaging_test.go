package messaging_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loyalty/backoffice/app/channel/email"
	"github.com/loyalty/backoffice/app/channel/sms"
	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/messaging/messagingtest"
	"github.com/loyalty/backoffice/app/store"
	"github.com/loyalty/backoffice/app/store/storetest"
)

const mailFrom = "Program lojalnościowy <punkty@sklep.example.pl>"

var warsaw = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		panic(err)
	}
	return loc
}()

type env struct {
	st   *store.Store
	smtp *messagingtest.SMTP
	enq  *messagingtest.Enqueuer
	sms  *sms.Fake
	svc  *messaging.Service
}

func newEnv(t *testing.T, backend string) *env {
	t.Helper()
	e := &env{st: storetest.Open(t, backend), smtp: messagingtest.StartSMTP(t), enq: &messagingtest.Enqueuer{}, sms: &sms.Fake{}}
	e.svc = &messaging.Service{Store: e.st, Enqueuer: e.enq, Email: e.smtp.Sender(), SMS: e.sms, MailFrom: mailFrom, Loc: warsaw}
	return e
}

func eachBackend(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) { fn(t, newEnv(t, b)) })
	}
}

func msgID(id int64) string { return messagingtest.MessageID(id, "sklep.example.pl") }

func (e *env) schedule(t *testing.T, d messaging.Draft) *store.Message {
	t.Helper()
	m, errs, err := e.svc.Schedule(context.Background(), d)
	if err != nil || len(errs) > 0 {
		t.Fatalf("schedule: %v %v", err, errs)
	}
	return m
}

func (e *env) reload(t *testing.T, id int64) *store.Message {
	t.Helper()
	m, err := e.st.Message(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (e *env) countMessages(t *testing.T) int {
	t.Helper()
	n, err := e.st.DB().NewSelect().Model((*store.Message)(nil)).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// Every rule of the form: each refusal names the field, and nothing is stored or queued.
func TestScheduleValidation(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ok := messagingtest.Customer(t, e.st)
		refused := messagingtest.Customer(t, e.st, func(c *store.Customer) { c.ConsentEmail = "refused"; c.ConsentSMS = "withdrawn" })
		noAddress := messagingtest.Customer(t, e.st, func(c *store.Customer) { c.Email = ""; c.Phone = "" })
		long := strings.Repeat("x", 1531) // 11 GSM-7 parts
		tests := []struct {
			name  string
			d     messaging.Draft
			field string
			want  string
		}{
			{"no subject", messaging.Draft{Channel: store.ChannelEmail, Customer: ok, Body: "x"}, "subject", "Podaj tytuł"},
			{"long subject", messaging.Draft{Channel: store.ChannelEmail, Customer: ok, Subject: strings.Repeat("ż", 301), Body: "x"}, "subject", "najwyżej 300"},
			{"no body", messaging.Draft{Channel: store.ChannelEmail, Customer: ok, Subject: "x", Body: "  "}, "body", "Wpisz treść"},
			{"huge body", messaging.Draft{Channel: store.ChannelEmail, Customer: ok, Subject: "x", Body: strings.Repeat("a", 100001)}, "body", "najwyżej"},
			{"too far ahead", messaging.Draft{Channel: store.ChannelEmail, Customer: ok, Subject: "x", Body: "x", SendAt: time.Now().AddDate(1, 0, 2)}, "send_at", "rok naprzód"},
			{"sms too long", messaging.Draft{Channel: store.ChannelSMS, Customer: ok, Body: long}, "body", "11 części"},
			{"e-mail refused", messaging.Draft{Channel: store.ChannelEmail, Customer: refused, Subject: "x", Body: "x"}, "consent", "Brak zgody na e-mail (zgoda niewyrażona)"},
			{"sms withdrawn", messaging.Draft{Channel: store.ChannelSMS, Customer: refused, Body: "x"}, "consent", "Brak zgody na SMS (zgoda wycofana)"},
			{"no e-mail address", messaging.Draft{Channel: store.ChannelEmail, Customer: noAddress, Subject: "x", Body: "x"}, "consent", "Brak adresu e-mail"},
			{"no phone", messaging.Draft{Channel: store.ChannelSMS, Customer: noAddress, Body: "x"}, "consent", "Brak numeru telefonu"},
			{"internal without subject", messaging.Draft{Channel: store.ChannelInternal, Customer: ok, Body: "x"}, "subject", "Podaj tytuł"},
		}
		for _, tc := range tests {
			m, errs, err := e.svc.Schedule(ctx, tc.d)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if m != nil || !strings.Contains(errs[tc.field], tc.want) {
				t.Errorf("%s: message %v, errors %v; want %s ~ %q", tc.name, m, errs, tc.field, tc.want)
			}
		}
		if n := e.countMessages(t); n != 0 {
			t.Errorf("%d messages stored by refused drafts", n)
		}
		if w, d := e.enq.Recorded(), e.enq.RecordedDrains(); len(w)+len(d) != 0 {
			t.Errorf("refused drafts queued %v %v", w, d)
		}
		// 10 parts exactly is fine; a past time means now; the wake-up is asked for at send_at.
		before := store.Now()
		m := e.schedule(t, messaging.Draft{Channel: store.ChannelSMS, Customer: ok, Body: strings.Repeat("x", 1530), SendAt: time.Now().Add(-time.Hour)})
		if m.SendAt.Before(before) || m.Status != store.MessageScheduled || m.Recipient != ok.Phone {
			t.Errorf("past send_at: %+v", m)
		}
		// The first attempt goes to its second's drain; a message of its own only when
		// that drain is already running.
		if d := e.enq.RecordedDrains(); len(d) != 1 || !d[0].Equal(m.SendAt.Truncate(time.Second)) || len(e.enq.Recorded()) != 0 {
			t.Errorf("drain wake-ups %v, own %v", d, e.enq.Recorded())
		}
		e.enq.Running = true
		m2 := e.schedule(t, messaging.Draft{Channel: store.ChannelSMS, Customer: ok, Body: "Druga"})
		if w := e.enq.Recorded(); len(w) != 1 || w[0].ID != m2.ID || !w[0].At.Equal(m2.SendAt) || w[0].Attempt != 0 {
			t.Errorf("wake-ups beside a running drain %v", w)
		}
		e.enq.Running = false
		// An internal message is delivered at once, unread, and needs no worker.
		in := e.schedule(t, messaging.Draft{Channel: store.ChannelInternal, Customer: refused, Subject: "Nowa nagroda", Body: "Sprawdź katalog"})
		if in.Status != store.MessageUnread || in.SentAt == nil || len(e.enq.Recorded()) != 1 || len(e.enq.RecordedDrains()) != 2 {
			t.Errorf("internal: %+v, wake-ups %v %v", in, e.enq.Recorded(), e.enq.RecordedDrains())
		}
	})
}

func TestParseSendAt(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2026-12-05T10:30", "2026-12-05T09:30:00Z"},    // CET = UTC+1
		{"2026-12-05T10:30:15", "2026-12-05T09:30:15Z"}, // seconds allowed
		{"2026-07-05T10:30", "2026-07-05T08:30:00Z"},    // CEST = UTC+2
		{" 2026-07-05 10:30 ", "2026-07-05T08:30:00Z"},
	} {
		got, problem := messaging.ParseSendAt(tc.in, warsaw)
		if problem != "" || got.Format(time.RFC3339) != tc.want {
			t.Errorf("%q: %v %q, want %s", tc.in, got, problem, tc.want)
		}
	}
	if got, problem := messaging.ParseSendAt("", warsaw); !got.IsZero() || problem != "" {
		t.Errorf("empty: %v %q", got, problem)
	}
	for _, bad := range []string{"jutro", "2026-13-01T10:00", "05.12.2026 10:30", "2026-12-05"} {
		if _, problem := messaging.ParseSendAt(bad, warsaw); !strings.Contains(problem, "RRRR-MM-DD") {
			t.Errorf("%q accepted (%q)", bad, problem)
		}
	}
}

// A due e-mail goes through the real SMTP server once, with the deterministic Message-ID, and
// the row records sent_at (not before send_at) and the address it went to.
func TestSendThroughSMTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		m := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Zażółć gęślą jaźń", Body: "<p>Masz <b>120</b> punktów</p><script>alert(1)</script>"})
		if err := e.svc.Send(ctx, m.ID, false); err != nil {
			t.Fatal(err)
		}
		got := e.reload(t, m.ID)
		if got.Status != store.MessageSent || got.SentAt == nil || got.SentAt.Before(got.SendAt) || got.Attempts != 1 || got.LastError != "" {
			t.Fatalf("row after send: %+v", got)
		}
		mails := e.smtp.Received()
		if len(mails) != 1 || mails[0].MessageID != msgID(m.ID) || mails[0].Subject != "Zażółć gęślą jaźń" || mails[0].To[0] != c.Email {
			t.Fatalf("server got %+v", mails)
		}
		if strings.Contains(string(mails[0].Data), "<script") || !strings.Contains(string(mails[0].Data), "<b>120</b>") {
			t.Errorf("sent HTML not sanitised:\n%s", mails[0].Data)
		}
		// A second wake-up of a sent message does nothing.
		if err := e.svc.Send(ctx, m.ID, false); err != nil || len(e.smtp.Received()) != 1 {
			t.Errorf("second wake-up: %v, %d mails", err, len(e.smtp.Received()))
		}
	})
}

// 421 and 451 are temporary: the row goes back to scheduled with a Polish reason and the
// next attempt sends it. 550 is permanent: failed with the reason, ErrPermanent, no retry.
func TestSendTemporaryAndPermanentSMTPFailures(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		e.smtp.FailNext(c.Email, 421, 451)
		m := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Retry", Body: "x"})
		for attempt, code := range []string{"421", "451"} {
			err := e.svc.Send(ctx, m.ID, false)
			if err == nil || errors.Is(err, messaging.ErrPermanent) {
				t.Fatalf("attempt %d: %v, want a temporary error", attempt+1, err)
			}
			got := e.reload(t, m.ID)
			if got.Status != store.MessageScheduled || got.Attempts != attempt+1 || !strings.Contains(got.LastError, code) || !strings.Contains(got.LastError, "Ponowimy") {
				t.Fatalf("after %s: %+v", code, got)
			}
		}
		if err := e.svc.Send(ctx, m.ID, false); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, m.ID); got.Status != store.MessageSent || got.Attempts != 3 || got.LastError != "" || e.smtp.Count(msgID(m.ID)) != 1 {
			t.Fatalf("after the third attempt: %+v, %d mails", got, e.smtp.Count(msgID(m.ID)))
		}

		bad := messagingtest.Customer(t, e.st)
		e.smtp.FailNext(bad.Email, 550)
		m2 := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: bad, Subject: "Nie ma", Body: "x"})
		err := e.svc.Send(ctx, m2.ID, false)
		if !errors.Is(err, messaging.ErrPermanent) {
			t.Fatalf("550: %v, want ErrPermanent", err)
		}
		got := e.reload(t, m2.ID)
		if got.Status != store.MessageFailed || !strings.Contains(got.LastError, "550") || !strings.Contains(got.LastError, "adres odbiorcy nie istnieje") {
			t.Fatalf("550 row: %+v", got)
		}
		if err := e.svc.Send(ctx, m2.ID, false); err != nil || e.smtp.Attempts(bad.Email) != 1 {
			t.Errorf("a failed message was tried again: %v, %d attempts", err, e.smtp.Attempts(bad.Email))
		}

		// The last try of a temporary failure is final.
		last := messagingtest.Customer(t, e.st)
		e.smtp.FailNext(last.Email, 421)
		m3 := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: last, Subject: "Ostatnia", Body: "x"})
		if err := e.svc.Send(ctx, m3.ID, true); !errors.Is(err, messaging.ErrPermanent) {
			t.Fatalf("last try: %v", err)
		}
		if got := e.reload(t, m3.ID); got.Status != store.MessageFailed || !strings.HasPrefix(got.LastError, "Nie udało się wysłać po 1 próbach") {
			t.Errorf("last try row: %+v", got)
		}
	})
}

// Consent withdrawn (or the address removed) after scheduling: the worker does not send and
// the row says why, in Polish.
func TestConsentWithdrawnAfterScheduling(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		mail := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Promocja", Body: "x"})
		text := e.schedule(t, messaging.Draft{Channel: store.ChannelSMS, Customer: c, Body: "Promocja"})
		c.ConsentEmail, c.ConsentSMS = "withdrawn", "withdrawn"
		if err := e.st.UpdateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		for _, m := range []*store.Message{mail, text} {
			if err := e.svc.Send(ctx, m.ID, false); err != nil {
				t.Fatal(err)
			}
		}
		if got := e.reload(t, mail.ID); got.Status != store.MessageFailed || got.LastError != "Brak zgody na e-mail (zgoda wycofana)" || got.SentAt != nil {
			t.Errorf("e-mail: %+v", got)
		}
		if got := e.reload(t, text.ID); got.Status != store.MessageFailed || got.LastError != "Brak zgody na SMS (zgoda wycofana)" {
			t.Errorf("SMS: %+v", got)
		}
		if len(e.smtp.Received()) != 0 || len(e.sms.Sent()) != 0 {
			t.Errorf("sent without consent: %d e-mails, %d SMS", len(e.smtp.Received()), len(e.sms.Sent()))
		}

		// The address removed while it waited.
		c2 := messagingtest.Customer(t, e.st)
		m := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c2, Subject: "x", Body: "x"})
		c2.Email = ""
		if err := e.st.UpdateCustomer(ctx, c2); err != nil {
			t.Fatal(err)
		}
		_ = e.svc.Send(ctx, m.ID, false)
		if got := e.reload(t, m.ID); got.Status != store.MessageFailed || got.LastError != "Brak adresu e-mail klienta" {
			t.Errorf("no address: %+v", got)
		}
	})
}

// Delete races the worker's claim, 300 times for each way a message is claimed (its own
// wake-up, a drain): every message ends either deleted and never sent, or sent exactly once
// with the delete refused. Never both.
func TestDeleteRacesClaim(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		claimers := map[string]func(id int64) error{
			"own wake-up": func(id int64) error { return e.svc.Send(ctx, id, false) },
			"drain":       func(int64) error { return e.svc.SendDue(ctx, time.Now()) },
		}
		for name, claim := range claimers {
			var deleted, sent int
			for i := range 300 {
				m := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Wyścig " + strconv.Itoa(i), Body: "x"})
				start := make(chan struct{})
				var delErr, sendErr error
				var wg sync.WaitGroup
				wg.Add(2)
				go func() { defer wg.Done(); <-start; delErr = e.svc.Delete(ctx, c.ID, store.ChannelEmail, m.ID, nil) }()
				go func() { defer wg.Done(); <-start; sendErr = claim(m.ID) }()
				close(start)
				wg.Wait()
				if sendErr != nil {
					t.Fatalf("%s, trial %d: send: %v", name, i, sendErr)
				}
				got := e.reload(t, m.ID)
				n := e.smtp.Count(msgID(m.ID))
				switch {
				case delErr == nil && got.Status == store.MessageDeleted && n == 0:
					deleted++
				case errors.Is(delErr, messaging.ErrNotPending) && got.Status == store.MessageSent && n == 1:
					sent++
				default:
					t.Fatalf("%s, trial %d: delete %v, row %s, %d mails", name, i, delErr, got.Status, n)
				}
			}
			t.Logf("%s, 300 trials: %d deleted first, %d sent first", name, deleted, sent)
		}
	})
}

// The same message's wake-up run by eight handlers at once is sent exactly once.
func TestConcurrentSendsSendOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		for i := range 30 {
			m := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Raz " + strconv.Itoa(i), Body: "x"})
			start := make(chan struct{})
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for k := range errs {
				wg.Add(1)
				go func() { defer wg.Done(); <-start; errs[k] = e.svc.Send(ctx, m.ID, false) }()
			}
			close(start)
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			if n := e.smtp.Count(msgID(m.ID)); n != 1 {
				t.Fatalf("message %d sent %d times", m.ID, n)
			}
			if got := e.reload(t, m.ID); got.Status != store.MessageSent || got.Attempts != 1 {
				t.Fatalf("row: %+v", got)
			}
		}
	})
}

// A wake-up slightly early waits for send_at in place; one far too early sends nothing and
// asks to be retried at send_at.
func TestEarlyWakeUp(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		at := time.Now().Add(1500 * time.Millisecond)
		m := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Za chwilę", Body: "x", SendAt: at})
		if err := e.svc.Send(ctx, m.ID, false); err != nil {
			t.Fatal(err)
		}
		got := e.reload(t, m.ID)
		mails := e.smtp.Received()
		if got.Status != store.MessageSent || got.SentAt.Before(got.SendAt) || len(mails) != 1 || mails[0].At.Before(got.SendAt) {
			t.Fatalf("row %+v, mails %v", got, mails)
		}

		later := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Później", Body: "x", SendAt: time.Now().Add(time.Minute)})
		var nd *messaging.NotDueError
		if err := e.svc.Send(ctx, later.ID, false); !errors.As(err, &nd) || !nd.At.Equal(later.SendAt) {
			t.Fatalf("far too early: %v", err)
		}
		if got := e.reload(t, later.ID); got.Status != store.MessageScheduled || got.Attempts != 0 || len(e.smtp.Received()) != 1 {
			t.Errorf("far too early changed something: %+v", got)
		}
	})
}

// Delete: only a waiting message, with an audit row; 409 (ErrNotPending) for a sent one; 404
// (ErrNotFound) for a message of another customer or channel.
func TestDelete(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		other := messagingtest.Customer(t, e.st)
		m := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Do usunięcia", Body: "x", SendAt: time.Now().Add(time.Hour)})
		if err := e.svc.Delete(ctx, other.ID, store.ChannelEmail, m.ID, nil); !errors.Is(err, messaging.ErrNotFound) {
			t.Errorf("other customer's delete: %v", err)
		}
		if err := e.svc.Delete(ctx, c.ID, store.ChannelSMS, m.ID, nil); !errors.Is(err, messaging.ErrNotFound) {
			t.Errorf("wrong channel: %v", err)
		}
		if err := e.svc.Delete(ctx, c.ID, store.ChannelEmail, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, m.ID); got.Status != store.MessageDeleted {
			t.Errorf("status %s", got.Status)
		}
		if err := e.svc.Delete(ctx, c.ID, store.ChannelEmail, m.ID, nil); !errors.Is(err, messaging.ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}
		if len(e.enq.Forgot) != 1 || e.enq.Forgot[0] != m.ID {
			t.Errorf("queue not told: %v", e.enq.Forgot)
		}
		var audit []store.AuditEntry
		if err := e.st.DB().NewSelect().Model(&audit).Where("customer_id = ?", c.ID).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if len(audit) != 1 || audit[0].Action != "message.delete" || !strings.Contains(audit[0].Detail, "Do usunięcia") {
			t.Errorf("audit %+v", audit)
		}
		// Sent: refused, and the error says what it is now.
		s := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Wysłana", Body: "x"})
		if err := e.svc.Send(ctx, s.ID, false); err != nil {
			t.Fatal(err)
		}
		err := e.svc.Delete(ctx, c.ID, store.ChannelEmail, s.ID, nil)
		var np *messaging.NotPendingError
		if !errors.Is(err, messaging.ErrNotPending) || !errors.As(err, &np) || np.Status != store.MessageSent {
			t.Errorf("delete sent: %v", err)
		}
		if e.reload(t, s.ID).Status != store.MessageSent {
			t.Error("refused delete changed the row")
		}
		// A deleted message's late wake-up finds nothing.
		if err := e.svc.Send(ctx, m.ID, false); err != nil || e.smtp.Count(msgID(m.ID)) != 0 {
			t.Errorf("deleted message sent: %v", err)
		}
	})
}

// Resend makes a new row (resend_of_id) with the same subject and body, due now, to the
// customer's address as it is at resend time.
func TestResend(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		orig := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Kupon", Body: "<p>Kod: ABC</p>"})
		if err := e.svc.Send(ctx, orig.ID, false); err != nil {
			t.Fatal(err)
		}
		c.Email = "nowy.adres@example.pl"
		if err := e.st.UpdateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		ola := &store.Staff{Login: "ola", Name: "Ola", PasswordHash: "x", Role: store.RoleOperator, Active: true, CreatedAt: store.Now()}
		if err := e.st.InsertStaff(ctx, ola); err != nil {
			t.Fatal(err)
		}
		staff := ola.ID
		again, errs, err := e.svc.Resend(ctx, c, store.ChannelEmail, orig.ID, &staff)
		if err != nil || len(errs) > 0 {
			t.Fatal(err, errs)
		}
		if again.ID == orig.ID || again.ResendOfID == nil || *again.ResendOfID != orig.ID || again.Subject != "Kupon" || again.Body != orig.Body ||
			again.Recipient != "nowy.adres@example.pl" || again.Status != store.MessageScheduled || *again.StaffUserID != staff {
			t.Fatalf("resent row %+v", again)
		}
		if err := e.svc.Send(ctx, again.ID, false); err != nil {
			t.Fatal(err)
		}
		if mails := e.smtp.Received(); len(mails) != 2 || mails[1].To[0] != "nowy.adres@example.pl" || mails[1].MessageID != msgID(again.ID) {
			t.Fatalf("mails %+v", mails)
		}
		if _, _, err := e.svc.Resend(ctx, messagingtest.Customer(t, e.st), store.ChannelEmail, orig.ID, nil); !errors.Is(err, messaging.ErrNotFound) {
			t.Errorf("resend of another customer's message: %v", err)
		}
		c.ConsentEmail = "withdrawn"
		if err := e.st.UpdateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		if m, errs, err := e.svc.Resend(ctx, c, store.ChannelEmail, orig.ID, nil); err != nil || m != nil || !strings.Contains(errs["consent"], "zgoda wycofana") {
			t.Errorf("resend without consent: %v %v %v", m, errs, err)
		}
	})
}

// Reconcile: claims past the lease fail with "outcome unknown"; due (and nearly due) scheduled
// rows are queued again; a row waiting for the queue's own retry is left to it until the retry
// has clearly been lost.
func TestReconcile(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		now := store.Now()
		insert := func(status string, sendAt time.Time, attempts int, updated time.Time) int64 {
			m := &store.Message{Channel: store.ChannelEmail, CustomerID: c.ID, Recipient: c.Email, Subject: "x", Body: "x", SendAt: sendAt,
				Status: status, Attempts: attempts, CreatedAt: updated, UpdatedAt: updated}
			if err := e.st.InsertMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
		stale := insert(store.MessageSending, now.Add(-time.Hour), 1, now.Add(-3*time.Minute))
		fresh := insert(store.MessageSending, now.Add(-time.Minute), 1, now.Add(-10*time.Second))
		due := insert(store.MessageScheduled, now.Add(-time.Hour), 0, now.Add(-time.Hour))
		soon := insert(store.MessageScheduled, now.Add(30*time.Second), 0, now)
		later := insert(store.MessageScheduled, now.Add(time.Hour), 0, now)
		retrying := insert(store.MessageScheduled, now.Add(-time.Minute), 2, now.Add(-20*time.Second))
		lostRetry := insert(store.MessageScheduled, now.Add(-time.Hour), 3, now.Add(-10*time.Minute))

		rep, err := e.svc.Reconcile(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, stale); got.Status != store.MessageFailed || got.LastError != messaging.ReasonUnknown {
			t.Errorf("stale claim: %+v", got)
		}
		if got := e.reload(t, fresh); got.Status != store.MessageSending {
			t.Errorf("fresh claim: %s", got.Status)
		}
		// First attempts: a drain now (for what is due) and one in soon's second; the lost
		// retry gets its own wake-up back.
		woken := map[int64]int{}
		for _, w := range e.enq.Recorded() {
			woken[w.ID] = w.Attempt
		}
		drains := e.enq.RecordedDrains()
		if len(drains) != 2 || drains[0].Before(now.Truncate(time.Second)) || drains[0].After(time.Now()) ||
			!drains[1].Equal(e.reload(t, soon).SendAt.Truncate(time.Second)) {
			t.Errorf("drains %v (now %v, soon %v)", drains, now, e.reload(t, soon).SendAt)
		}
		_ = due
		want := map[int64]int{lostRetry: 3}
		if len(woken) != len(want) || rep.Enqueued != 3 || rep.Expired != 1 {
			t.Errorf("woken %v (report %+v), want %v", woken, rep, want)
		}
		for id, a := range want {
			if got, ok := woken[id]; !ok || got != a {
				t.Errorf("message %d: woken %v attempt %d, want attempt %d", id, ok, got, a)
			}
		}
		_, _ = later, retrying

		// Redis down: the error is reported, nothing changes.
		e.enq.Err = errors.New("connection refused")
		if _, err := e.svc.Reconcile(ctx); err == nil {
			t.Error("reconcile hid the queue's failure")
		}
	})
}

// Internal messages: the first reading sets read_at, later ones keep it.
func TestMarkReadOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		m := e.schedule(t, messaging.Draft{Channel: store.ChannelInternal, Customer: c, Subject: "Witamy", Body: "Dzień dobry"})
		first, err := e.svc.MarkRead(ctx, c.ID, m.ID)
		if err != nil || first.Status != store.MessageRead || first.ReadAt == nil {
			t.Fatalf("first read: %+v %v", first, err)
		}
		time.Sleep(5 * time.Millisecond)
		second, err := e.svc.MarkRead(ctx, c.ID, m.ID)
		if err != nil || !second.ReadAt.Equal(*first.ReadAt) {
			t.Fatalf("second read moved read_at: %v -> %v (%v)", first.ReadAt, second.ReadAt, err)
		}
		if _, err := e.svc.MarkRead(ctx, messagingtest.Customer(t, e.st).ID, m.ID); !errors.Is(err, messaging.ErrNotFound) {
			t.Errorf("another customer read it: %v", err)
		}
	})
}

// SMS through a local fake of SMSAPI's HTTP API: idx = our id with check_idx; the provider's id
// is stored; its delivery reports turn a message failed (with the reason) or keep it sent; a
// "duplicate" answer (error 53) counts as sent and its report is matched by idx.
func TestSMSThroughSMSAPIAndReports(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var mu sync.Mutex
		var posts []url.Values
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			mu.Lock()
			posts = append(posts, r.PostForm)
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			if r.PostForm.Get("to") == "48600999999" {
				_, _ = w.Write([]byte(`{"error":53,"message":"Not unique idx"}`))
				return
			}
			_, _ = w.Write([]byte(`{"count":1,"list":[{"id":"SMSAPI-` + r.PostForm.Get("idx") + `","points":0.16,"number":"` + r.PostForm.Get("to") + `","status":"QUEUE"}]}`))
		}))
		defer api.Close()
		e.svc.SMS = &sms.SMSAPI{Token: "t", BaseURL: api.URL, HTTP: api.Client()}
		c := messagingtest.Customer(t, e.st)
		a := e.schedule(t, messaging.Draft{Channel: store.ChannelSMS, Customer: c, Body: "Masz 100 pkt"})
		b := e.schedule(t, messaging.Draft{Channel: store.ChannelSMS, Customer: c, Body: "Drugi"})
		for _, m := range []*store.Message{a, b} {
			if err := e.svc.Send(ctx, m.ID, false); err != nil {
				t.Fatal(err)
			}
		}
		if len(posts) != 2 || posts[0].Get("idx") != strconv.FormatInt(a.ID, 10) || posts[0].Get("check_idx") != "1" || posts[0].Get("to") != "48600100200" {
			t.Fatalf("posts %v", posts)
		}
		if got := e.reload(t, a.ID); got.Status != store.MessageSent || got.ProviderID != "SMSAPI-"+strconv.FormatInt(a.ID, 10) {
			t.Fatalf("a: %+v", got)
		}
		reports, err := sms.ParseSMSAPICallback(url.Values{"MsgId": {"SMSAPI-" + strconv.FormatInt(a.ID, 10) + ",SMSAPI-" + strconv.FormatInt(b.ID, 10)},
			"status": {"405,404"}, "idx": {strconv.FormatInt(a.ID, 10) + "," + strconv.FormatInt(b.ID, 10)}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reports {
			if err := e.svc.ApplyDelivery(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if got := e.reload(t, a.ID); got.Status != store.MessageFailed || got.LastError != "SMS nie został doręczony (UNDELIVERED)" {
			t.Errorf("undelivered: %+v", got)
		}
		if got := e.reload(t, b.ID); got.Status != store.MessageSent {
			t.Errorf("delivered: %+v", got)
		}

		// Duplicate: sent, no provider id until the report names it (matched by idx).
		dup := messagingtest.Customer(t, e.st, func(c *store.Customer) { c.Phone = "+48600999999" })
		d := e.schedule(t, messaging.Draft{Channel: store.ChannelSMS, Customer: dup, Body: "Raz"})
		if err := e.svc.Send(ctx, d.ID, false); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, d.ID); got.Status != store.MessageSent || got.ProviderID != "" {
			t.Fatalf("duplicate: %+v", got)
		}
		err = e.svc.ApplyDelivery(ctx, sms.Report{ProviderID: "REAL-1", Idx: strconv.FormatInt(d.ID, 10), Delivered: true, Status: "DELIVERED"})
		if got := e.reload(t, d.ID); err != nil || got.Status != store.MessageSent || got.ProviderID != "REAL-1" {
			t.Errorf("duplicate's report: %+v %v", got, err)
		}
		// A report for nobody changes nothing.
		if err := e.svc.ApplyDelivery(ctx, sms.Report{ProviderID: "nope", Failed: true}); err != nil {
			t.Error(err)
		}
	})
}

// Temporary SMS gateway trouble is retried like SMTP's; its reason is Polish.
func TestSMSTemporaryFailure(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		fails := 1
		e.svc.SMS = &sms.Fake{Fail: func(sms.Message) error {
			if fails > 0 {
				fails--
				return &sms.Error{Temporary: true, Code: "HTTP_503", Err: errors.New("busy")}
			}
			return nil
		}}
		c := messagingtest.Customer(t, e.st)
		m := e.schedule(t, messaging.Draft{Channel: store.ChannelSMS, Customer: c, Body: "x"})
		if err := e.svc.Send(ctx, m.ID, false); err == nil {
			t.Fatal("want a temporary error")
		}
		if got := e.reload(t, m.ID); got.Status != store.MessageScheduled || !strings.Contains(got.LastError, "Bramka SMS chwilowo") {
			t.Fatalf("%+v", got)
		}
		if err := e.svc.Send(ctx, m.ID, false); err != nil || e.reload(t, m.ID).Status != store.MessageSent {
			t.Fatalf("second attempt: %v", err)
		}
	})
}

func TestSafeHTML(t *testing.T) {
	got := messaging.SafeHTML(`<p onclick="x()">Hej <b>Anno</b><script>alert(1)</script><a href="javascript:alert(1)">x</a><img src="https://e.pl/a.png"></p>`)
	for _, bad := range []string{"<script", "onclick", "javascript:"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q kept in %s", bad, got)
		}
	}
	if !strings.Contains(got, "<b>Anno</b>") || !strings.Contains(got, `<img src="https://e.pl/a.png"`) {
		t.Errorf("formatting lost: %s", got)
	}
	if got := messaging.SafeHTML("Dzień dobry,\nmasz 5 < 6 punktów.\n\nPozdrawiamy"); got != "<p>Dzień dobry,<br>masz 5 &lt; 6 punktów.</p>\n<p>Pozdrawiamy</p>\n" {
		t.Errorf("plain text: %q", got)
	}
}

// The outbox senders of the embedded default: one .eml / .txt file per message.
func TestOutboxFiles(t *testing.T) {
	e := newEnv(t, "sqlite")
	dir := t.TempDir()
	e.svc.Email = &email.Outbox{Dir: dir}
	e.svc.SMS = &sms.Outbox{Dir: dir}
	ctx := context.Background()
	c := messagingtest.Customer(t, e.st)
	m := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Plik", Body: "x"})
	s := e.schedule(t, messaging.Draft{Channel: store.ChannelSMS, Customer: c, Body: "Plik SMS"})
	for _, id := range []int64{m.ID, s.ID} {
		if err := e.svc.Send(ctx, id, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := (&email.Outbox{Dir: dir}).Send(ctx, email.Message{}); err == nil {
		t.Error("outbox accepted an empty message")
	}
	for _, p := range []string{(&email.Outbox{Dir: dir}).Path(m.ID), (&sms.Outbox{Dir: dir}).Path(s.ID)} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("no outbox file %s: %v", p, err)
		}
	}
}

// Automation's way in: inside the run's transaction, skipped with a reason when the customer
// cannot get it or the filled-in text breaks a limit; woken only after the commit.
func TestAutomaticPrepare(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		auto := messaging.Automatic{S: e.svc}
		c := messagingtest.Customer(t, e.st)
		refused := messagingtest.Customer(t, e.st, func(c *store.Customer) { c.ConsentSMS = "refused" })
		now := store.Now()
		sc := &store.Scenario{Name: "Powitanie", Trigger: "joined", Active: true, CreatedAt: now, UpdatedAt: now}
		if _, err := e.st.DB().NewInsert().Model(sc).Returning("id").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		run := &store.ScenarioRun{ScenarioID: sc.ID, CustomerID: c.ID, Occurrence: "joined", Status: "running", StatusAt: now, CreatedAt: now}
		if _, err := e.st.DB().NewInsert().Model(run).Returning("id").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		var prepared []*store.Message
		err := e.st.WithTx(ctx, func(tx *store.Store) error {
			for _, tc := range []struct {
				c             *store.Customer
				channel, body string
				skip          string
			}{
				{c, store.ChannelEmail, "Witamy", ""},
				{c, store.ChannelSMS, strings.Repeat("x", 1531), "11 części"},
				{refused, store.ChannelSMS, "x", "Brak zgody na SMS (zgoda niewyrażona)."},
			} {
				m, skip, err := auto.Prepare(ctx, tx, tc.channel, tc.c, "Powitanie", tc.body, run.ID)
				if err != nil {
					return err
				}
				if (tc.skip == "") != (m != nil) || !strings.Contains(skip, tc.skip) {
					t.Errorf("%s %q: message %v, skip %q", tc.channel, tc.skip, m, skip)
				}
				if m != nil {
					prepared = append(prepared, m)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(prepared) != 1 || len(e.enq.RecordedDrains()) != 0 {
			t.Fatalf("prepared %d, woken %v before Wake", len(prepared), e.enq.RecordedDrains())
		}
		auto.Wake(ctx, prepared[0])
		if d := e.enq.RecordedDrains(); len(d) != 1 || !d[0].Equal(prepared[0].SendAt.Truncate(time.Second)) {
			t.Errorf("wake-ups %v", d)
		}
		if got := e.reload(t, prepared[0].ID); got.StaffUserID != nil || got.ScenarioRunID == nil || *got.ScenarioRunID != run.ID {
			t.Errorf("automatic message %+v", got)
		}
	})
}
