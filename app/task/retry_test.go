package task

import (
	"errors"
	"testing"
	"time"

	"github.com/loyalty/backoffice/app/messaging"
)

func TestRetryDelay(t *testing.T) {
	f := retryDelay(2*time.Second, time.Minute)
	want := []time.Duration{2, 4, 8, 16, 32, 60, 60, 60}
	for n, w := range want {
		if got := f(n, errors.New("451"), nil); got != w*time.Second {
			t.Errorf("retry %d: %v, want %v", n, got, w*time.Second)
		}
	}
	early := &messaging.NotDueError{At: time.Now().Add(10 * time.Second)}
	if got := f(0, early, nil); got < 10*time.Second || got > 11*time.Second {
		t.Errorf("early wake-up retried after %v", got)
	}
	if isFailure(early) || !isFailure(errors.New("x")) || isFailure(nil) {
		t.Error("isFailure")
	}
	if MessageMaxRetry+1 != messaging.MaxAttempts {
		t.Error("asynq's retries and messaging.MaxAttempts disagree")
	}
}
