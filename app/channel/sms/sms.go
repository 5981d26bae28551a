// Package sms delivers the back office's outgoing text messages and reads
// the delivery reports that the gateways send back.
//
// The background worker hands every scheduled SMS to a Sender chosen by
// Config.Provider:
//
//   - SMSAPI posts to SMSAPI.pl's sms.do endpoint. Our message id travels as
//     idx with check_idx=1, so the gateway refuses a second message with the
//     same idx (error 53) and a retry after an ambiguous failure can never
//     text the customer twice.
//   - Twilio posts to Twilio's Messages resource.
//   - Outbox writes one text file per message, for development.
//   - Fake records messages in memory for tests.
//
// A Sender returns a Result with the provider's message id, or an *Error
// that says whether the failure is worth retrying (network trouble, HTTP 429
// and 5xx, gateway overload) or not (invalid number, bad credentials, a
// rejected sender name). Use IsTemporary to classify any error.
//
// Delivery reports arrive at the web layer as HTTP callbacks;
// ParseSMSAPICallback, ParseTwilioCallback and VerifyTwilioSignature turn
// them into Reports without depending on any web framework. Segments tells
// how many SMS parts a text costs.
package sms

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Message is one SMS to send. ID is our database message id; To is an E.164
// number ("+48500100200"). From, when set, overrides the configured sender
// (an approved sender name, a number, or for Twilio a Messaging Service SID).
type Message struct {
	ID   int64
	To   string
	Body string
	From string
}

// Result describes an accepted message.
type Result struct {
	// ProviderID is the gateway's id of the message; delivery reports refer
	// to it. Empty when Duplicate is set.
	ProviderID string
	// Duplicate means the gateway refused the message because an earlier
	// attempt with the same id was already accepted (SMSAPI error 53 with
	// check_idx=1). The SMS went out on that earlier attempt, so the caller
	// should treat the send as done; its delivery report carries our id as
	// idx and the provider id as MsgId.
	Duplicate bool
}

// Sender delivers one SMS. The error is nil or an *Error.
type Sender interface {
	Send(ctx context.Context, m Message) (Result, error)
}

// Error says whether a failure is worth retrying.
type Error struct {
	Temporary bool   // true: retry later; false: mark the message failed
	Code      string // the provider's error code ("13", "21211"), "HTTP_503" without one, "" for local failures
	Err       error
}

func (e *Error) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	if e.Code != "" {
		return fmt.Sprintf("sms: %s failure (code %s): %v", kind, e.Code, e.Err)
	}
	return fmt.Sprintf("sms: %s failure: %v", kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// IsTemporary reports whether err is worth retrying: an *Error with
// Temporary set, a cancelled or expired context, or a network failure
// (timeout, refused or reset connection). nil and other errors are not.
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
	if errors.As(err, &oe) {
		return true
	}
	var de *net.DNSError
	if errors.As(err, &de) && (de.IsTemporary || de.IsTimeout) {
		return true
	}
	return false
}

func permanent(code string, err error) *Error { return &Error{Code: code, Err: err} }
func temporary(code string, err error) *Error {
	return &Error{Temporary: true, Code: code, Err: err}
}

// Config selects and configures the provider.
type Config struct {
	Provider string // "outbox" (default when empty), "smsapi" or "twilio"
	DataDir  string // outbox: files go to DataDir/outbox

	SMSAPIToken   string // OAuth token from the SMSAPI panel
	SMSAPIBaseURL string // default https://api.smsapi.pl
	SMSAPIFrom    string // approved sender name; empty: the account default

	TwilioSID     string // account SID (AC...)
	TwilioToken   string // auth token
	TwilioFrom    string // sender number (E.164) or Messaging Service SID (MG...)
	TwilioBaseURL string // default https://api.twilio.com

	// CallbackURL receives delivery reports: SMSAPI's notify_url, Twilio's
	// StatusCallback. Empty: no per-message callback.
	CallbackURL string
}

// DefaultHTTPTimeout is used when New is given no *http.Client.
const DefaultHTTPTimeout = 30 * time.Second

// New builds the Sender chosen by c.Provider. hc may be nil: a client with
// DefaultHTTPTimeout is used.
func New(c Config, hc *http.Client) (Sender, error) {
	if hc == nil {
		hc = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	switch strings.ToLower(strings.TrimSpace(c.Provider)) {
	case "", "outbox":
		if c.DataDir == "" {
			return nil, errors.New("sms: outbox provider needs a data directory")
		}
		return &Outbox{Dir: filepath.Join(c.DataDir, "outbox")}, nil
	case "smsapi":
		if c.SMSAPIToken == "" {
			return nil, errors.New("sms: smsapi provider needs an API token")
		}
		return &SMSAPI{
			Token:       c.SMSAPIToken,
			BaseURL:     c.SMSAPIBaseURL,
			From:        c.SMSAPIFrom,
			CallbackURL: c.CallbackURL,
			HTTP:        hc,
		}, nil
	case "twilio":
		if c.TwilioSID == "" || c.TwilioToken == "" {
			return nil, errors.New("sms: twilio provider needs an account SID and auth token")
		}
		if c.TwilioFrom == "" {
			return nil, errors.New("sms: twilio provider needs a sender number or Messaging Service SID")
		}
		return &Twilio{
			AccountSID:  c.TwilioSID,
			AuthToken:   c.TwilioToken,
			From:        c.TwilioFrom,
			BaseURL:     c.TwilioBaseURL,
			CallbackURL: c.CallbackURL,
			HTTP:        hc,
		}, nil
	default:
		return nil, fmt.Errorf("sms: unknown provider %q (want outbox, smsapi or twilio)", c.Provider)
	}
}

// e164Digits validates an E.164 number and returns its digits without '+'.
func e164Digits(to string) (string, error) {
	s := strings.TrimSpace(to)
	s = strings.TrimPrefix(s, "+")
	if len(s) < 7 || len(s) > 15 || s[0] == '0' {
		return "", fmt.Errorf("recipient %q is not an E.164 number", to)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", fmt.Errorf("recipient %q is not an E.164 number", to)
		}
	}
	return s, nil
}

// checkMessage rejects messages no provider could send.
func checkMessage(m Message) (digits string, err error) {
	if m.ID <= 0 {
		return "", permanent("", fmt.Errorf("message id %d: must be positive", m.ID))
	}
	if strings.TrimSpace(m.Body) == "" {
		return "", permanent("", fmt.Errorf("message %d: empty body", m.ID))
	}
	digits, err = e164Digits(m.To)
	if err != nil {
		return "", permanent("", fmt.Errorf("message %d: %w", m.ID, err))
	}
	return digits, nil
}

var (
	_ Sender = (*SMSAPI)(nil)
	_ Sender = (*Twilio)(nil)
	_ Sender = (*Outbox)(nil)
	_ Sender = (*Fake)(nil)
)
