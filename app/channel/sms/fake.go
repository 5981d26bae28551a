package sms

import (
	"context"
	"fmt"
	"strconv"
	"sync"
)

// Fake is an in-memory Sender for tests. It records every accepted message;
// Fail, when set, is consulted first and can script failures (return an
// *Error to choose temporary or permanent; other errors are wrapped and
// classified with IsTemporary). Fake is safe for concurrent use.
type Fake struct {
	// Fail decides the outcome of a send; nil or a nil result accepts it.
	// Set it before the Fake is shared between goroutines.
	Fail func(Message) error

	mu       sync.Mutex
	sent     []Message
	attempts int
}

// Send records m and returns ProviderID "fake-{n}" (n counts accepted
// messages from 1).
func (f *Fake) Send(ctx context.Context, m Message) (Result, error) {
	f.mu.Lock()
	f.attempts++
	f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return Result{}, temporary("", fmt.Errorf("message %d: %w", m.ID, err))
	}
	if f.Fail != nil {
		if err := f.Fail(m); err != nil {
			if e, ok := err.(*Error); ok {
				return Result{}, e
			}
			return Result{}, &Error{Temporary: IsTemporary(err), Err: fmt.Errorf("message %d: %w", m.ID, err)}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, m)
	return Result{ProviderID: "fake-" + strconv.Itoa(len(f.sent))}, nil
}

// Sent returns a copy of the accepted messages in order.
func (f *Fake) Sent() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Message(nil), f.sent...)
}

// Attempts returns how many times Send was called, failures included.
func (f *Fake) Attempts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts
}

// Reset forgets recorded messages and attempts.
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent, f.attempts = nil, 0
}
