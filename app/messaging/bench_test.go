package messaging_test

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/loyalty/backoffice/app/channel/email"
	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/messaging/messagingtest"
	"github.com/loyalty/backoffice/app/store"
	"github.com/loyalty/backoffice/app/store/storetest"
	"github.com/loyalty/backoffice/app/task"
)

// benchRedisDB: this package's database index on TEST_REDIS_URL (app/web flushes 9, app/task 11).
const benchRedisDB = 10

// benchConcurrency is the worker's concurrency, and the bare loop's goroutines.
const benchConcurrency = 20

type pipeline struct {
	st     *store.Store
	smtp   *messagingtest.SMTP
	svc    *messaging.Service
	cust   *store.Customer
	worker *task.Worker
	log    *slog.Logger
}

// newPipeline builds the whole thing as the embedded default runs it: store, Redis, the asynq
// enqueuer, and the real SMTP sender (go-mail) to a loopback server. start adds the worker.
func newPipeline(b *testing.B, backend string) *pipeline {
	b.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := &pipeline{st: storetest.Open(b, backend), smtp: messagingtest.StartSMTP(b), log: log}
	r := messagingtest.NewRedis(b, benchRedisDB)
	enq := task.NewEnqueuer(r.Opt(), log)
	b.Cleanup(func() { enq.Close() })
	p.svc = &messaging.Service{Store: p.st, Enqueuer: enq, Email: p.smtp.Sender(), MailFrom: mailFrom, Log: log, Concurrency: benchConcurrency}
	p.worker = task.NewWorker(r.Opt(), log, task.Options{Concurrency: benchConcurrency})
	b.Cleanup(p.worker.Shutdown)
	p.cust = messagingtest.Customer(b, p.st)
	return p
}

func (p *pipeline) start(b *testing.B) {
	b.Helper()
	if err := p.worker.Start(task.NewServeMux(task.Deps{Log: p.log, Messages: p.svc})); err != nil {
		b.Fatal(err)
	}
}

// waitSent polls until no message is waiting or being sent, then checks that n are sent. Each
// poll reads one row of a partial index (messages_waiting, messages_sending); a COUNT of the
// sent rows (the first version) cost PostgreSQL milliseconds per poll and slowed the run it
// measured.
func (p *pipeline) waitSent(b *testing.B, n int, timeout time.Duration) {
	b.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(timeout)
	for _, status := range []string{store.MessageScheduled, store.MessageSending} {
		for {
			var open []int64
			err := p.st.DB().NewSelect().Model((*store.Message)(nil)).Column("id").Where("status = ?", status).Limit(1).Scan(ctx, &open)
			if err != nil {
				b.Fatal(err)
			}
			if len(open) == 0 {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("messages still %s after %v", status, timeout)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	sent, err := p.st.DB().NewSelect().Model((*store.Message)(nil)).Where("status = ?", store.MessageSent).Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if int(sent) < n {
		b.Fatalf("%d of %d sent", sent, n)
	}
}

// BenchmarkEmailThroughput: e-mails per second through the whole pipeline (schedule, queue,
// claim, consent check, go-mail to a loopback SMTP server, record) against a bare go-mail loop
// with the same concurrency to the same kind of server. Run with e.g. -benchtime=1000x.
func BenchmarkEmailThroughput(b *testing.B) {
	b.Run("bare-gomail", func(b *testing.B) {
		b.ReportMetric(bareLoop(b, b.N), "emails/s")
	})
	for _, backend := range storetest.Backends(b) {
		b.Run("worker-"+backend, func(b *testing.B) {
			// The messages are saved and queued first (one staff member after another: that
			// rate is reported apart); then the bare loop runs once more, so that the ratio
			// compares two runs a moment apart on this shared machine; then the worker starts
			// and the clock runs until the last one is recorded sent.
			p := newPipeline(b, backend)
			ctx := context.Background()
			b.ResetTimer()
			b.StopTimer()
			saving := time.Now()
			for i := range b.N {
				_, errs, err := p.svc.Schedule(ctx, messaging.Draft{Channel: store.ChannelEmail, Customer: p.cust, Subject: "Bench " + strconv.Itoa(i), Body: "Treść"})
				if err != nil || len(errs) > 0 {
					b.Fatal(err, errs)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(saving).Seconds(), "scheduled/s")
			bare := bareLoop(b, b.N)
			b.StartTimer()
			start := time.Now()
			p.start(b)
			p.waitSent(b, b.N, 5*time.Minute)
			rate := float64(b.N) / time.Since(start).Seconds()
			b.ReportMetric(rate, "emails/s")
			b.ReportMetric(bare, "bare-emails/s")
			b.ReportMetric(rate/bare, "ratio")
			// The same from the first send to the last, as the rows recorded them: without
			// the worker's start-up and the first wake-up (that is lateness, measured apart).
			var span struct {
				First time.Time `bun:"first"`
				Last  time.Time `bun:"last"`
			}
			if err := p.st.DB().NewSelect().Model((*store.Message)(nil)).ColumnExpr("MIN(sent_at) AS first, MAX(sent_at) AS last").Scan(ctx, &span); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N-1)/span.Last.Sub(span.First).Seconds(), "sending-emails/s")
			if got := len(p.smtp.Received()); got != b.N {
				b.Fatalf("server got %d mails for %d messages", got, b.N)
			}
		})
	}
}

// bareLoop sends n e-mails with go-mail alone (the product's SMTP sender, no queue, no
// database) from benchConcurrency goroutines to a fresh loopback server, and returns e-mails
// per second.
func bareLoop(b *testing.B, n int) float64 {
	srv := messagingtest.StartSMTP(b)
	sender := srv.Sender()
	jobs := make(chan int64)
	var wg sync.WaitGroup
	start := time.Now()
	for range benchConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range jobs {
				err := sender.Send(context.Background(), email.Message{ID: id, From: mailFrom, To: "anna@example.pl", Subject: "Bench", HTML: messaging.SafeHTML("Treść " + strconv.FormatInt(id, 10))})
				if err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for i := range n {
		jobs <- int64(i + 1)
	}
	close(jobs)
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkLateness: 500 e-mails planned over the next five seconds; how long after its
// planned time each one was recorded sent (sent_at − send_at), p50 and p99, in milliseconds.
// Early is impossible (the claim requires send_at <= now; the test suite asserts it).
//
// "whole-seconds" plans them as staff do (a datetime-local value has no fraction of a second):
// asynq's whole-second schedule then wakes none early. "sub-second" is the worst case: asynq
// wakes a task up to a second before a fractional send_at, and the handler waits in place,
// holding one of the worker's slots meanwhile. Run with -benchtime=1x.
func BenchmarkLateness(b *testing.B) {
	const messages = 500
	for _, backend := range storetest.Backends(b) {
		for _, whole := range []bool{true, false} {
			name := backend + "/sub-second"
			if whole {
				name = backend + "/whole-seconds"
			}
			b.Run(name, func(b *testing.B) {
				p := newPipeline(b, backend)
				p.start(b)
				ctx := context.Background()
				var late []time.Duration
				b.ResetTimer()
				for round := range b.N {
					base := time.Now().Add(time.Second)
					ids := make([]int64, 0, messages)
					for i := range messages {
						at := base.Add(time.Duration(rand.Int64N(int64(5 * time.Second))))
						if whole {
							at = at.Truncate(time.Second).Add(time.Second)
						}
						m, errs, err := p.svc.Schedule(ctx, messaging.Draft{Channel: store.ChannelEmail, Customer: p.cust, Subject: "Termin " + strconv.Itoa(i), Body: "x", SendAt: at})
						if err != nil || len(errs) > 0 {
							b.Fatal(err, errs)
						}
						ids = append(ids, m.ID)
					}
					p.waitSent(b, (round+1)*messages, time.Minute)
					var rows []store.Message
					if err := p.st.DB().NewSelect().Model(&rows).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
						b.Fatal(err)
					}
					for _, m := range rows {
						d := m.SentAt.Sub(m.SendAt)
						if d < 0 {
							b.Fatalf("message %d sent %v early", m.ID, -d)
						}
						late = append(late, d)
					}
				}
				slices.Sort(late)
				q := func(p float64) float64 { return float64(late[int(p*float64(len(late)-1))].Microseconds()) / 1000 }
				b.ReportMetric(q(0.50), "p50-late-ms")
				b.ReportMetric(q(0.99), "p99-late-ms")
				b.ReportMetric(q(1), "max-late-ms")
			})
		}
	}
}
