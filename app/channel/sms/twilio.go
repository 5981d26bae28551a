package sms

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// DefaultTwilioBaseURL is Twilio's REST API host.
const DefaultTwilioBaseURL = "https://api.twilio.com"

// Twilio sends through Twilio's Messages resource,
// POST {BaseURL}/2010-04-01/Accounts/{AccountSID}/Messages.json with HTTP
// Basic auth (account SID : auth token). Twilio has no idempotency key for
// creating messages: if a request times out after Twilio accepted it, the
// retry sends a second SMS. Twilio is safe for concurrent use.
type Twilio struct {
	AccountSID  string
	AuthToken   string
	From        string // E.164 number or Messaging Service SID (MG...)
	BaseURL     string // default DefaultTwilioBaseURL
	CallbackURL string // StatusCallback for delivery reports
	HTTP        *http.Client
}

// twilioMessage is the part of a created Message resource we use.
type twilioMessage struct {
	SID          string `json:"sid"`
	Status       string `json:"status"`
	ErrorCode    *int   `json:"error_code"`
	ErrorMessage string `json:"error_message"`
}

// twilioError is Twilio's error document.
type twilioError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// Send creates the message. HTTP 429 and 5xx are temporary; other 4xx
// (invalid number 21211, unverified sender 21608, auth 20003, ...) are
// permanent. The Twilio error code ends up in Error.Code.
func (t *Twilio) Send(ctx context.Context, m Message) (Result, error) {
	digits, err := checkMessage(m)
	if err != nil {
		return Result{}, err
	}
	form := url.Values{}
	form.Set("To", "+"+digits)
	from := firstNonEmpty(m.From, t.From)
	switch {
	case from == "":
		return Result{}, permanent("", fmt.Errorf("message %d via twilio: no sender configured", m.ID))
	case isMessagingServiceSID(from):
		form.Set("MessagingServiceSid", from)
	default:
		form.Set("From", from)
	}
	form.Set("Body", m.Body)
	if t.CallbackURL != "" {
		form.Set("StatusCallback", t.CallbackURL)
	}

	base := strings.TrimRight(firstNonEmpty(t.BaseURL, DefaultTwilioBaseURL), "/")
	endpoint := base + "/2010-04-01/Accounts/" + url.PathEscape(t.AccountSID) + "/Messages.json"
	hc := t.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	status, body, err := postForm(ctx, hc, endpoint, form, func(r *http.Request) {
		r.SetBasicAuth(t.AccountSID, t.AuthToken)
	})
	if err != nil {
		return Result{}, wrapID(m.ID, "twilio", err)
	}
	res, err := parseTwilio(status, body)
	if err != nil {
		return Result{}, wrapID(m.ID, "twilio", err)
	}
	return res, nil
}

func parseTwilio(status int, body []byte) (Result, error) {
	if status >= 200 && status <= 299 {
		var r twilioMessage
		if err := json.Unmarshal(body, &r); err != nil || r.SID == "" {
			return Result{}, temporary(httpCode(status), fmt.Errorf("HTTP %d without message sid: %s", status, snippet(body)))
		}
		if r.Status == "failed" && r.ErrorCode != nil {
			return Result{}, permanent(strconv.Itoa(*r.ErrorCode),
				fmt.Errorf("message %s failed: %s", r.SID, r.ErrorMessage))
		}
		return Result{ProviderID: r.SID}, nil
	}
	code := httpCode(status)
	msg := snippet(body)
	var r twilioError
	if json.Unmarshal(body, &r) == nil && r.Code != 0 {
		code = strconv.Itoa(r.Code)
		msg = r.Message
		if r.MoreInfo != "" {
			msg += " (" + r.MoreInfo + ")"
		}
	}
	err := fmt.Errorf("HTTP %d: %s", status, msg)
	if status == http.StatusTooManyRequests || status >= 500 {
		return Result{}, temporary(code, err)
	}
	return Result{}, permanent(code, err)
}

// isMessagingServiceSID recognises "MG" + 32 hex digits.
func isMessagingServiceSID(s string) bool {
	if len(s) != 34 || !strings.HasPrefix(s, "MG") {
		return false
	}
	for _, c := range s[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}
