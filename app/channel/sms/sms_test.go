package sms

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// ---- a fake SMSAPI.pl (sms.do) ----

// fakeSMSAPI checks every request the way SMSAPI would and remembers the
// idx values it accepted, so check_idx=1 behaves like the real gateway:
// a second message with an accepted idx is refused with error 53.
type fakeSMSAPI struct {
	t     *testing.T
	token string

	mu       sync.Mutex
	requests []url.Values
	accepted map[string]string // idx -> message id
	// answer, when set, replaces the normal processing for a request.
	answer func(w http.ResponseWriter, form url.Values) bool
}

func newFakeSMSAPI(t *testing.T) (*fakeSMSAPI, *httptest.Server) {
	f := &fakeSMSAPI{t: t, token: "tok-123", accepted: map[string]string{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeSMSAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t := f.t
	if r.Method != http.MethodPost || r.URL.Path != "/sms.do" {
		t.Errorf("SMSAPI got %s %s, want POST /sms.do", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+f.token {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":101,"message":"Authorization failed"}`)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q", ct)
	}
	if err := r.ParseForm(); err != nil {
		t.Errorf("ParseForm: %v", err)
	}
	if len(r.URL.Query()) != 0 {
		t.Errorf("parameters must travel in the body, got query %q", r.URL.RawQuery)
	}
	form := r.PostForm
	f.mu.Lock()
	f.requests = append(f.requests, form)
	f.mu.Unlock()
	for key, want := range map[string]string{"format": "json", "encoding": "utf-8", "check_idx": "1"} {
		if got := form.Get(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if to := form.Get("to"); strings.HasPrefix(to, "+") || to == "" {
		t.Errorf("to = %q, want digits without '+'", to)
	}
	if form.Get("idx") == "" || form.Get("message") == "" {
		t.Errorf("idx/message missing: %v", form)
	}
	w.Header().Set("Content-Type", "application/json")
	if f.answer != nil && f.answer(w, form) {
		return
	}
	if ok := f.accept(form); !ok {
		fmt.Fprint(w, `{"error":53,"message":"Not unique idx parameter, message with the same idx has been already sent and &check_idx=1."}`)
		return
	}
	fmt.Fprintf(w, `{"count":1,"list":[{"id":%q,"points":0.16,"number":%q,"date_sent":1717580000,"submitted_number":%q,"status":"QUEUE","error":null,"idx":%q}]}`,
		"60F1D3A93566319D1E7B3DDE", form.Get("to"), form.Get("to"), form.Get("idx"))
}

// accept records the idx; false if it was accepted before.
func (f *fakeSMSAPI) accept(form url.Values) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	idx := form.Get("idx")
	if _, dup := f.accepted[idx]; dup {
		return false
	}
	f.accepted[idx] = "60F1D3A93566319D1E7B3DDE"
	return true
}

func (f *fakeSMSAPI) lastRequest() url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		return nil
	}
	return f.requests[len(f.requests)-1]
}

func newSMSAPISender(t *testing.T, srv *httptest.Server, token string) Sender {
	t.Helper()
	s, err := New(Config{
		Provider:      "smsapi",
		SMSAPIToken:   token,
		SMSAPIBaseURL: srv.URL,
		SMSAPIFrom:    "Sklep",
		CallbackURL:   "https://bo.example.pl/hooks/smsapi",
	}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var polishMessage = Message{ID: 42, To: "+48500100200", Body: "Zażółć gęślą jaźń: masz 120 pkt"}

func TestSMSAPISendsFormWithIdx(t *testing.T) {
	f, srv := newFakeSMSAPI(t)
	s := newSMSAPISender(t, srv, f.token)

	res, err := s.Send(context.Background(), polishMessage)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if res.ProviderID != "60F1D3A93566319D1E7B3DDE" || res.Duplicate {
		t.Errorf("Result = %+v", res)
	}
	form := f.lastRequest()
	want := map[string]string{
		"to":         "48500100200",
		"message":    polishMessage.Body,
		"from":       "Sklep",
		"format":     "json",
		"encoding":   "utf-8",
		"idx":        "42",
		"check_idx":  "1",
		"notify_url": "https://bo.example.pl/hooks/smsapi",
	}
	for k, v := range want {
		if form.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, form.Get(k), v)
		}
	}

	// Message.From overrides the configured sender name.
	m := polishMessage
	m.ID, m.From = 43, "Promocja"
	if _, err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got := f.lastRequest().Get("from"); got != "Promocja" {
		t.Errorf("from = %q, want Promocja", got)
	}
}

func TestSMSAPIRetryAfterLostResponseIsDuplicate(t *testing.T) {
	f, srv := newFakeSMSAPI(t)
	first := true
	f.answer = func(w http.ResponseWriter, form url.Values) bool {
		if !first {
			return false
		}
		first = false
		f.accept(form) // the gateway took the message ...
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html>502 Bad Gateway</html>") // ... but the answer got lost
		return true
	}
	s := newSMSAPISender(t, srv, f.token)

	_, err := s.Send(context.Background(), polishMessage)
	if !IsTemporary(err) {
		t.Fatalf("first attempt: %v, want temporary", err)
	}
	res, err := s.Send(context.Background(), polishMessage)
	if err != nil {
		t.Fatalf("retry: %v, want success", err)
	}
	if !res.Duplicate || res.ProviderID != "" {
		t.Errorf("retry Result = %+v, want Duplicate with empty ProviderID", res)
	}
}

func TestSMSAPIErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		temporary bool
		code      string
	}{
		{"no valid number (HTTP 200)", 200, `{"error":13,"message":"No correct phone numbers"}`, false, "13"},
		{"bad sender name", 200, `{"error":14,"message":"Wrong sender name"}`, false, "14"},
		{"invalid token", 200, `{"error":101,"message":"Authorization failed"}`, false, "101"},
		{"IP filter", 200, `{"error":105,"message":"Wrong IP address"}`, false, "105"},
		{"no points left", 200, `{"error":103,"message":"Lack of points"}`, true, "103"},
		{"internal error", 200, `{"error":201,"message":"System internal error"}`, true, "201"},
		{"too many requests", 200, `{"error":203,"message":"Too many requests"}`, true, "203"},
		{"system error 999", 200, `{"error":999,"message":"System internal error"}`, true, "999"},
		{"error code as string", 200, `{"error":"13","message":"No correct phone numbers"}`, false, "13"},
		{"HTTP 500", 500, `Internal Server Error`, true, "HTTP_500"},
		{"HTTP 503 with JSON", 503, `{"error":201,"message":"maintenance"}`, true, "HTTP_503"},
		{"HTTP 429", 429, `{"message":"Too Many Requests"}`, true, "HTTP_429"},
		{"HTTP 401", 401, `{"error":101,"message":"Authorization failed"}`, false, "101"},
		{"HTTP 404 html", 404, `<html>not found</html>`, false, "HTTP_404"},
		{"garbage with 200", 200, `<html>oops</html>`, true, "HTTP_200"},
		{"empty list", 200, `{"count":0,"list":[]}`, true, "HTTP_200"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, srv := newFakeSMSAPI(t)
			f.answer = func(w http.ResponseWriter, _ url.Values) bool {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
				return true
			}
			_, err := newSMSAPISender(t, srv, f.token).Send(context.Background(), polishMessage)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Send = %v, want *Error", err)
			}
			if e.Temporary != tc.temporary || e.Code != tc.code {
				t.Errorf("Temporary=%v Code=%q, want %v %q (%v)", e.Temporary, e.Code, tc.temporary, tc.code, err)
			}
			if IsTemporary(err) != tc.temporary {
				t.Errorf("IsTemporary = %v", IsTemporary(err))
			}
			if !strings.Contains(err.Error(), "message 42") {
				t.Errorf("error %q does not name the message", err)
			}
		})
	}
}

func TestSMSAPIWrongTokenIsPermanent(t *testing.T) {
	_, srv := newFakeSMSAPI(t)
	_, err := newSMSAPISender(t, srv, "wrong").Send(context.Background(), polishMessage)
	var e *Error
	if !errors.As(err, &e) || e.Temporary || e.Code != "101" {
		t.Errorf("Send = %v, want permanent 101", err)
	}
}

func TestNetworkFailuresAreTemporary(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	_ = l.Close()

	hc := &http.Client{Timeout: 2 * time.Second}
	for _, c := range []Config{
		{Provider: "smsapi", SMSAPIToken: "t", SMSAPIBaseURL: dead},
		{Provider: "twilio", TwilioSID: "AC1", TwilioToken: "t", TwilioFrom: "+15005550006", TwilioBaseURL: dead},
	} {
		s, err := New(c, hc)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Send(context.Background(), polishMessage)
		if !IsTemporary(err) {
			t.Errorf("%s: Send = %v, want temporary", c.Provider, err)
		}
	}

	// A slow gateway runs into the context deadline: temporary as well.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm() // once the body is read, the server notices the client leaving
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	s, _ := New(Config{Provider: "smsapi", SMSAPIToken: "t", SMSAPIBaseURL: slow.URL}, slow.Client())
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := s.Send(ctx, polishMessage); !IsTemporary(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow gateway: %v, want temporary deadline exceeded", err)
	}
}

func TestInvalidMessagesArePermanentAndNotSent(t *testing.T) {
	f, srv := newFakeSMSAPI(t)
	s := newSMSAPISender(t, srv, f.token)
	for _, m := range []Message{
		{ID: 1, To: "500100200x", Body: "x"},
		{ID: 1, To: "+0048500100200", Body: "x"},
		{ID: 1, To: "+48 500", Body: "x"},
		{ID: 1, To: "+48500100200", Body: "   "},
		{ID: 0, To: "+48500100200", Body: "x"},
	} {
		_, err := s.Send(context.Background(), m)
		var e *Error
		if !errors.As(err, &e) || e.Temporary {
			t.Errorf("Send(%+v) = %v, want permanent", m, err)
		}
	}
	if f.lastRequest() != nil {
		t.Error("invalid messages reached the gateway")
	}
}

// ---- a fake Twilio Messages resource ----

const (
	twilioSID   = "AC0123456789abcdef0123456789abcdef"
	twilioToken = "secret-token"
)

func twilioServer(t *testing.T, answer func(w http.ResponseWriter, form url.Values)) (*httptest.Server, *[]url.Values) {
	var mu sync.Mutex
	var forms []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wantPath := "/2010-04-01/Accounts/" + twilioSID + "/Messages.json"
		if r.Method != http.MethodPost || r.URL.Path != wantPath {
			t.Errorf("Twilio got %s %s, want POST %s", r.Method, r.URL.Path, wantPath)
		}
		w.Header().Set("Content-Type", "application/json")
		user, pass, ok := r.BasicAuth()
		if !ok || user != twilioSID || pass != twilioToken {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`)
			return
		}
		if err := r.ParseForm(); err != nil {
			t.Errorf("ParseForm: %v", err)
		}
		mu.Lock()
		forms = append(forms, r.PostForm)
		mu.Unlock()
		answer(w, r.PostForm)
	}))
	t.Cleanup(srv.Close)
	return srv, &forms
}

func twilioCreated(w http.ResponseWriter, form url.Values) {
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"account_sid":%q,"api_version":"2010-04-01","body":%q,"date_created":"Thu, 24 Aug 2023 05:01:45 +0000",`+
		`"direction":"outbound-api","error_code":null,"error_message":null,"from":%q,"num_segments":"1",`+
		`"sid":"SMaaaabbbbccccddddeeeeffff00001111","status":"queued","to":%q,"uri":"/2010-04-01/Accounts/%s/Messages/SMaaaabbbbccccddddeeeeffff00001111.json"}`,
		twilioSID, form.Get("Body"), form.Get("From"), form.Get("To"), twilioSID)
}

func newTwilioSender(t *testing.T, srv *httptest.Server, token, from string) Sender {
	t.Helper()
	s, err := New(Config{
		Provider:      "twilio",
		TwilioSID:     twilioSID,
		TwilioToken:   token,
		TwilioFrom:    from,
		TwilioBaseURL: srv.URL,
		CallbackURL:   "https://bo.example.pl/hooks/twilio",
	}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTwilioCreatesMessage(t *testing.T) {
	srv, forms := twilioServer(t, twilioCreated)
	s := newTwilioSender(t, srv, twilioToken, "+15005550006")
	m := polishMessage
	m.To = "48500100200" // a missing '+' is added
	res, err := s.Send(context.Background(), m)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if res.ProviderID != "SMaaaabbbbccccddddeeeeffff00001111" {
		t.Errorf("ProviderID = %q", res.ProviderID)
	}
	form := (*forms)[0]
	for k, v := range map[string]string{
		"To":             "+48500100200",
		"From":           "+15005550006",
		"Body":           polishMessage.Body,
		"StatusCallback": "https://bo.example.pl/hooks/twilio",
	} {
		if form.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, form.Get(k), v)
		}
	}

	// A Messaging Service SID goes into MessagingServiceSid instead of From.
	svc := "MG0123456789abcdef0123456789abcdef"
	if _, err := newTwilioSender(t, srv, twilioToken, svc).Send(context.Background(), polishMessage); err != nil {
		t.Fatal(err)
	}
	form = (*forms)[1]
	if form.Get("MessagingServiceSid") != svc || form.Has("From") {
		t.Errorf("messaging service form = %v", form)
	}
}

func TestTwilioErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		temporary bool
		code      string
	}{
		{"invalid To", 400, `{"code":21211,"message":"Invalid 'To' Phone Number: +48500100200","more_info":"https://www.twilio.com/docs/errors/21211","status":400}`, false, "21211"},
		{"unverified sender", 400, `{"code":21608,"message":"The number is unverified.","more_info":"https://www.twilio.com/docs/errors/21608","status":400}`, false, "21608"},
		{"rate limited", 429, `{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}`, true, "20429"},
		{"server error", 500, `{"code":20500,"message":"Internal Server Error","status":500}`, true, "20500"},
		{"bad gateway html", 502, `<html>Bad Gateway</html>`, true, "HTTP_502"},
		{"created without sid", 201, `{"status":"queued"}`, true, "HTTP_201"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := twilioServer(t, func(w http.ResponseWriter, _ url.Values) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			_, err := newTwilioSender(t, srv, twilioToken, "+15005550006").Send(context.Background(), polishMessage)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Send = %v, want *Error", err)
			}
			if e.Temporary != tc.temporary || e.Code != tc.code {
				t.Errorf("Temporary=%v Code=%q, want %v %q (%v)", e.Temporary, e.Code, tc.temporary, tc.code, err)
			}
		})
	}

	srv, _ := twilioServer(t, twilioCreated)
	_, err := newTwilioSender(t, srv, "wrong", "+15005550006").Send(context.Background(), polishMessage)
	var e *Error
	if !errors.As(err, &e) || e.Temporary || e.Code != "20003" {
		t.Errorf("wrong token: %v, want permanent 20003", err)
	}
}

// ---- Outbox, Fake, New ----

func TestOutbox(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Config{DataDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Send(context.Background(), polishMessage)
	if err != nil {
		t.Fatal(err)
	}
	if res.ProviderID != "outbox-42" {
		t.Errorf("ProviderID = %q", res.ProviderID)
	}
	path := filepath.Join(dir, "outbox", "42.txt")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "+48500100200\n\n"+polishMessage.Body {
		t.Errorf("file = %q", b)
	}
	m := polishMessage
	m.Body = "druga wersja"
	if _, err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "outbox"))
	if len(entries) != 1 {
		t.Errorf("outbox has %d files, want 1", len(entries))
	}
	b, _ = os.ReadFile(path)
	if !strings.HasSuffix(string(b), "druga wersja") {
		t.Errorf("resend did not replace the file: %q", b)
	}
}

func TestFake(t *testing.T) {
	f := &Fake{Fail: func(m Message) error {
		switch m.ID {
		case 2:
			return &Error{Temporary: true, Code: "201", Err: errors.New("gateway busy")}
		case 3:
			return errors.New("number blacklisted")
		}
		return nil
	}}
	var s Sender = f
	ctx := context.Background()
	res, err := s.Send(ctx, Message{ID: 1, To: "+48500100200", Body: "a"})
	if err != nil || res.ProviderID != "fake-1" {
		t.Fatalf("Send = %+v, %v", res, err)
	}
	if _, err := s.Send(ctx, Message{ID: 2}); !IsTemporary(err) {
		t.Errorf("scripted temporary: %v", err)
	}
	var e *Error
	if _, err := s.Send(ctx, Message{ID: 3}); !errors.As(err, &e) || e.Temporary {
		t.Errorf("scripted plain error: %v, want permanent *Error", err)
	}
	if got := f.Sent(); len(got) != 1 || got[0].ID != 1 || f.Attempts() != 3 {
		t.Errorf("Sent = %+v, Attempts = %d", got, f.Attempts())
	}
	f.Reset()
	if len(f.Sent()) != 0 {
		t.Error("Reset did not clear")
	}
}

func TestNewValidatesConfig(t *testing.T) {
	for _, c := range []Config{
		{Provider: "outbox"},
		{Provider: "smsapi"},
		{Provider: "twilio", TwilioSID: "AC1", TwilioToken: "t"},
		{Provider: "twilio", TwilioFrom: "+1"},
		{Provider: "carrier-pigeon", DataDir: "/tmp"},
	} {
		if _, err := New(c, nil); err == nil {
			t.Errorf("New(%+v): want error", c)
		}
	}
	s, err := New(Config{Provider: "SMSAPI", SMSAPIToken: "t"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a := s.(*SMSAPI); a.HTTP == nil || a.HTTP.Timeout != DefaultHTTPTimeout {
		t.Errorf("default HTTP client not set: %+v", a.HTTP)
	}
}

func TestIsTemporary(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("x"), false},
		{context.Canceled, true},
		{&Error{Temporary: true}, true},
		{fmt.Errorf("wrapped: %w", &Error{Code: "13", Err: errors.New("x")}), false},
	} {
		if got := IsTemporary(tc.err); got != tc.want {
			t.Errorf("IsTemporary(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	e := &Error{Code: "13", Err: errors.New("no valid numbers")}
	if !strings.Contains(e.Error(), "permanent") || !strings.Contains(e.Error(), "13") || e.Unwrap() == nil {
		t.Errorf("Error() = %q", e.Error())
	}
}

// ---- Segments ----

func TestSegments(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		encoding string
		chars    int
		parts    int
	}{
		{"empty", "", "GSM-7", 0, 0},
		{"ASCII 160", strings.Repeat("a", 160), "GSM-7", 160, 1},
		{"ASCII 161", strings.Repeat("a", 161), "GSM-7", 161, 2},
		{"ASCII 306", strings.Repeat("a", 306), "GSM-7", 306, 2},
		{"ASCII 307", strings.Repeat("a", 307), "GSM-7", 307, 3},
		{"GSM accents stay GSM-7", "Ça va? Überraschung für Åse, ñ ü à é", "GSM-7", 36, 1},
		{"euro counts 2", "Rabat 5€", "GSM-7", 9, 1},
		{"brackets count 2", "[x]{y}", "GSM-7", 10, 1},
		{"80 euros = 160 septets", strings.Repeat("€", 80), "GSM-7", 160, 1},
		{"escape pair not split", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 10), "GSM-7", 164, 2},
		{"escape pair pushed to next part", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 152), "GSM-7", 306, 3},
		{"Polish", "Zażółć", "UCS-2", 6, 1},
		{"Polish sentence", "Zażółć gęślą jaźń", "UCS-2", 17, 1},
		{"UCS-2 70", strings.Repeat("ż", 70), "UCS-2", 70, 1},
		{"UCS-2 71", strings.Repeat("ż", 71), "UCS-2", 71, 2},
		{"UCS-2 134", strings.Repeat("ż", 134), "UCS-2", 134, 2},
		{"UCS-2 135", strings.Repeat("ż", 135), "UCS-2", 135, 3},
		{"one Polish letter switches", strings.Repeat("a", 100) + "ą", "UCS-2", 101, 2},
		{"emoji is a surrogate pair", "Hej 😀", "UCS-2", 6, 1},
		{"euro inside UCS-2 counts 1", "5€ ż", "UCS-2", 4, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc, chars, parts := Segments(tc.body)
			if enc != tc.encoding || chars != tc.chars || parts != tc.parts {
				t.Errorf("Segments = %s, %d, %d; want %s, %d, %d", enc, chars, parts, tc.encoding, tc.chars, tc.parts)
			}
		})
	}
}

// ---- delivery reports ----

func TestParseSMSAPICallback(t *testing.T) {
	q := url.Values{
		"MsgId":       {"613F1B1A3236613834E3AF4B"},
		"status":      {"404"},
		"status_name": {"DELIVERED"},
		"idx":         {"42"},
		"donedate":    {"1717580000"},
		"username":    {"sklep"},
		"points":      {"0.16"},
		"to":          {"48500100200"},
		"mcc":         {"260"},
		"mnc":         {"3"},
	}
	reports, err := ParseSMSAPICallback(q)
	if err != nil {
		t.Fatal(err)
	}
	want := Report{ProviderID: "613F1B1A3236613834E3AF4B", Idx: "42", Delivered: true, Status: "DELIVERED",
		To: "48500100200", At: time.Unix(1717580000, 0).UTC()}
	if len(reports) != 1 || reports[0] != want {
		t.Errorf("reports = %+v, want %+v", reports, want)
	}

	// Several reports in one call, as comma-separated lists.
	batch, err := url.ParseQuery("MsgId=A1,A2,A3,A4&status=405,403,407,402&idx=7,8,9,10&donedate=1717580000,1717580001,1717580002,1717580003&to=48500100200,48500100201,48500100202,48500100203")
	if err != nil {
		t.Fatal(err)
	}
	reports, err = ParseSMSAPICallback(batch)
	if err != nil {
		t.Fatal(err)
	}
	type brief struct {
		id, idx, status   string
		delivered, failed bool
	}
	var got []brief
	for _, r := range reports {
		got = append(got, brief{r.ProviderID, r.Idx, r.Status, r.Delivered, r.Failed})
	}
	wantBatch := []brief{
		{"A1", "7", "UNDELIVERED", false, true},
		{"A2", "8", "SENT", false, false},
		{"A3", "9", "REJECTED", false, true},
		{"A4", "10", "EXPIRED", false, true},
	}
	if fmt.Sprint(got) != fmt.Sprint(wantBatch) {
		t.Errorf("batch = %+v\nwant %+v", got, wantBatch)
	}

	for name, bad := range map[string]url.Values{
		"no MsgId":          {"status": {"404"}},
		"missing status":    {"MsgId": {"A1"}},
		"length mismatch":   {"MsgId": {"A1,A2"}, "status": {"404"}},
		"idx list mismatch": {"MsgId": {"A1,A2"}, "status": {"404,404"}, "idx": {"1"}},
	} {
		if _, err := ParseSMSAPICallback(bad); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
}

func TestParseTwilioCallback(t *testing.T) {
	for _, tc := range []struct {
		status            string
		delivered, failed bool
	}{
		{"queued", false, false},
		{"sent", false, false},
		{"delivered", true, false},
		{"undelivered", false, true},
		{"failed", false, true},
	} {
		form := url.Values{
			"MessageSid":    {"SMaaaabbbbccccddddeeeeffff00001111"},
			"MessageStatus": {tc.status},
			"AccountSid":    {twilioSID},
			"To":            {"+48500100200"},
		}
		if tc.failed {
			form.Set("ErrorCode", "30003")
		}
		r := ParseTwilioCallback(form)
		if r.ProviderID != "SMaaaabbbbccccddddeeeeffff00001111" || r.Status != tc.status ||
			r.Delivered != tc.delivered || r.Failed != tc.failed || r.To != "+48500100200" {
			t.Errorf("%s: %+v", tc.status, r)
		}
		if tc.failed && r.ErrorCode != "30003" {
			t.Errorf("%s: ErrorCode = %q", tc.status, r.ErrorCode)
		}
	}
}

func TestVerifyTwilioSignature(t *testing.T) {
	// The example from Twilio's "Secure webhooks" documentation.
	docURL := "https://mycompany.com/myapp.php?foo=1&bar=2"
	docForm := url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {"+12349013030"},
		"Digits":  {"1234"},
		"From":    {"+12349013030"},
		"To":      {"+18005551212"},
	}
	const docSig = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
	if !VerifyTwilioSignature("12345", docURL, docForm, docSig) {
		t.Error("Twilio documentation example does not verify")
	}
	// Proxies may or may not report the default port.
	if !VerifyTwilioSignature("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", docForm, docSig) {
		t.Error("URL with explicit :443 does not verify")
	}

	// The SMS vector from twilio-ruby's RequestValidator spec.
	smsForm := url.Values{
		"ToState": {"CA"}, "FromState": {"CA"}, "AccountSid": {"ACba8bc05eacf94afdae398e642c9cc32d"},
		"SmsMessageSid": {"SM2003cbd5e6a3701999aa3e5f20ff2787"}, "Body": {"Orly"}, "From": {"+14159354345"},
		"FromCity": {"SAN FRANCISCO"}, "SmsStatus": {"received"}, "FromZip": {"94107"}, "FromCountry": {"US"},
		"To": {"+14158141819"}, "ToCity": {"SAN FRANCISCO"}, "ToZip": {"94105"}, "ToCountry": {"US"},
		"ApiVersion": {"2010-04-01"}, "SmsSid": {"SM2003cbd5e6a3701999aa3e5f20ff2787"},
	}
	if !VerifyTwilioSignature("2bd9e9638872de601313dc77410d3b23", "http://twiliotests.heroku.com/validate/sms",
		smsForm, "mxeiv65lEe0b8L6LdVw2jgJi8yw=") {
		t.Error("twilio-ruby SMS vector does not verify")
	}

	tampered := url.Values{}
	for k, v := range docForm {
		tampered[k] = v
	}
	tampered.Set("Digits", "9999")
	for name, ok := range map[string]bool{
		"tampered form": VerifyTwilioSignature("12345", docURL, tampered, docSig),
		"other URL":     VerifyTwilioSignature("12345", "https://mycompany.com/other.php?foo=1&bar=2", docForm, docSig),
		"wrong token":   VerifyTwilioSignature("54321", docURL, docForm, docSig),
		"empty sig":     VerifyTwilioSignature("12345", docURL, docForm, ""),
		"empty token":   VerifyTwilioSignature("", docURL, docForm, docSig),
		"truncated sig": VerifyTwilioSignature("12345", docURL, docForm, docSig[:10]),
		"other port":    VerifyTwilioSignature("12345", "https://mycompany.com:8443/myapp.php?foo=1&bar=2", docForm, docSig),
	} {
		if ok {
			t.Errorf("%s: verified, want rejected", name)
		}
	}
}
