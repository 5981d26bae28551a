package task_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/loyalty/backoffice/app/messaging/messagingtest"
)

// BenchmarkNoopTasks: tasks per second asynq runs when the handler does nothing, with the
// worker's concurrency. It is the floor under a design with one queue task per message, set
// against BenchmarkEmailThroughput's bare go-mail loop in app/messaging: it is why first
// attempts go out through one drain task per second (messaging.SendDue). Run with e.g.
// -benchtime=10000x; TEST_REDIS_URL for a real Redis (else miniredis, in process).
func BenchmarkNoopTasks(b *testing.B) {
	r := messagingtest.NewRedis(b, redisDB)
	client := asynq.NewClient(r.Opt())
	defer client.Close()
	for range b.N {
		if _, err := client.Enqueue(asynq.NewTask("noop", []byte(`{"message_id":1}`))); err != nil {
			b.Fatal(err)
		}
	}
	var n atomic.Int64
	done := make(chan struct{})
	srv := asynq.NewServer(r.Opt(), asynq.Config{Concurrency: 20, TaskCheckInterval: 100 * time.Millisecond, LogLevel: asynq.FatalLevel})
	b.ResetTimer()
	start := time.Now()
	err := srv.Start(asynq.HandlerFunc(func(context.Context, *asynq.Task) error {
		if n.Add(1) == int64(b.N) {
			close(done)
		}
		return nil
	}))
	if err != nil {
		b.Fatal(err)
	}
	<-done
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tasks/s")
	b.StopTimer()
	srv.Shutdown()
}
