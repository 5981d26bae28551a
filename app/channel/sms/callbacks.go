package sms

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Report is one delivery report from a gateway.
type Report struct {
	ProviderID string // the gateway's message id (SMSAPI MsgId, Twilio MessageSid)
	Idx        string // our message id as sent in idx (SMSAPI only), "" if absent
	Delivered  bool   // final: the handset has the message
	Failed     bool   // final: the message will not be delivered
	Status     string // the provider's word: "DELIVERED", "UNDELIVERED", "delivered", "failed", ...
	To         string // recipient as reported, if given
	ErrorCode  string // provider's failure reason (Twilio ErrorCode), if given
	At         time.Time
}

// smsapiStatus maps the numeric status of SMSAPI delivery reports.
var smsapiStatus = map[int]string{
	401: "NOT_FOUND",   // wrong id, or the report expired
	402: "EXPIRED",     // not delivered: the number was unreachable for too long
	403: "SENT",        // sent, no delivery report from the operator yet
	404: "DELIVERED",   // delivered to the handset
	405: "UNDELIVERED", // not delivered (wrong or unavailable number)
	406: "FAILED",      // sending failed
	407: "REJECTED",    // rejected by the operator
	408: "UNKNOWN",     // no delivery report available
	409: "QUEUE",       // waiting in the queue
	410: "ACCEPTED",    // accepted by the operator
	411: "RENEWAL",     // retrying (voice)
	412: "STOP",        // stopped by the system
}

func smsapiFinal(status string) (delivered, failed bool) {
	switch status {
	case "DELIVERED":
		return true, false
	case "EXPIRED", "UNDELIVERED", "FAILED", "REJECTED", "STOP":
		return false, true
	}
	return false, false
}

// ParseSMSAPICallback reads the query of an SMSAPI delivery-report callback
// (the notify_url request). SMSAPI sends MsgId, status (numeric, 401..412),
// idx, donedate (Unix time), to and status_name; several reports may be
// batched into one request as comma-separated lists, position i of every
// list belonging to report i. The web handler must answer "OK" (plain text,
// HTTP 200), or SMSAPI calls again.
func ParseSMSAPICallback(q url.Values) ([]Report, error) {
	list := func(key string) []string {
		joined := strings.Join(q[key], ",")
		if strings.TrimSpace(joined) == "" {
			return nil
		}
		parts := strings.Split(joined, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return parts
	}
	ids := list("MsgId")
	if len(ids) == 0 {
		return nil, errors.New("sms: SMSAPI callback without MsgId")
	}
	statuses := list("status")
	if len(statuses) != len(ids) {
		return nil, fmt.Errorf("sms: SMSAPI callback has %d MsgId but %d status values", len(ids), len(statuses))
	}
	optional := map[string][]string{}
	for _, key := range []string{"idx", "to", "donedate", "status_name"} {
		vals := list(key)
		if len(vals) != 0 && len(vals) != len(ids) {
			return nil, fmt.Errorf("sms: SMSAPI callback has %d MsgId but %d %s values", len(ids), len(vals), key)
		}
		optional[key] = vals
	}
	at := func(key string, i int) string {
		if vals := optional[key]; len(vals) > 0 {
			return vals[i]
		}
		return ""
	}

	reports := make([]Report, len(ids))
	for i, id := range ids {
		if id == "" {
			return nil, fmt.Errorf("sms: SMSAPI callback report %d has an empty MsgId", i)
		}
		word := strings.ToUpper(at("status_name", i))
		if n, err := strconv.Atoi(statuses[i]); err == nil {
			if name, ok := smsapiStatus[n]; ok {
				word = name
			} else if word == "" {
				word = statuses[i]
			}
		} else if word == "" {
			word = strings.ToUpper(statuses[i])
		}
		r := Report{ProviderID: id, Idx: at("idx", i), Status: word, To: at("to", i)}
		r.Delivered, r.Failed = smsapiFinal(word)
		if d := at("donedate", i); d != "" {
			if sec, err := strconv.ParseInt(d, 10, 64); err == nil && sec > 0 {
				r.At = time.Unix(sec, 0).UTC()
			}
		}
		reports[i] = r
	}
	return reports, nil
}

// ParseTwilioCallback reads the form of a Twilio StatusCallback request.
// MessageStatus "delivered" (and "read") is Delivered; "undelivered" and
// "failed" are Failed; "queued", "sending", "sent", "accepted", ... are
// neither. Verify the request with VerifyTwilioSignature first.
func ParseTwilioCallback(form url.Values) Report {
	r := Report{
		ProviderID: firstNonEmpty(form.Get("MessageSid"), form.Get("SmsSid")),
		Status:     strings.ToLower(firstNonEmpty(form.Get("MessageStatus"), form.Get("SmsStatus"))),
		To:         form.Get("To"),
		ErrorCode:  form.Get("ErrorCode"),
	}
	switch r.Status {
	case "delivered", "read":
		r.Delivered = true
	case "undelivered", "failed":
		r.Failed = true
	}
	return r
}

// VerifyTwilioSignature checks the X-Twilio-Signature header of a webhook
// request following Twilio's algorithm: take the full URL Twilio called
// (scheme, host, path and query string), append every POST parameter sorted
// by name as name+value (no separators; repeated names contribute each
// value, sorted), HMAC-SHA1 the result keyed with the auth token and base64
// the digest. As Twilio's own libraries do, the URL is also tried with the
// default port added or removed, since proxies differ in reporting it. The
// comparison is constant-time. For GET requests pass a nil form.
func VerifyTwilioSignature(authToken, fullURL string, form url.Values, signature string) bool {
	if authToken == "" || signature == "" || fullURL == "" {
		return false
	}
	params := twilioParamString(form)
	ok := false
	for _, u := range twilioURLVariants(fullURL) {
		expected := twilioSign(authToken, u+params)
		// Evaluate every variant so the time taken does not depend on which matched.
		if subtle.ConstantTimeCompare([]byte(expected), []byte(signature)) == 1 {
			ok = true
		}
	}
	return ok
}

func twilioParamString(form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		vals := append([]string(nil), form[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	return b.String()
}

func twilioSign(token, data string) string {
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(data))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// twilioURLVariants returns the URL as given plus the same URL with the
// scheme's default port toggled (https://h/x <-> https://h:443/x). The rest
// of the URL is kept byte for byte: the signature covers it verbatim.
func twilioURLVariants(raw string) []string {
	out := []string{raw}
	sep := strings.Index(raw, "://")
	if sep < 0 {
		return out
	}
	def := map[string]string{"https": "443", "http": "80"}[strings.ToLower(raw[:sep])]
	if def == "" {
		return out
	}
	rest := raw[sep+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	host, tail := rest[:end], rest[end:]
	u, err := url.Parse("http://" + host)
	if err != nil || u.Hostname() == "" {
		return out
	}
	switch u.Port() {
	case "":
		host += ":" + def
	case def:
		host = strings.TrimSuffix(host, ":"+def)
	default:
		return out
	}
	return append(out, raw[:sep+3]+host+tail)
}
