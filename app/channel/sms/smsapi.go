package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// DefaultSMSAPIBaseURL is SMSAPI.pl's API host.
const DefaultSMSAPIBaseURL = "https://api.smsapi.pl"

// SMSAPI sends through SMSAPI.pl's REST endpoint POST {BaseURL}/sms.do with
// a Bearer token. Each request carries idx={our id} and check_idx=1: SMSAPI
// then refuses a second message with the same idx (error 53), which makes
// retries safe; Send reports that refusal as success with Result.Duplicate.
// SMSAPI is safe for concurrent use.
type SMSAPI struct {
	Token       string
	BaseURL     string // default DefaultSMSAPIBaseURL
	From        string // sender name; empty: the account's default
	CallbackURL string // notify_url for delivery reports
	HTTP        *http.Client
}

// smsapiResponse covers both answers of sms.do: the list of accepted
// messages, or {"error":13,"message":"..."} (often with HTTP 200).
type smsapiResponse struct {
	Count int `json:"count"`
	List  []struct {
		ID     string          `json:"id"`
		Points json.Number     `json:"points"`
		Number string          `json:"number"`
		Status string          `json:"status"`
		Error  json.RawMessage `json:"error"`
	} `json:"list"`
	Error   json.RawMessage `json:"error"`
	Message string          `json:"message"`
}

// Send submits m. See classifySMSAPI for the error mapping.
func (s *SMSAPI) Send(ctx context.Context, m Message) (Result, error) {
	digits, err := checkMessage(m)
	if err != nil {
		return Result{}, err
	}
	form := url.Values{}
	form.Set("to", digits)
	form.Set("message", m.Body)
	if from := firstNonEmpty(m.From, s.From); from != "" {
		form.Set("from", from)
	}
	form.Set("format", "json")
	form.Set("encoding", "utf-8")
	form.Set("idx", strconv.FormatInt(m.ID, 10))
	form.Set("check_idx", "1")
	if s.CallbackURL != "" {
		form.Set("notify_url", s.CallbackURL)
	}

	base := strings.TrimRight(firstNonEmpty(s.BaseURL, DefaultSMSAPIBaseURL), "/")
	hc := s.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	status, body, err := postForm(ctx, hc, base+"/sms.do", form, func(r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+s.Token)
	})
	if err != nil {
		return Result{}, wrapID(m.ID, "smsapi", err)
	}
	res, err := parseSMSAPI(status, body)
	if err != nil {
		return Result{}, wrapID(m.ID, "smsapi", err)
	}
	return res, nil
}

// parseSMSAPI interprets one sms.do response.
func parseSMSAPI(status int, body []byte) (Result, error) {
	if status == http.StatusTooManyRequests || status >= 500 {
		return Result{}, temporary(httpCode(status), fmt.Errorf("HTTP %d: %s", status, snippet(body)))
	}
	var r smsapiResponse
	jsonErr := json.Unmarshal(body, &r)
	if jsonErr == nil {
		if code, ok := smsapiCode(r.Error); ok {
			return smsapiFailure(code, r.Message)
		}
	}
	if status < 200 || status > 299 {
		// 4xx without an SMSAPI error code (e.g. 401 from a proxy).
		return Result{}, permanent(httpCode(status), fmt.Errorf("HTTP %d: %s", status, snippet(body)))
	}
	if jsonErr != nil {
		// Accepted or not, we cannot tell; a retry is safe thanks to check_idx.
		return Result{}, temporary(httpCode(status), fmt.Errorf("unreadable response: %w: %s", jsonErr, snippet(body)))
	}
	if len(r.List) == 0 {
		return Result{}, temporary(httpCode(status), fmt.Errorf("response lists no message: %s", snippet(body)))
	}
	item := r.List[0]
	if code, ok := smsapiCode(item.Error); ok {
		return smsapiFailure(code, r.Message)
	}
	if item.ID == "" {
		return Result{}, temporary(httpCode(status), fmt.Errorf("response has no message id: %s", snippet(body)))
	}
	return Result{ProviderID: item.ID}, nil
}

// smsapiCode reads an "error" field that SMSAPI sends as a number (and some
// proxies as a string). ok is false when there is no error.
func smsapiCode(raw json.RawMessage) (int, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false
	}
	s := strings.Trim(string(raw), `"`)
	n, err := strconv.Atoi(s)
	if err != nil || n == 0 {
		return 0, false
	}
	return n, true
}

// smsapiFailure maps SMSAPI's error codes (https://www.smsapi.pl/docs,
// "Kody błędów"). The ones worth retrying:
//
//	  8  error in request (SMSAPI asks to report it; transient on their side)
//	 52  too many messages to one number within 60 s
//	103  no points left on the account (retry after the account is topped up)
//	200  unsuccessful submission, "please try again"
//	201  internal system error
//	202  too many simultaneous requests
//	203  too many requests, try again later
//	≥500 (999) internal system error
//
// Error 53 is not a failure at all: check_idx=1 found an accepted message
// with the same idx, i.e. an earlier attempt of this very message went out;
// it is reported as Result{Duplicate: true}. Everything else (13 no valid
// number, 14 bad sender name, 11 message too long, 57 number blacklisted,
// 101/102 bad credentials, 105 IP filter, ...) is permanent.
func smsapiFailure(code int, msg string) (Result, error) {
	c := strconv.Itoa(code)
	err := fmt.Errorf("SMSAPI error %d: %s", code, msg)
	switch {
	case code == 53:
		return Result{Duplicate: true}, nil
	case code == 8, code == 52, code == 103, code >= 200 && code <= 203, code >= 500:
		return Result{}, temporary(c, err)
	default:
		return Result{}, permanent(c, err)
	}
}

// wrapID adds the message id and provider to an *Error's text.
func wrapID(id int64, provider string, err error) error {
	if e, ok := err.(*Error); ok {
		e.Err = fmt.Errorf("message %d via %s: %w", id, provider, e.Err)
		return e
	}
	return &Error{Temporary: IsTemporary(err), Err: fmt.Errorf("message %d via %s: %w", id, provider, err)}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
