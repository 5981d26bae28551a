package email

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// ---- an SMTP server inside the test process (github.com/emersion/go-smtp) ----

type received struct {
	from string
	to   []string
	data []byte
	tls  bool
}

// backend accepts mail and stores it. Recipients whose local part names a
// failure make the session answer with that failure:
//
//	rcpt421@ / rcpt451@ / rcpt550@  -> RCPT TO answered 421 / 451 / 550
//	data451@ / data554@             -> end of DATA answered 451 / 554
//
// With user set, the session requires AUTH PLAIN with user/pass.
type backend struct {
	user, pass string

	mu   sync.Mutex
	msgs []received
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{b: b, tls: isTLS, conn: c}, nil
}

func (b *backend) received() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

type session struct {
	b      *backend
	conn   *smtp.Conn
	tls    bool
	authed bool
	from   string
	to     []string
}

func (s *session) AuthMechanisms() []string {
	if s.b.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.b.user || password != s.b.pass {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func smtpErr(code int, msg string) *smtp.SMTPError {
	return &smtp.SMTPError{
		Code:         code,
		EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0},
		Message:      msg,
	}
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	switch {
	case strings.HasPrefix(to, "rcpt421@"):
		return smtpErr(421, "Service not available, try again later")
	case strings.HasPrefix(to, "rcpt451@"):
		return smtpErr(451, "Greylisted, try again later")
	case strings.HasPrefix(to, "rcpt550@"):
		return smtpErr(550, "No such user")
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	for _, to := range s.to {
		switch {
		case strings.HasPrefix(to, "data451@"):
			return smtpErr(451, "Local error in processing")
		case strings.HasPrefix(to, "data554@"):
			return smtpErr(554, "Message rejected as spam")
		}
	}
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, received{from: s.from, to: s.to, data: data, tls: s.tls})
	s.b.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

type serverOpts struct {
	tlsConfig   *tls.Config // offered via STARTTLS, or used for implicit TLS
	implicitTLS bool
}

// startSMTP runs a go-smtp server on 127.0.0.1:0 and returns its port.
func startSMTP(t *testing.T, be *backend, o serverOpts) int {
	t.Helper()
	srv := smtp.NewServer(be)
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	var l net.Listener
	var err error
	if o.implicitTLS {
		l, err = tls.Listen("tcp", "127.0.0.1:0", o.tlsConfig)
	} else {
		srv.TLSConfig = o.tlsConfig
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// selfSigned returns a server TLS config for 127.0.0.1 and a client config
// that trusts it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mx.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}

func sampleMessage(id int64, to string) Message {
	return Message{
		ID:      id,
		From:    "Program Lojalnościowy <punkty@sklep.example.pl>",
		To:      to,
		Subject: "Zażółć gęślą jaźń – masz 120 punktów",
		HTML:    `<p>Cześć <b>Anno</b>!</p><p>Masz <a href="https://sklep.example.pl/punkty">120 punktów</a>.</p>`,
		Text:    "Cześć Anno! Masz 120 punktów: https://sklep.example.pl/punkty",
	}
}

// parseMIME checks the stored message and returns its headers and the
// decoded text/plain and text/html parts.
func parseMIME(t *testing.T, raw []byte) (mail.Header, string, string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail cannot parse message: %v\n%s", err, raw)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type: %v", err)
	}
	if mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type = %q, want multipart/alternative", mediaType)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	var text, html string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		body, err := io.ReadAll(p) // quoted-printable is decoded by mime/multipart
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		ct, ctParams, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if !strings.EqualFold(ctParams["charset"], "utf-8") {
			t.Errorf("part %s charset = %q, want UTF-8", ct, ctParams["charset"])
		}
		types = append(types, ct)
		switch ct {
		case "text/plain":
			text = strings.ReplaceAll(string(body), "\r\n", "\n")
		case "text/html":
			html = strings.ReplaceAll(string(body), "\r\n", "\n")
		}
	}
	if strings.Join(types, ",") != "text/plain,text/html" {
		t.Fatalf("parts = %v, want [text/plain text/html] (HTML last = preferred)", types)
	}
	return msg.Header, text, html
}

func decodeHeader(t *testing.T, h mail.Header, name string) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(h.Get(name))
	if err != nil {
		t.Fatalf("decode %s %q: %v", name, h.Get(name), err)
	}
	return s
}

// ---- SMTP sender ----

func TestSMTPDeliversMultipartMessage(t *testing.T) {
	be := &backend{}
	port := startSMTP(t, be, serverOpts{})
	s, err := ParseSMTPURL("smtp://127.0.0.1:" + strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	s.Timeout = 5 * time.Second

	m := sampleMessage(42, "Anna Kowalska <anna@example.com>")
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := be.received()
	if len(got) != 1 {
		t.Fatalf("server got %d messages, want 1", len(got))
	}
	if got[0].from != "punkty@sklep.example.pl" || strings.Join(got[0].to, ",") != "anna@example.com" {
		t.Errorf("envelope = %q -> %v", got[0].from, got[0].to)
	}
	h, text, html := parseMIME(t, got[0].data)
	if subj := decodeHeader(t, h, "Subject"); subj != m.Subject {
		t.Errorf("Subject = %q, want %q", subj, m.Subject)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "anna@example.com" || to[0].Name != "Anna Kowalska" {
		t.Errorf("To = %v (%v)", to, err)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Program Lojalnościowy" {
		t.Errorf("From = %v (%v)", from, err)
	}
	if id := h.Get("Message-Id"); id != "<msg-42@sklep.example.pl>" {
		t.Errorf("Message-ID = %q, want <msg-42@sklep.example.pl>", id)
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date header: %v", err)
	}
	if strings.TrimSpace(text) != m.Text {
		t.Errorf("text part = %q", text)
	}
	if strings.TrimSpace(html) != m.HTML {
		t.Errorf("html part = %q", html)
	}

	// A retry of the same database message carries the same Message-ID.
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("second Send: %v", err)
	}
	got = be.received()
	h2, _, _ := parseMIME(t, got[1].data)
	if h2.Get("Message-Id") != h.Get("Message-Id") {
		t.Errorf("retry Message-ID %q != first %q", h2.Get("Message-Id"), h.Get("Message-Id"))
	}
}

func TestSMTPDerivesTextFromHTML(t *testing.T) {
	be := &backend{}
	port := startSMTP(t, be, serverOpts{})
	s := &SMTP{Host: "127.0.0.1", Port: port, Timeout: 5 * time.Second}
	m := sampleMessage(7, "anna@example.com")
	m.Text = ""
	m.HTML = `<html><head><style>p{color:red}</style></head><body>
		<h1>Witaj&nbsp;Anno</h1><p>Masz <b>120</b> punktów &amp; rabat.</p>
		<ul><li>Kawa</li><li>Ciastko</li></ul>
		<p><a href="https://sklep.example.pl/x">Zobacz</a></p><script>alert(1)</script></body></html>`
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	_, text, _ := parseMIME(t, be.received()[0].data)
	want := "Witaj Anno\n\nMasz 120 punktów & rabat.\n\n- Kawa\n- Ciastko\n\nZobacz (https://sklep.example.pl/x)"
	if strings.TrimSpace(text) != want {
		t.Errorf("derived text =\n%q\nwant\n%q", text, want)
	}
}

func TestSMTPErrorClassification(t *testing.T) {
	be := &backend{}
	port := startSMTP(t, be, serverOpts{})
	s := &SMTP{Host: "127.0.0.1", Port: port, Timeout: 5 * time.Second}
	tests := []struct {
		to        string
		temporary bool
		code      int
	}{
		{"rcpt421@example.com", true, 421},
		{"rcpt451@example.com", true, 451},
		{"data451@example.com", true, 451},
		{"rcpt550@example.com", false, 550},
		{"data554@example.com", false, 554},
	}
	for i, tc := range tests {
		t.Run(tc.to, func(t *testing.T) {
			err := s.Send(context.Background(), sampleMessage(int64(100+i), tc.to))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Send = %v (%T), want *Error", err, err)
			}
			if e.Temporary != tc.temporary || e.Code != tc.code {
				t.Errorf("got Temporary=%v Code=%d, want %v %d (%v)", e.Temporary, e.Code, tc.temporary, tc.code, err)
			}
			if IsTemporary(err) != tc.temporary {
				t.Errorf("IsTemporary = %v", IsTemporary(err))
			}
			if !strings.Contains(err.Error(), strconv.Itoa(tc.code)) {
				t.Errorf("error text %q lacks the code", err)
			}
		})
	}
	if n := len(be.received()); n != 0 {
		t.Errorf("server stored %d messages, want 0", n)
	}
}

func TestSMTPConnectionRefusedIsTemporary(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()

	s := &SMTP{Host: "127.0.0.1", Port: port, Timeout: 5 * time.Second}
	err = s.Send(context.Background(), sampleMessage(1, "anna@example.com"))
	var e *Error
	if !errors.As(err, &e) || !e.Temporary || e.Code != 0 {
		t.Fatalf("Send = %#v, want temporary *Error without code", err)
	}
	if !IsTemporary(err) {
		t.Error("IsTemporary = false")
	}
}

// rawServer answers every connection with greeting (if not empty) and
// then closes it; with an empty greeting it stays silent until closed.
func rawServer(t *testing.T, greeting string) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	t.Cleanup(func() { close(done); _ = l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				if greeting != "" {
					_, _ = io.WriteString(c, greeting+"\r\n")
					return
				}
				<-done
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

func TestSMTPGreetingAndTimeout(t *testing.T) {
	tests := []struct {
		name      string
		greeting  string
		temporary bool
		code      int
	}{
		{"busy 421", "421 mx.test Too many connections", true, 421},
		{"refused 554", "554 mx.test No SMTP service here", false, 554},
		{"silent server times out", "", true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			port := rawServer(t, tc.greeting)
			s := &SMTP{Host: "127.0.0.1", Port: port, Timeout: 300 * time.Millisecond}
			start := time.Now()
			err := s.Send(context.Background(), sampleMessage(5, "anna@example.com"))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Send = %v, want *Error", err)
			}
			if e.Temporary != tc.temporary || e.Code != tc.code {
				t.Errorf("Temporary=%v Code=%d, want %v %d (%v)", e.Temporary, e.Code, tc.temporary, tc.code, err)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("Send took %v, timeout not honoured", time.Since(start))
			}
		})
	}
}

func TestSMTPContextIsHonoured(t *testing.T) {
	s := &SMTP{Host: "127.0.0.1", Port: rawServer(t, ""), Timeout: 10 * time.Second}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Send(ctx, sampleMessage(1, "anna@example.com")); !IsTemporary(err) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: %v, want temporary context.Canceled", err)
	}

	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Send(ctx, sampleMessage(1, "anna@example.com"))
	if !IsTemporary(err) {
		t.Errorf("deadline: %v, want temporary", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("Send ignored the context deadline (%v)", time.Since(start))
	}
}

func TestSMTPInvalidAddressIsPermanent(t *testing.T) {
	s := &SMTP{Host: "127.0.0.1", Port: 1}
	for _, m := range []Message{
		{ID: 1, From: "not an address", To: "a@example.com", Subject: "x", Text: "x"},
		{ID: 1, From: "a@example.com", To: "", Subject: "x", Text: "x"},
		{ID: 0, From: "a@example.com", To: "b@example.com", Subject: "x", Text: "x"},
		{ID: 1, From: "a@example.com", To: "b@example.com", Subject: "x"},
	} {
		err := s.Send(context.Background(), m)
		var e *Error
		if !errors.As(err, &e) || e.Temporary {
			t.Errorf("Send(%+v) = %v, want permanent *Error", m, err)
		}
	}
}

func TestSMTPAuthOverSTARTTLSAndImplicitTLS(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	for _, implicit := range []bool{false, true} {
		name := map[bool]string{false: "smtp+STARTTLS", true: "smtps"}[implicit]
		t.Run(name, func(t *testing.T) {
			be := &backend{user: "punkty@sklep.example.pl", pass: "tajne hasło"}
			port := startSMTP(t, be, serverOpts{tlsConfig: serverTLS, implicitTLS: implicit})
			scheme := map[bool]string{false: "smtp", true: "smtps"}[implicit]
			s, err := ParseSMTPURL(fmt.Sprintf("%s://punkty%%40sklep.example.pl:tajne%%20has%%C5%%82o@127.0.0.1:%d", scheme, port))
			if err != nil {
				t.Fatal(err)
			}
			s.TLSConfig = clientTLS
			s.Timeout = 5 * time.Second
			if err := s.Send(context.Background(), sampleMessage(9, "anna@example.com")); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := be.received()
			if len(got) != 1 || !got[0].tls {
				t.Fatalf("received %d messages, tls=%v; want 1 over TLS", len(got), len(got) == 1 && got[0].tls)
			}

			bad := *s
			bad.Password = "wrong"
			err = bad.Send(context.Background(), sampleMessage(10, "anna@example.com"))
			var e *Error
			if !errors.As(err, &e) || e.Temporary || e.Code != 535 {
				t.Errorf("wrong password: %v, want permanent 535", err)
			}
		})
	}
}

func TestSMTPAuthWithoutTLSOnLocalhost(t *testing.T) {
	// go-mail allows PLAIN without TLS only to localhost; our test server is
	// there, so the no-TLS path with credentials works too.
	be := &backend{user: "u", pass: "p"}
	port := startSMTP(t, be, serverOpts{})
	s, err := ParseSMTPURL("smtp://u:p@127.0.0.1:" + strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), sampleMessage(11, "anna@example.com")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if len(be.received()) != 1 {
		t.Fatal("message not received")
	}
}

func TestSMTPConcurrentSends(t *testing.T) {
	be := &backend{}
	port := startSMTP(t, be, serverOpts{})
	s := &SMTP{Host: "127.0.0.1", Port: port, Timeout: 5 * time.Second}
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func(id int64) {
			defer wg.Done()
			errs <- s.Send(context.Background(), sampleMessage(id, "anna@example.com"))
		}(int64(i))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Send: %v", err)
		}
	}
	ids := map[string]bool{}
	for _, r := range be.received() {
		h, _, _ := parseMIME(t, r.data)
		ids[h.Get("Message-Id")] = true
	}
	if len(ids) != n {
		t.Errorf("distinct Message-IDs = %d, want %d", len(ids), n)
	}
}

// ---- Outbox ----

func TestOutboxWritesParsableEML(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	o := &Outbox{Dir: dir}
	m := sampleMessage(77, "anna@example.com")
	m.Subject = "Zażółć gęślą jaźń"
	if err := o.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "77.eml"))
	if err != nil {
		t.Fatalf("read eml: %v", err)
	}
	h, text, _ := parseMIME(t, raw)
	if got := h.Get("Subject"); !strings.HasPrefix(got, "=?") {
		t.Errorf("raw Subject %q is not RFC 2047 encoded", got)
	}
	if subj := decodeHeader(t, h, "Subject"); subj != "Zażółć gęślą jaźń" {
		t.Errorf("Subject = %q", subj)
	}
	if h.Get("Message-Id") != "<msg-77@sklep.example.pl>" {
		t.Errorf("Message-ID = %q", h.Get("Message-Id"))
	}
	if strings.TrimSpace(text) != m.Text {
		t.Errorf("text = %q", text)
	}

	// Re-sending the same id replaces the file.
	m.Subject = "Druga wersja"
	if err := o.Send(context.Background(), m); err != nil {
		t.Fatalf("resend: %v", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "77.eml" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("outbox holds %v, want only 77.eml", names)
	}
	raw, _ = os.ReadFile(o.Path(77))
	h, _, _ = parseMIME(t, raw)
	if decodeHeader(t, h, "Subject") != "Druga wersja" {
		t.Errorf("resend did not replace the file")
	}
}

func TestOutboxUnwritableDirIsTemporary(t *testing.T) {
	base := t.TempDir()
	blocker := filepath.Join(base, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	o := &Outbox{Dir: filepath.Join(blocker, "outbox")} // a file is in the way
	err := o.Send(context.Background(), sampleMessage(1, "anna@example.com"))
	if !IsTemporary(err) {
		t.Errorf("Send = %v, want temporary error", err)
	}
}

// ---- New, URL parsing, helpers ----

func TestNew(t *testing.T) {
	dir := t.TempDir()
	s, err := New("", dir)
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := s.(*Outbox); !ok || o.Dir != filepath.Join(dir, "outbox") {
		t.Errorf("New(\"\") = %#v, want Outbox in %s/outbox", s, dir)
	}
	if _, err := New("", ""); err == nil {
		t.Error("New with nothing configured: want error")
	}

	s, err = New("smtp://user%40example.pl:p%40ss@mail.example.pl:2525", dir)
	if err != nil {
		t.Fatal(err)
	}
	sm, ok := s.(*SMTP)
	if !ok || sm.Host != "mail.example.pl" || sm.Port != 2525 || sm.ImplicitTLS ||
		sm.Username != "user@example.pl" || sm.Password != "p@ss" {
		t.Errorf("smtp URL parsed as %#v", s)
	}
	s, err = New("smtps://mail.example.pl", dir)
	if err != nil {
		t.Fatal(err)
	}
	if sm := s.(*SMTP); sm.Port != 465 || !sm.ImplicitTLS || sm.Username != "" {
		t.Errorf("smtps URL parsed as %#v", sm)
	}
	if sm, _ := ParseSMTPURL("smtp://relay.example.pl"); sm.Port != 587 {
		t.Errorf("smtp default port = %d, want 587", sm.Port)
	}
	for _, bad := range []string{"http://mail.example.pl", "smtp://", "smtp://host:99999", "::"} {
		if _, err := New(bad, dir); err == nil {
			t.Errorf("New(%q): want error", bad)
		}
	}
}

func TestMessageID(t *testing.T) {
	if got := MessageID(42, "sklep.example.pl"); got != "<msg-42@sklep.example.pl>" {
		t.Errorf("MessageID = %q", got)
	}
	if got := MessageID(1, ""); got != "<msg-1@localhost>" {
		t.Errorf("MessageID without domain = %q", got)
	}
}

func TestIsTemporary(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("boom"), false},
		{context.Canceled, true},
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), true},
		{&Error{Temporary: true, Err: errors.New("x")}, true},
		{fmt.Errorf("outer: %w", &Error{Temporary: false, Code: 550, Err: errors.New("x")}), false},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, true},
	}
	for _, tc := range tests {
		if got := IsTemporary(tc.err); got != tc.want {
			t.Errorf("IsTemporary(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	e := &Error{Code: 550, Err: errors.New("no such user")}
	if !strings.Contains(e.Error(), "550") || !strings.Contains(e.Error(), "permanent") || e.Unwrap().Error() != "no such user" {
		t.Errorf("Error() = %q", e.Error())
	}
}

// ---- Fake ----

func TestFake(t *testing.T) {
	f := &Fake{Fail: func(m Message) error {
		switch m.ID {
		case 2:
			return &Error{Temporary: true, Code: 451, Err: errors.New("greylisted")}
		case 3:
			return errors.New("bad mailbox")
		}
		return nil
	}}
	var s Sender = f
	ctx := context.Background()
	if err := s.Send(ctx, Message{ID: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ctx, Message{ID: 2}); !IsTemporary(err) {
		t.Errorf("scripted temporary: %v", err)
	}
	var e *Error
	if err := s.Send(ctx, Message{ID: 3}); !errors.As(err, &e) || e.Temporary {
		t.Errorf("scripted plain error: %v, want permanent *Error", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Send(cctx, Message{ID: 4}); !IsTemporary(err) {
		t.Errorf("cancelled: %v", err)
	}
	if got := f.Sent(); len(got) != 1 || got[0].ID != 1 {
		t.Errorf("Sent = %+v", got)
	}
	if f.Attempts() != 4 {
		t.Errorf("Attempts = %d", f.Attempts())
	}
	f.Reset()
	if len(f.Sent()) != 0 || f.Attempts() != 0 {
		t.Error("Reset did not clear")
	}
}
