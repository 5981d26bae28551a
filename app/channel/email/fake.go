package email

import (
	"context"
	"fmt"
	"sync"
)

// Fake is an in-memory Sender for tests. It records every message it
// accepted; Fail, when set, is consulted first and can script failures
// (return an *Error to choose temporary or permanent; any other error is
// wrapped and classified with IsTemporary). Fake is safe for concurrent use.
type Fake struct {
	// Fail decides the outcome of a send; nil or a nil result accepts it.
	// Set it before the Fake is shared between goroutines.
	Fail func(Message) error

	mu       sync.Mutex
	sent     []Message
	attempts int
}

// Send records m unless Fail or the context says otherwise.
func (f *Fake) Send(ctx context.Context, m Message) error {
	f.mu.Lock()
	f.attempts++
	f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return temporary(fmt.Errorf("message %d: %w", m.ID, err))
	}
	if f.Fail != nil {
		if err := f.Fail(m); err != nil {
			if e, ok := err.(*Error); ok {
				return e
			}
			return &Error{Temporary: IsTemporary(err), Err: fmt.Errorf("message %d: %w", m.ID, err)}
		}
	}
	f.mu.Lock()
	f.sent = append(f.sent, m)
	f.mu.Unlock()
	return nil
}

// Sent returns a copy of the accepted messages in the order they were sent.
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
