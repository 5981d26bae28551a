// Package messagingtest gives the message-pipeline tests what they share: a real SMTP server
// in the test process (github.com/emersion/go-smtp) that can answer scripted failures, a clean
// Redis (a database index of its own on TEST_REDIS_URL, else miniredis) that can "lose" its
// data, customers with consent, and a recording Enqueuer. Only tests import it.
package messagingtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"mime"
	"net"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/emersion/go-smtp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/loyalty/backoffice/app/channel/email"
	"github.com/loyalty/backoffice/app/customer"
	"github.com/loyalty/backoffice/app/store"
)

// ---- SMTP -------------------------------------------------------------------------------

// Mail is one message the server accepted.
type Mail struct {
	From      string
	To        []string
	Data      []byte
	MessageID string
	Subject   string
	At        time.Time // when the server accepted it
}

// SMTP is a mail server on 127.0.0.1 that stores what it accepts. FailNext scripts refusals.
type SMTP struct {
	Port int

	mu       sync.Mutex
	mails    []Mail
	script   map[string][]int // recipient -> reply codes for its next RCPT TO attempts
	attempts map[string]int   // recipient -> RCPT TO attempts
	sessions atomic.Int64
}

// StartSMTP runs the server until the test ends.
func StartSMTP(t testing.TB) *SMTP {
	t.Helper()
	s := &SMTP{script: map[string][]int{}, attempts: map[string]int{}}
	srv := smtp.NewServer(s)
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxRecipients = 10
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtp listen: %v", err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	s.Port = l.Addr().(*net.TCPAddr).Port
	return s
}

// Sender is the product's SMTP sender pointed at this server.
func (s *SMTP) Sender() *email.SMTP {
	return &email.SMTP{Host: "127.0.0.1", Port: s.Port, Timeout: 10 * time.Second}
}

// FailNext makes the next len(codes) RCPT TO attempts for rcpt answer these codes (421, 451,
// 550 …); later attempts are accepted.
func (s *SMTP) FailNext(rcpt string, codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script[strings.ToLower(rcpt)] = append(s.script[strings.ToLower(rcpt)], codes...)
}

// Received returns the accepted mails in order.
func (s *SMTP) Received() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Count is how many accepted mails carry this Message-ID.
func (s *SMTP) Count(messageID string) int {
	n := 0
	for _, m := range s.Received() {
		if m.MessageID == messageID {
			n++
		}
	}
	return n
}

// ByMessageID groups the accepted mails by Message-ID.
func (s *SMTP) ByMessageID() map[string][]Mail {
	out := map[string][]Mail{}
	for _, m := range s.Received() {
		out[m.MessageID] = append(out[m.MessageID], m)
	}
	return out
}

// Attempts is how many times rcpt was offered (RCPT TO), refusals included.
func (s *SMTP) Attempts(rcpt string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts[strings.ToLower(rcpt)]
}

// MessageID is the Message-ID our sender gives message id sent From an address at domain.
func MessageID(id int64, domain string) string { return email.MessageID(id, domain) }

// NewSession implements smtp.Backend.
func (s *SMTP) NewSession(*smtp.Conn) (smtp.Session, error) {
	s.sessions.Add(1)
	return &session{srv: s}, nil
}

type session struct {
	srv  *SMTP
	from string
	to   []string
}

func (x *session) AuthMechanisms() []string { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error { x.from = from; return nil }

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	key := strings.ToLower(to)
	x.srv.mu.Lock()
	x.srv.attempts[key]++
	var code int
	if codes := x.srv.script[key]; len(codes) > 0 {
		code, x.srv.script[key] = codes[0], codes[1:]
	}
	x.srv.mu.Unlock()
	if code != 0 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "scripted failure " + strconv.Itoa(code)}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Mail{From: x.from, To: x.to, Data: data, At: time.Now()}
	if msg, err := mail.ReadMessage(bytes.NewReader(data)); err == nil {
		m.MessageID = msg.Header.Get("Message-Id")
		m.Subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	}
	x.srv.mu.Lock()
	x.srv.mails = append(x.srv.mails, m)
	x.srv.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// ---- Redis -------------------------------------------------------------------------------

// Redis is a clean Redis for one test: TEST_REDIS_URL with the database index replaced by db
// (go test runs packages in parallel, and app/web flushes index 9), else a fresh miniredis.
type Redis struct {
	Client *redis.Client
	mini   *miniredis.Miniredis
	opt    *redis.Options
}

// NewRedis flushes the database first and closes everything when the test ends.
func NewRedis(t testing.TB, db int) *Redis {
	t.Helper()
	r := &Redis{}
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		opt, err := redis.ParseURL(u)
		if err != nil {
			t.Fatal(err)
		}
		opt.DB = db
		r.opt = opt
	} else {
		if os.Getenv("REQUIRE_SERVICES") == "1" {
			t.Fatal("REQUIRE_SERVICES=1 but TEST_REDIS_URL is not set")
		}
		r.mini = miniredis.NewMiniRedis()
		r.mini.ClockTTL(true)
		if err := r.mini.StartAddr("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.mini.Close() })
		r.opt = &redis.Options{Addr: r.mini.Addr()}
	}
	r.Client = redis.NewClient(r.opt)
	t.Cleanup(func() { r.Client.Close() })
	if err := r.Client.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("flush redis: %v", err)
	}
	return r
}

// Opt is asynq's connection option for this Redis.
func (r *Redis) Opt() asynq.RedisConnOpt {
	return asynq.RedisClientOpt{Addr: r.opt.Addr, Username: r.opt.Username, Password: r.opt.Password, DB: r.opt.DB}
}

// Embedded reports whether this is an in-process miniredis.
func (r *Redis) Embedded() bool { return r.mini != nil }

// Lose makes Redis forget everything, as the embedded default's in-process Redis does on a
// restart: a fresh miniredis on the same address, or FLUSHDB on a real server.
func (r *Redis) Lose(t testing.TB) {
	t.Helper()
	if r.mini == nil {
		if err := r.Client.FlushDB(context.Background()).Err(); err != nil {
			t.Fatal(err)
		}
		return
	}
	addr := r.mini.Addr()
	r.mini.Close()
	r.mini = miniredis.NewMiniRedis()
	r.mini.ClockTTL(true)
	if err := r.mini.StartAddr(addr); err != nil {
		t.Fatalf("restart miniredis on %s: %v", addr, err)
	}
}

// ---- Fixtures ----------------------------------------------------------------------------

var seq atomic.Int64

// Customer adds a customer who agreed to e-mail and SMS, with an address and a phone; edit
// changes it before the insert.
func Customer(t testing.TB, st *store.Store, edit ...func(*store.Customer)) *store.Customer {
	t.Helper()
	n := seq.Add(1)
	now := store.Now()
	c := &store.Customer{Number: fmt.Sprintf("77%06d", n), FirstName: "Anna", LastName: "Kowalska",
		Email: fmt.Sprintf("anna.%d@example.pl", n), Phone: "+48600100200",
		ConsentEmail: string(customer.ConsentGranted), ConsentSMS: string(customer.ConsentGranted),
		PortalToken: customer.NewToken(), CreatedAt: now, UpdatedAt: now}
	for _, e := range edit {
		e(c)
	}
	if err := st.InsertCustomer(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// Enqueuer records wake-ups instead of queueing them.
type Enqueuer struct {
	mu     sync.Mutex
	Wakes  []Wake      // one message's wake-ups (Enqueue)
	Drains []time.Time // drain wake-ups (WakeDue), by second
	Forgot []int64
	Err    error // returned by Enqueue and WakeDue when set (Redis down)
	OnWake func(Wake)
	// Running makes WakeDue answer that the drain of the second is running.
	Running bool
}

// WakeDue records the drain's second.
func (e *Enqueuer) WakeDue(_ context.Context, at time.Time) (bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.Err != nil {
		return false, e.Err
	}
	e.Drains = append(e.Drains, at.Truncate(time.Second))
	return e.Running, nil
}

// RecordedDrains returns a copy of the drain wake-ups so far.
func (e *Enqueuer) RecordedDrains() []time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Time(nil), e.Drains...)
}

// Wake is one recorded Enqueue.
type Wake struct {
	ID      int64
	At      time.Time
	Attempt int
}

// Enqueue records the wake-up.
func (e *Enqueuer) Enqueue(_ context.Context, id int64, at time.Time, attempt int) error {
	e.mu.Lock()
	if e.Err != nil {
		e.mu.Unlock()
		return e.Err
	}
	w := Wake{ID: id, At: at, Attempt: attempt}
	e.Wakes = append(e.Wakes, w)
	hook := e.OnWake
	e.mu.Unlock()
	if hook != nil {
		hook(w)
	}
	return nil
}

// Forget records the deletion.
func (e *Enqueuer) Forget(_ context.Context, id int64, _ int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Forgot = append(e.Forgot, id)
}

// Recorded returns a copy of the wake-ups so far.
func (e *Enqueuer) Recorded() []Wake {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Wake(nil), e.Wakes...)
}
