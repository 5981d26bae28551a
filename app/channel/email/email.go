// Package email delivers the back office's outgoing e-mails.
//
// The background worker hands every scheduled e-mail to a Sender. Three
// implementations exist:
//
//   - SMTP talks to a real mail server (smtp:// with opportunistic STARTTLS,
//     or smtps:// with implicit TLS) using github.com/wneessen/go-mail;
//   - Outbox writes one RFC 5322 .eml file per message into a directory, for
//     development and for installations without a mail server;
//   - Fake records messages in memory for tests.
//
// A Sender returns nil or an *Error. The Error tells the caller whether the
// failure is worth retrying (Temporary: SMTP 4xx, network trouble, timeouts,
// cancelled contexts) or not (SMTP 5xx, malformed addresses). Use IsTemporary
// to classify any error.
//
// Every message carries a deterministic Message-ID derived from our database
// id (see MessageID), so when a send is retried after an ambiguous failure
// the receiving side sees the same Message-ID twice and can deduplicate.
package email

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one e-mail to send. ID is our database message id: it makes the
// Message-ID deterministic, so a retried send carries the same Message-ID
// (receivers can deduplicate).
type Message struct {
	ID      int64
	From    string // "Sklep <sklep@example.pl>" or "sklep@example.pl"
	To      string // a single recipient address
	Subject string
	HTML    string
	Text    string // plain-text alternative; derived from HTML when empty
}

// Sender delivers one message. It returns nil or an *Error.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Error says whether a failure is worth retrying.
type Error struct {
	Temporary bool  // true: retry later; false: mark the message failed
	Code      int   // SMTP reply code (e.g. 451, 550), 0 if none
	Err       error // the underlying failure
}

func (e *Error) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	if e.Code != 0 {
		return fmt.Sprintf("email: %s failure (SMTP %d): %v", kind, e.Code, e.Err)
	}
	return fmt.Sprintf("email: %s failure: %v", kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// IsTemporary reports whether err is worth retrying: an *Error with Temporary
// set, a cancelled or expired context, a network timeout or a refused /
// reset connection. Anything else (including nil) is not temporary.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Temporary
	}
	return isTransient(err)
}

// isTransient recognises failures of the transport rather than of the message.
func isTransient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var de *net.DNSError
	if errors.As(err, &de) && (de.IsTemporary || de.IsTimeout) {
		return true
	}
	return false
}

// permanent and temporary build an *Error around err.
func permanent(err error) *Error { return &Error{Err: err} }
func temporary(err error) *Error { return &Error{Temporary: true, Err: err} }

// MessageID returns the deterministic Message-ID for our message id,
// "<msg-{id}@{domain}>". domain is normally the domain of the From address.
func MessageID(id int64, domain string) string {
	if domain == "" {
		domain = "localhost"
	}
	return "<msg-" + strconv.FormatInt(id, 10) + "@" + domain + ">"
}

// New returns the Sender configured by smtpURL: an empty URL gives an Outbox
// writing into dataDir/outbox; smtp:// and smtps:// URLs give an SMTP sender
// (see ParseSMTPURL).
func New(smtpURL, dataDir string) (Sender, error) {
	smtpURL = strings.TrimSpace(smtpURL)
	if smtpURL == "" {
		if dataDir == "" {
			return nil, errors.New("email: no SMTP URL and no data directory configured")
		}
		return &Outbox{Dir: filepath.Join(dataDir, "outbox")}, nil
	}
	s, err := ParseSMTPURL(smtpURL)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// buildMsg turns m into a go-mail message: From, To, Subject, Date, the
// deterministic Message-ID and a multipart/alternative body (plain text
// first, HTML last as the preferred part). Problems here are the message's
// fault and therefore permanent.
func buildMsg(m Message, now time.Time) (*gomail.Msg, error) {
	if m.ID <= 0 {
		return nil, permanent(fmt.Errorf("message id %d: must be positive", m.ID))
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, permanent(fmt.Errorf("message %d: invalid From %q: %w", m.ID, m.From, err))
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, permanent(fmt.Errorf("message %d: invalid To %q: %w", m.ID, m.To, err))
	}
	if strings.TrimSpace(m.HTML) == "" && strings.TrimSpace(m.Text) == "" {
		return nil, permanent(fmt.Errorf("message %d: empty body", m.ID))
	}

	msg := gomail.NewMsg()
	msg.FromMailAddress(from)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	msg.SetDateWithValue(now)
	msg.SetMessageIDWithValue(strings.Trim(MessageID(m.ID, addrDomain(from.Address)), "<>"))

	text := m.Text
	if strings.TrimSpace(text) == "" {
		text = htmlToText(m.HTML)
	}
	msg.SetBodyString(gomail.TypeTextPlain, text)
	if strings.TrimSpace(m.HTML) != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// addrDomain returns the part of an address after the last '@'.
func addrDomain(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(addr[i+1:])
	}
	return ""
}

var (
	_ Sender = (*SMTP)(nil)
	_ Sender = (*Outbox)(nil)
	_ Sender = (*Fake)(nil)
)
