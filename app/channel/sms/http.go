package sms

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxResponse bounds how much of a provider response is read.
const maxResponse = 1 << 20

// postForm sends an application/x-www-form-urlencoded POST and returns the
// status code and (at most maxResponse bytes of) the body. A transport
// failure comes back as a temporary *Error.
func postForm(ctx context.Context, hc *http.Client, endpoint string, form url.Values,
	auth func(*http.Request)) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, permanent("", fmt.Errorf("build request to %s: %w", endpoint, err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	auth(req)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, temporary("", fmt.Errorf("POST %s: %w", redact(endpoint), err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return resp.StatusCode, nil, temporary("", fmt.Errorf("POST %s: read response: %w", redact(endpoint), err))
	}
	return resp.StatusCode, body, nil
}

// redact drops a query string (and with it any credentials) from a URL
// before it ends up in an error message.
func redact(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// snippet shortens a response body for error messages.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func httpCode(status int) string { return fmt.Sprintf("HTTP_%d", status) }
