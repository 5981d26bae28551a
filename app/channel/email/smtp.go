package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// DefaultSMTPTimeout bounds one Send (dial, TLS, AUTH and the transaction)
// when SMTP.Timeout is zero.
const DefaultSMTPTimeout = 30 * time.Second

// SMTP sends through a mail server with github.com/wneessen/go-mail. Every
// Send dials its own connection and closes it afterwards, so one SMTP value
// is safe for concurrent use; its fields must not change after the first Send.
type SMTP struct {
	Host string
	Port int
	// Username and Password enable SMTP AUTH; with an empty Username no
	// authentication is attempted.
	Username, Password string
	// ImplicitTLS connects with TLS from the first byte (smtps://). Without
	// it the connection is upgraded with STARTTLS when the server offers it.
	ImplicitTLS bool
	// Timeout bounds each Send; zero means DefaultSMTPTimeout. A context
	// deadline that is sooner wins.
	Timeout time.Duration
	// TLSConfig overrides go-mail's default (ServerName = Host, TLS 1.2+).
	TLSConfig *tls.Config
}

// ParseSMTPURL parses the SMTP configuration URL:
//
//	smtp://[user:password@]host[:port]   STARTTLS when offered (default port 587)
//	smtps://[user:password@]host[:port]  implicit TLS (default port 465)
//
// User name and password are URL-decoded ("%40" for '@'). With a user name
// the sender authenticates with AUTH PLAIN or LOGIN, whichever the server
// offers, falling back to go-mail's auto-discovery (SCRAM, CRAM-MD5). go-mail
// refuses to send PLAIN/LOGIN credentials over an unencrypted connection to
// anything but localhost, so an smtp:// server without STARTTLS fails AUTH
// instead of leaking the password.
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("email: parse SMTP URL: %w", err)
	}
	s := &SMTP{Host: u.Hostname()}
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		s.Port = 587
	case "smtps":
		s.Port = 465
		s.ImplicitTLS = true
	default:
		return nil, fmt.Errorf("email: SMTP URL scheme %q: want smtp or smtps", u.Scheme)
	}
	if s.Host == "" {
		return nil, errors.New("email: SMTP URL has no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("email: SMTP URL port %q is invalid", p)
		}
		s.Port = n
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// Send delivers m in its own SMTP session. Failures are returned as *Error:
// SMTP 4xx replies, dial failures, timeouts and dropped connections are
// temporary; SMTP 5xx replies and unusable addresses are permanent.
//
// The context bounds the dial; after that the session is bounded by the
// timeout (Timeout, or the context's deadline if sooner), because go-mail
// drives the connection with deadlines rather than the context.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return temporary(fmt.Errorf("message %d: %w", m.ID, err))
	}
	msg, err := buildMsg(m, time.Now())
	if err != nil {
		return err
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultSMTPTimeout
	}
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return temporary(fmt.Errorf("message %d: %w", m.ID, context.DeadlineExceeded))
		}
		if left < timeout {
			timeout = left
		}
	}

	client, err := gomail.NewClient(s.Host, s.clientOptions(timeout)...)
	if err != nil {
		return permanent(fmt.Errorf("message %d: configure SMTP client for %s: %w", m.ID, s.addr(), err))
	}
	sendErr := client.DialAndSendWithContext(ctx, msg)
	if sendErr == nil || msg.IsDelivered() {
		// IsDelivered: the server accepted the DATA; a failing RSET or QUIT
		// afterwards must not cause a second copy to be sent.
		return nil
	}
	e := classifySMTP(sendErr)
	if ctx.Err() != nil {
		e.Temporary = true
	}
	e.Err = fmt.Errorf("message %d via %s: %w", m.ID, s.addr(), e.Err)
	return e
}

func (s *SMTP) addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

func (s *SMTP) clientOptions(timeout time.Duration) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithTimeout(timeout),
	}
	if s.ImplicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	// WithPort after WithSSL so our port is never overridden.
	opts = append(opts, gomail.WithPort(s.Port))
	if s.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.TLSConfig))
	}
	if s.Username != "" {
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.Username),
			gomail.WithPassword(s.Password),
		)
	}
	return opts
}

// classifySMTP maps a go-mail failure to an *Error.
//
// During the transaction go-mail returns *gomail.SendError, which carries the
// server's reply code (ErrorCode) and IsTemp. Failures while connecting
// (greeting, EHLO, STARTTLS, AUTH) arrive as *textproto.Error with the reply
// code. 4xx is temporary and 5xx permanent. Without a reply code, address
// problems are permanent and everything else (refused or dropped
// connections, timeouts, TLS and DNS trouble) is treated as temporary so that
// an outage of the relay delays mail instead of losing it.
func classifySMTP(err error) *Error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		switch {
		case se.IsTemp() || (code >= 400 && code < 500):
			return &Error{Temporary: true, Code: code, Err: err}
		case code >= 500:
			return &Error{Code: code, Err: err}
		case se.Reason == gomail.ErrGetSender || se.Reason == gomail.ErrGetRcpts ||
			se.Reason == gomail.ErrNoUnencoded:
			return &Error{Err: err}
		default:
			return &Error{Temporary: true, Err: err}
		}
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return &Error{Temporary: te.Code < 500, Code: te.Code, Err: err}
	}
	if code := leadingReplyCode(err.Error()); code != 0 {
		return &Error{Temporary: code < 500, Code: code, Err: err}
	}
	return &Error{Temporary: true, Err: err}
}

// leadingReplyCode finds an SMTP reply code in errors that go-mail formatted
// with %s rather than %w, e.g. "dial failed: SMTP AUTH failed: 535 ...".
func leadingReplyCode(s string) int {
	for _, part := range strings.Split(s, ": ") {
		if len(part) >= 4 && (part[0] == '4' || part[0] == '5') && part[3] == ' ' {
			if n, err := strconv.Atoi(part[:3]); err == nil {
				return n
			}
		}
	}
	return 0
}
