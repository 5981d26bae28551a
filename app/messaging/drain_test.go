package messaging_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/messaging/messagingtest"
	"github.com/loyalty/backoffice/app/store"
)

// One drain sends every due first attempt once, and records what happened to each: sent,
// retried (its own wake-up, after the commit), failed for good, blocked by a consent withdrawn
// while it waited. It leaves alone what is not due and what is a retry (those keep their own
// wake-ups and backoff).
func TestDrainSendsDueFirstAttempts(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ok := messagingtest.Customer(t, e.st)
		flaky := messagingtest.Customer(t, e.st)
		gone := messagingtest.Customer(t, e.st)
		withdrawn := messagingtest.Customer(t, e.st)
		e.smtp.FailNext(flaky.Email, 421)
		e.smtp.FailNext(gone.Email, 550)
		draft := func(c *store.Customer, subject string, at time.Time) *store.Message {
			return e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: subject, Body: "Treść", SendAt: at})
		}
		var oks []int64
		for i := range 45 {
			oks = append(oks, draft(ok, "Kampania "+strconv.Itoa(i), time.Time{}).ID)
		}
		text := e.schedule(t, messaging.Draft{Channel: store.ChannelSMS, Customer: ok, Body: "Kampania SMS"})
		mFlaky, mGone, mWithdrawn := draft(flaky, "Ponawiana", time.Time{}), draft(gone, "Odrzucona", time.Time{}), draft(withdrawn, "Bez zgody", time.Time{})
		future := draft(ok, "Za godzinę", time.Now().Add(time.Hour))
		withdrawn.ConsentEmail = "withdrawn"
		if err := e.st.UpdateCustomer(ctx, withdrawn); err != nil {
			t.Fatal(err)
		}
		retry := &store.Message{Channel: store.ChannelEmail, CustomerID: ok.ID, Recipient: ok.Email, Subject: "Ponowienie", Body: "x",
			SendAt: store.Now().Add(-time.Minute), Status: store.MessageScheduled, Attempts: 2}
		if err := e.st.InsertMessage(ctx, retry); err != nil {
			t.Fatal(err)
		}

		before := time.Now()
		if err := e.svc.SendDue(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		for _, id := range oks {
			got := e.reload(t, id)
			if got.Status != store.MessageSent || got.Attempts != 1 || got.SentAt == nil || got.SentAt.Before(got.SendAt) || got.Recipient != ok.Email {
				t.Fatalf("message %d: %+v", id, got)
			}
			if n := e.smtp.Count(msgID(id)); n != 1 {
				t.Fatalf("message %d: %d mails", id, n)
			}
		}
		if got := e.reload(t, text.ID); got.Status != store.MessageSent || len(e.sms.Sent()) != 1 {
			t.Errorf("SMS: %+v, %d sent", got, len(e.sms.Sent()))
		}
		got := e.reload(t, mFlaky.ID)
		if got.Status != store.MessageScheduled || got.Attempts != 1 || !strings.HasPrefix(got.LastError, "Próba 1 nieudana: Serwer poczty odpowiedział kodem 421") {
			t.Errorf("421: %+v", got)
		}
		if w := e.enq.Recorded(); len(w) != 1 || w[0].ID != mFlaky.ID || w[0].Attempt != 1 ||
			w[0].At.Before(before.Add(messaging.FirstRetryDelay)) || w[0].At.After(time.Now().Add(messaging.FirstRetryDelay)) {
			t.Errorf("retry wake-ups %v", w)
		}
		if got := e.reload(t, mGone.ID); got.Status != store.MessageFailed || got.LastError != "Serwer poczty odpowiedział kodem 550: adres odbiorcy nie istnieje lub nie przyjmuje poczty" {
			t.Errorf("550: %+v", got)
		}
		if got := e.reload(t, mWithdrawn.ID); got.Status != store.MessageFailed || got.LastError != "Brak zgody na e-mail (zgoda wycofana)" || e.smtp.Attempts(withdrawn.Email) != 0 {
			t.Errorf("withdrawn: %+v", got)
		}
		if got := e.reload(t, future.ID); got.Status != store.MessageScheduled || got.Attempts != 0 {
			t.Errorf("future: %+v", got)
		}
		if got := e.reload(t, retry.ID); got.Status != store.MessageScheduled || got.Attempts != 2 || e.smtp.Count(msgID(retry.ID)) != 0 {
			t.Errorf("retry taken by the drain: %+v", got)
		}

		// The retry's own wake-up sends it.
		if err := e.svc.Send(ctx, mFlaky.ID, false); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, mFlaky.ID); got.Status != store.MessageSent || got.Attempts != 2 || e.smtp.Count(msgID(mFlaky.ID)) != 1 {
			t.Errorf("retried: %+v", got)
		}
	})
}

// A drain woken before its second waits in place: the messages planned within that second
// leave at or after their time (recorded, and as the SMTP server saw them), and the one
// planned for the next second stays for its own drain.
func TestDrainNeverEarly(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		slot := time.Now().Truncate(time.Second).Add(time.Second)
		var ids []int64
		for _, ms := range []int{50, 400, 900} {
			ids = append(ids, e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Termin", Body: "x",
				SendAt: slot.Add(time.Duration(ms) * time.Millisecond)}).ID)
		}
		next := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Następna sekunda", Body: "x", SendAt: slot.Add(1100 * time.Millisecond)})
		if err := e.svc.SendDue(ctx, slot); err != nil {
			t.Fatal(err)
		}
		byID := e.smtp.ByMessageID()
		for _, id := range ids {
			m := e.reload(t, id)
			mails := byID[msgID(id)]
			if m.Status != store.MessageSent || len(mails) != 1 || m.SentAt.Before(m.SendAt) || mails[0].At.Before(m.SendAt) {
				t.Errorf("message %d: %+v, mails %v", id, m, mails)
			}
		}
		if m := e.reload(t, next.ID); m.Status != store.MessageScheduled {
			t.Errorf("next second's message: %s", m.Status)
		}
	})
}

// Four drains and per-message wake-ups on the same 200 messages at once: each is sent exactly
// once, with one attempt.
func TestConcurrentDrainsSendOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		var ids []int64
		for i := range 200 {
			ids = append(ids, e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Raz " + strconv.Itoa(i), Body: "x"}).ID)
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		var errs []error
		run := func(fn func() error) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if err := fn(); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}()
		}
		for range 4 {
			run(func() error { return e.svc.SendDue(ctx, time.Now()) })
		}
		for _, id := range ids[:50] {
			run(func() error { return e.svc.Send(ctx, id, false) })
		}
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if n := e.smtp.Count(msgID(id)); n != 1 {
				t.Fatalf("message %d sent %d times", id, n)
			}
			if got := e.reload(t, id); got.Status != store.MessageSent || got.Attempts != 1 {
				t.Fatalf("row: %+v", got)
			}
		}
	})
}

// A wake-up that finds a drain running hands its second over and returns at once (it would
// otherwise hold a queue slot); the running drain then also waits for that second's messages
// and sends them on time.
func TestDrainHandOver(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		slot := time.Now().Truncate(time.Second).Add(time.Second)
		first := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Pierwsza sekunda", Body: "x", SendAt: slot.Add(300 * time.Millisecond)})
		second := e.schedule(t, messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Druga sekunda", Body: "x", SendAt: slot.Add(1500 * time.Millisecond)})
		done := make(chan error, 1)
		go func() { done <- e.svc.SendDue(ctx, slot) }()
		time.Sleep(100 * time.Millisecond) // the first drain is waiting for its message
		began := time.Now()
		if err := e.svc.SendDue(ctx, slot.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(began); took > 200*time.Millisecond {
			t.Errorf("the second wake-up took %v: it waited instead of handing over", took)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the running drain never finished")
		}
		byID := e.smtp.ByMessageID()
		for _, m := range []*store.Message{first, second} {
			got := e.reload(t, m.ID)
			mails := byID[msgID(m.ID)]
			if got.Status != store.MessageSent || len(mails) != 1 || got.SentAt.Before(got.SendAt) || mails[0].At.Before(got.SendAt) {
				t.Errorf("message %d: %+v, mails %v", m.ID, got, mails)
			}
		}
	})
}
