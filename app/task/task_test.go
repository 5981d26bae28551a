package task_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/messaging/messagingtest"
	"github.com/loyalty/backoffice/app/store"
	"github.com/loyalty/backoffice/app/store/storetest"
	"github.com/loyalty/backoffice/app/task"
)

// redisDB is this package's database index on TEST_REDIS_URL: go test runs packages in
// parallel, app/web flushes index 9 and app/messaging uses 10.
const redisDB = 11

const mailFrom = "Program lojalnościowy <punkty@sklep.example.pl>"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type env struct {
	st    *store.Store
	smtp  *messagingtest.SMTP
	redis *messagingtest.Redis
	enq   *task.Enqueuer
	svc   *messaging.Service
}

func newEnv(t *testing.T, backend string) *env {
	t.Helper()
	e := &env{st: storetest.Open(t, backend), smtp: messagingtest.StartSMTP(t), redis: messagingtest.NewRedis(t, redisDB)}
	e.enq = task.NewEnqueuer(e.redis.Opt(), quiet)
	t.Cleanup(func() { e.enq.Close() })
	e.svc = e.service(e.enq)
	return e
}

func (e *env) service(enq messaging.Enqueuer) *messaging.Service {
	return &messaging.Service{Store: e.st, Enqueuer: enq, Email: e.smtp.Sender(), MailFrom: mailFrom, Log: quiet}
}

// fastOptions: quick retries and reconciles, so the tests take seconds.
var fastOptions = task.Options{Concurrency: 10, RetryBase: 200 * time.Millisecond, RetryCap: time.Second, ReconcileEvery: time.Second}

func (e *env) startWorker(t *testing.T, svc *messaging.Service, o task.Options) *task.Worker {
	t.Helper()
	w := task.NewWorker(e.redis.Opt(), quiet, o)
	if err := w.Start(task.NewServeMux(task.Deps{Log: quiet, Messages: svc})); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	return w
}

func eachBackend(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) { fn(t, newEnv(t, b)) })
	}
}

func msgID(id int64) string { return messagingtest.MessageID(id, "sklep.example.pl") }

func (e *env) schedule(t *testing.T, c *store.Customer, subject string, at time.Time) *store.Message {
	t.Helper()
	m, errs, err := e.svc.Schedule(context.Background(), messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: subject, Body: "Treść " + subject, SendAt: at})
	if err != nil || len(errs) > 0 {
		t.Fatalf("schedule: %v %v", err, errs)
	}
	return m
}

// waitFinal waits until none of ids is scheduled or sending, and returns the rows.
func (e *env) waitFinal(t *testing.T, timeout time.Duration, ids ...int64) map[int64]*store.Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		rows := map[int64]*store.Message{}
		done := true
		for _, id := range ids {
			m, err := e.st.Message(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			rows[id] = m
			if m.Status == store.MessageScheduled || m.Status == store.MessageSending {
				done = false
			}
		}
		if done {
			return rows
		}
		if time.Now().After(deadline) {
			for id, m := range rows {
				if !done && (m.Status == store.MessageScheduled || m.Status == store.MessageSending) {
					t.Errorf("message %d still %s after %v (attempts %d, %q)", id, m.Status, timeout, m.Attempts, m.LastError)
				}
			}
			t.FailNow()
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Fifty messages planned over the next three seconds: every one is sent exactly once, and
// none before its time (recorded sent_at and the SMTP server's own arrival time).
func TestWorkerNeverSendsEarly(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		e.startWorker(t, e.svc, fastOptions)
		c := messagingtest.Customer(t, e.st)
		base := time.Now().Add(300 * time.Millisecond)
		var ids []int64
		for i := range 50 {
			at := base.Add(time.Duration(rand.Int64N(int64(3 * time.Second))))
			ids = append(ids, e.schedule(t, c, "Termin "+strconv.Itoa(i), at).ID)
		}
		rows := e.waitFinal(t, 20*time.Second, ids...)
		byID := e.smtp.ByMessageID()
		var worst time.Duration
		for _, id := range ids {
			m := rows[id]
			mails := byID[msgID(id)]
			if m.Status != store.MessageSent || len(mails) != 1 {
				t.Fatalf("message %d: %s, %d mails", id, m.Status, len(mails))
			}
			if m.SentAt.Before(m.SendAt) || mails[0].At.Before(m.SendAt) {
				t.Errorf("message %d left early: planned %s, sent_at %s, server got it %s", id,
					m.SendAt.Format(time.StampMicro), m.SentAt.Format(time.StampMicro), mails[0].At.Format(time.StampMicro))
			}
			worst = max(worst, m.SentAt.Sub(m.SendAt))
		}
		t.Logf("50 messages, latest %v after its planned time", worst.Round(time.Millisecond))
	})
}

// Through asynq: 421 then 451 are retried with backoff until the server accepts; 550 fails at
// once with the reason, is not retried, and its task is archived (SkipRetry).
func TestWorkerRetriesTemporaryFailures(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		e.startWorker(t, e.svc, fastOptions)
		flaky := messagingtest.Customer(t, e.st)
		gone := messagingtest.Customer(t, e.st)
		e.smtp.FailNext(flaky.Email, 421, 451)
		e.smtp.FailNext(gone.Email, 550)
		m1 := e.schedule(t, flaky, "Ponawiana", time.Time{})
		m2 := e.schedule(t, gone, "Odrzucona", time.Time{})
		rows := e.waitFinal(t, 20*time.Second, m1.ID, m2.ID)
		if m := rows[m1.ID]; m.Status != store.MessageSent || m.Attempts != 3 || e.smtp.Count(msgID(m1.ID)) != 1 || e.smtp.Attempts(flaky.Email) != 3 {
			t.Errorf("flaky: %+v, %d mails, %d attempts", m, e.smtp.Count(msgID(m1.ID)), e.smtp.Attempts(flaky.Email))
		}
		m := rows[m2.ID]
		if m.Status != store.MessageFailed || m.Attempts != 1 || m.LastError != "Serwer poczty odpowiedział kodem 550: adres odbiorcy nie istnieje lub nie przyjmuje poczty" {
			t.Errorf("550: %+v", m)
		}
		time.Sleep(1500 * time.Millisecond) // a retry, if there were one, would come within this
		if n := e.smtp.Attempts(gone.Email); n != 1 {
			t.Errorf("550 tried %d times", n)
		}
		insp := asynq.NewInspector(e.redis.Opt())
		defer insp.Close()
		// Archived by SkipRetry, or already gone: a reconcile pass that read the row just
		// before the claim may have replaced the archived task with a wake-up that found
		// nothing to do. Either way it is not waiting to be retried.
		info, err := insp.GetTaskInfo("default", task.MessageTaskID(m2.ID, 0))
		if !errors.Is(err, asynq.ErrTaskNotFound) && (err != nil || info.State != asynq.TaskStateArchived) {
			t.Errorf("550 task: %+v %v, want archived", info, err)
		}
	})
}

// Two workers on one Redis, each message woken twice under different task ids (and twice
// more without any): each is sent exactly once.
func TestTwoWorkersSendOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		e.startWorker(t, e.svc, fastOptions)
		second := fastOptions
		second.NoScheduler = true
		e.startWorker(t, e.service(e.enq), second)
		client := asynq.NewClient(e.redis.Opt())
		defer client.Close()
		c := messagingtest.Customer(t, e.st)
		ctx := context.Background()
		var ids []int64
		for i := range 20 {
			m := e.schedule(t, c, "Duplikat "+strconv.Itoa(i), time.Time{})
			ids = append(ids, m.ID)
			if err := e.enq.Enqueue(ctx, m.ID, time.Now(), 5); err != nil {
				t.Fatal(err)
			}
			if err := e.enq.Enqueue(ctx, m.ID, time.Now(), 0); err != nil { // already queued: fine
				t.Fatal(err)
			}
			for range 2 {
				if _, err := client.Enqueue(asynq.NewTask(task.TypeMessageSend, []byte(`{"message_id":`+strconv.FormatInt(m.ID, 10)+`}`))); err != nil {
					t.Fatal(err)
				}
			}
		}
		e.waitFinal(t, 20*time.Second, ids...)
		time.Sleep(500 * time.Millisecond) // let the extra wake-ups run
		for _, id := range ids {
			if n := e.smtp.Count(msgID(id)); n != 1 {
				t.Errorf("message %d sent %d times", id, n)
			}
		}
	})
}

// Planned for T+2s, the worker stops at once and starts again (the embedded default's Redis
// also forgets everything across a restart): the message leaves once, not before T.
func TestRestart(t *testing.T) {
	for _, lose := range []bool{false, true} {
		name := "redis kept"
		if lose {
			name = "redis lost"
		}
		t.Run(name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, e *env) {
				w := e.startWorker(t, e.svc, fastOptions)
				c := messagingtest.Customer(t, e.st)
				at := time.Now().Add(2 * time.Second)
				m := e.schedule(t, c, "Po restarcie", at)
				w.Shutdown()
				if lose {
					e.redis.Lose(t)
				}
				time.Sleep(300 * time.Millisecond)
				e.startWorker(t, e.service(e.enq), fastOptions)
				rows := e.waitFinal(t, 15*time.Second, m.ID)
				mails := e.smtp.ByMessageID()[msgID(m.ID)]
				if got := rows[m.ID]; got.Status != store.MessageSent || len(mails) != 1 || got.SentAt.Before(at) || mails[0].At.Before(at) {
					t.Fatalf("row %+v, %d mails", got, len(mails))
				}
				t.Logf("sent %v after its time", rows[m.ID].SentAt.Sub(at).Round(time.Millisecond))
			})
		})
	}
}

// Redis down when staff schedule: the row is saved anyway and the reconciler of a worker
// (Redis back) sends it.
func TestRedisDownAtSchedule(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		dead := task.NewEnqueuer(asynq.RedisClientOpt{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond}, quiet)
		defer dead.Close()
		web := e.service(dead)
		c := messagingtest.Customer(t, e.st)
		m, errs, err := web.Schedule(context.Background(), messaging.Draft{Channel: store.ChannelEmail, Customer: c, Subject: "Bez Redisa", Body: "x"})
		if err != nil || len(errs) > 0 {
			t.Fatalf("schedule with Redis down: %v %v", err, errs)
		}
		e.startWorker(t, e.svc, fastOptions)
		if got := e.waitFinal(t, 15*time.Second, m.ID)[m.ID]; got.Status != store.MessageSent || e.smtp.Count(msgID(m.ID)) != 1 {
			t.Fatalf("%+v", got)
		}
	})
}

// A saved message is woken by its second's drain task; deleting a waiting message removes its
// own wake-ups (a retry's) from the queue. Both are courtesies: the claim is what guarantees
// a deleted message never leaves (the shared drain stays and finds nothing).
func TestDeleteForgetsTask(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := messagingtest.Customer(t, e.st)
		m := e.schedule(t, c, "Za godzinę", time.Now().Add(time.Hour))
		insp := asynq.NewInspector(e.redis.Opt())
		defer insp.Close()
		info, err := insp.GetTaskInfo("default", task.DrainTaskID(m.SendAt.Unix()))
		if err != nil || info.State != asynq.TaskStateScheduled || info.Type != task.TypeMessageDue || !info.NextProcessAt.Equal(m.SendAt.Truncate(time.Second)) {
			t.Fatalf("drain task: %+v %v", info, err)
		}
		if err := e.enq.Enqueue(ctx, m.ID, m.SendAt, 0); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Delete(ctx, c.ID, store.ChannelEmail, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := insp.GetTaskInfo("default", task.MessageTaskID(m.ID, 0)); !errors.Is(err, asynq.ErrTaskNotFound) {
			t.Errorf("message task still queued: %v", err)
		}
	})
}

// WakeDue shares one task per second: asking again while it waits is "already queued"; while
// it runs, the answer is "running" (the caller then gives its message a wake-up of its own);
// once it has finished, the second can be woken again.
func TestWakeDueStates(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	at := time.Now().Add(-time.Minute).Truncate(time.Second).Add(300 * time.Millisecond)
	entered, release := make(chan struct{}, 1), make(chan struct{})
	var runs sync.WaitGroup
	for range 2 {
		running, err := e.enq.WakeDue(ctx, at)
		if err != nil || running {
			t.Fatalf("queued: running %v, %v", running, err)
		}
	}
	srv := asynq.NewServer(e.redis.Opt(), asynq.Config{Concurrency: 2, TaskCheckInterval: 50 * time.Millisecond, LogLevel: asynq.FatalLevel})
	runs.Add(1)
	mux := asynq.NewServeMux()
	mux.HandleFunc(task.TypeMessageDue, func(ctx context.Context, tk *asynq.Task) error {
		defer runs.Done()
		entered <- struct{}{}
		<-release
		return nil
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("drain task never ran")
	}
	if running, err := e.enq.WakeDue(ctx, at); err != nil || !running {
		t.Errorf("while it runs: running %v, %v", running, err)
	}
	close(release)
	runs.Wait()
	deadline := time.Now().Add(5 * time.Second)
	insp := asynq.NewInspector(e.redis.Opt())
	defer insp.Close()
	for {
		if _, err := insp.GetTaskInfo("default", task.DrainTaskID(at.Unix())); errors.Is(err, asynq.ErrTaskNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("drain task never finished")
		}
		time.Sleep(20 * time.Millisecond)
	}
	srv.Shutdown()
	if running, err := e.enq.WakeDue(ctx, at); err != nil || running {
		t.Errorf("after it ran: running %v, %v", running, err)
	}
	if info, err := insp.GetTaskInfo("default", task.DrainTaskID(at.Unix())); err != nil || info.State != asynq.TaskStatePending {
		t.Errorf("woken again: %+v %v", info, err)
	}
}

// A TaskID conflict with a queued task is "already queued"; an archived leftover is replaced.
func TestEnqueueConflicts(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	at := time.Now().Add(time.Hour)
	for range 2 {
		if err := e.enq.Enqueue(ctx, 42, at, 0); err != nil {
			t.Fatal(err)
		}
	}
	insp := asynq.NewInspector(e.redis.Opt())
	defer insp.Close()
	if err := insp.ArchiveTask("default", task.MessageTaskID(42, 0)); err != nil {
		t.Fatal(err)
	}
	if err := e.enq.Enqueue(ctx, 42, at, 0); err != nil {
		t.Fatal(err)
	}
	info, err := insp.GetTaskInfo("default", task.MessageTaskID(42, 0))
	if err != nil || info.State != asynq.TaskStateScheduled {
		t.Errorf("after replacing the archived task: %+v %v", info, err)
	}
	var wg sync.WaitGroup
	for a := range 3 {
		wg.Add(1)
		go func() { defer wg.Done(); _ = e.enq.Enqueue(ctx, 43, at, a) }()
	}
	wg.Wait()
	e.enq.Forget(ctx, 43, 2)
	for a := range 3 {
		if _, err := insp.GetTaskInfo("default", task.MessageTaskID(43, a)); !errors.Is(err, asynq.ErrTaskNotFound) {
			t.Errorf("attempt %d not forgotten: %v", a, err)
		}
	}
}
