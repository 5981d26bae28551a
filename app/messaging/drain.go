package messaging

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/loyalty/backoffice/app/store"
)

// The drain: first attempts go out through one wake-up per second rather than one queue task
// per message. A queue task costs the worker about as much CPU as an SMTP send (measured: asynq
// runs 12 k no-op tasks/s on the two cores that send 4–5 k e-mails/s), so a campaign of
// thousands would spend half its time on queue bookkeeping. SendDue claims due messages a batch
// at a time with one conditional UPDATE, sends them with Concurrency senders, and records the
// outcomes a batch at a time. Retries keep a wake-up of their own (Enqueue), with backoff.

const (
	// DrainBudget bounds one drain; a backlog still left after it gets a fresh wake-up, so a
	// queue task never runs for long.
	DrainBudget = 30 * time.Second
	// FirstRetryDelay is how long a first attempt that failed temporarily waits for its retry;
	// later retries follow the queue's backoff.
	FirstRetryDelay = 2 * time.Second
	// DefaultConcurrency is the number of senders when Service.Concurrency is zero: as many as
	// the worker has queue slots (app/main.go, worker/main.go).
	DefaultConcurrency = 20
	// maxRecordBatch caps the outcomes written by one UPDATE, recordWindow how long the first
	// of them waits for others.
	maxRecordBatch = 100
	recordWindow   = 20 * time.Millisecond
)

func (s *Service) concurrency() int {
	if s.Concurrency > 0 {
		return s.Concurrency
	}
	return DefaultConcurrency
}

// sendSlots bounds the sends in flight across every drain of this Service (two wake-ups may
// drain at once).
func (s *Service) sendSlots() chan struct{} {
	s.slotsOnce.Do(func() {
		s.slots = make(chan struct{}, s.concurrency())
	})
	return s.slots
}

// drainJob is a claimed message with what its attempt needs.
type drainJob struct {
	m        *store.Message
	cust     *store.Customer // nil: the customer could not be loaded
	settings *store.Settings
}

// drainResult is a finished attempt waiting to be recorded.
type drainResult struct {
	m *store.Message
	o store.Outcome
}

// SendDue is the worker's handler body for the wake-up of second `slot`: it sends every first
// attempt that is due, and waits in place for those planned later within that second (a
// message never leaves before its time). It returns when none is left, or after DrainBudget
// with a new wake-up asked for the rest. It is safe to run any number of times, concurrently
// too: every message is claimed by one conditional UPDATE.
//
// An error means the database failed; the queue should retry. Messages already claimed are
// still sent and recorded first.
//
// One drain runs per process. A drain claims everything due, whatever its second, so a second
// one beside it would only split the batches (measured with ten wake-ups of a campaign at
// once: eight outcomes per UPDATE instead of eighty), and a wake-up waiting for its turn
// would hold a queue slot. A wake-up that finds a drain running hands it its second and
// returns; the running drain goes round once more after every such hand-over before it
// stops, so a message saved just before the hand-over is never passed over.
func (s *Service) SendDue(ctx context.Context, slot time.Time) error {
	if !s.takeTurn(slot.Truncate(time.Second).Add(time.Second)) {
		return nil
	}
	start := time.Now()
	batch := min(max(4*s.concurrency(), 10), maxRecordBatch)
	// One batch may wait claimed while the senders finish the one before (claiming costs a
	// round trip and a commit: the senders would idle through it); the lease (minutes) is
	// never at risk from a wait that short.
	jobs := make(chan drainJob, 2*batch)
	results := make(chan drainResult, 2*maxRecordBatch)
	var senders sync.WaitGroup
	for range s.concurrency() {
		senders.Add(1)
		go func() {
			defer senders.Done()
			for j := range jobs {
				results <- drainResult{m: j.m, o: s.drainAttempt(ctx, j)}
			}
		}()
	}
	recorded := make(chan struct{})
	go func() { defer close(recorded); s.record(ctx, results) }()

	released, overBudget, err := s.claimLoop(ctx, start, batch, jobs)
	if !released { // an error, a cancelled context, the budget: the turn is released all the same
		s.releaseTurn()
	}
	if overBudget {
		s.wakeDrain(ctx, s.now()) // after the release: that drain must not hand over to this one
	}
	close(jobs)
	senders.Wait()
	close(results)
	<-recorded
	return err
}

// takeTurn makes this call the process's drain, or hands horizon over to the drain that is
// running (false).
func (s *Service) takeTurn(horizon time.Time) bool {
	s.sendSlots()
	s.drainMu.Lock()
	defer s.drainMu.Unlock()
	if horizon.After(s.drainHorizon) {
		s.drainHorizon = horizon
	}
	s.drainHandOvers++
	if s.draining {
		return false
	}
	s.draining = true
	return true
}

// round starts a round of the running drain: the latest horizon, and the count of hand-overs
// it has seen.
func (s *Service) round() (horizon time.Time, seen uint64) {
	s.drainMu.Lock()
	defer s.drainMu.Unlock()
	return s.drainHorizon, s.drainHandOvers
}

// endTurn ends the running drain unless a wake-up handed over since its round began.
func (s *Service) endTurn(seen uint64) bool {
	s.drainMu.Lock()
	defer s.drainMu.Unlock()
	if s.drainHandOvers != seen {
		return false
	}
	s.draining = false
	return true
}

func (s *Service) releaseTurn() {
	s.drainMu.Lock()
	defer s.drainMu.Unlock()
	s.draining = false
}

// claimLoop claims batches and hands them to the senders until nothing due is left before the
// horizon (and the turn is released), the budget is spent, or ctx ends.
func (s *Service) claimLoop(ctx context.Context, start time.Time, batch int, jobs chan<- drainJob) (released, overBudget bool, err error) {
	for ctx.Err() == nil {
		if time.Since(start) > DrainBudget {
			return false, true, nil
		}
		horizon, seen := s.round()
		ms, err := s.Store.ClaimDue(ctx, s.now(), batch)
		if err != nil {
			return false, false, err
		}
		if len(ms) == 0 {
			next, ok, err := s.Store.NextFirstAttempt(ctx, horizon)
			if err != nil {
				return false, false, err
			}
			if !ok {
				if s.endTurn(seen) {
					return true, false, nil
				}
				continue
			}
			wait := next.Sub(s.now())
			if wait > MaxEarlyWait {
				return false, false, &NotDueError{At: next}
			}
			// Due but not claimed: another transaction holds the row (a delete, another
			// drain) and will move it or let it go in a moment.
			wait = max(wait, 10*time.Millisecond)
			if !sleep(ctx, wait) {
				return false, false, nil
			}
			continue
		}
		sort.Slice(ms, func(i, k int) bool {
			if !ms[i].SendAt.Equal(ms[k].SendAt) {
				return ms[i].SendAt.Before(ms[k].SendAt)
			}
			return ms[i].ID < ms[k].ID
		})
		custIDs := make([]int64, len(ms))
		for i := range ms {
			custIDs[i] = ms[i].CustomerID
		}
		custs, err := s.Store.CustomersByID(ctx, custIDs)
		var settings *store.Settings
		if err == nil {
			settings, err = s.Store.Settings(ctx)
		}
		for i := range ms {
			j := drainJob{m: &ms[i], settings: settings}
			if err == nil {
				j.cust = custs[ms[i].CustomerID]
			}
			jobs <- j // a claimed message always reaches a sender, which records its outcome
		}
		if err != nil {
			return false, false, err
		}
	}
	return false, false, nil
}

// drainAttempt is one first attempt inside a drain, holding one of the Service's send slots.
func (s *Service) drainAttempt(ctx context.Context, j drainJob) store.Outcome {
	if j.settings == nil || j.cust == nil {
		return dbTrouble(j.m)
	}
	slots := s.sendSlots()
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return interrupted(j.m)
	}
	defer func() { <-slots }()
	o, _ := s.attempt(ctx, j.m, j.cust, j.settings, false)
	return o
}

// interrupted is the outcome of a claimed message the worker was told to drop before trying it.
func interrupted(m *store.Message) store.Outcome {
	return store.Outcome{Status: store.MessageScheduled, Recipient: m.Recipient,
		LastError: "Wysyłka przerwana przez zatrzymanie procesu wysyłającego. Ponowimy automatycznie."}
}

// record writes outcomes a batch per UPDATE: after the first outcome it collects for up to
// recordWindow (sent_at is taken at the send, so the wait changes no recorded time; the rows
// only stay "sending" that much longer). Writing each as it came cost a commit per one or two
// messages: on SQLite as much CPU as the sends it recorded. After the commit it asks for the
// retry of each message that went back to scheduled (a retry woken earlier would find the row
// still "sending" and do nothing).
func (s *Service) record(ctx context.Context, results <-chan drainResult) {
	buf := make([]drainResult, 0, maxRecordBatch)
	for r := range results {
		buf = append(buf[:0], r)
		window := time.NewTimer(recordWindow)
	collect:
		for len(buf) < maxRecordBatch {
			select {
			case r, ok := <-results:
				if !ok {
					break collect
				}
				buf = append(buf, r)
			case <-window.C:
				break collect
			}
		}
		window.Stop()
		s.recordBatch(ctx, buf)
	}
}

func (s *Service) recordBatch(ctx context.Context, rs []drainResult) {
	fs := make([]store.Finish, len(rs))
	for i, r := range rs {
		fs[i] = store.Finish{ID: r.m.ID, Outcome: r.o}
	}
	fctx, cancel := detached(ctx, 10*time.Second)
	defer cancel()
	done, err := s.Store.FinishMessages(fctx, fs, s.now())
	if err != nil {
		// The rows stay "sending"; after the lease the reconciler marks the outcome unknown.
		s.log().Error("message outcomes not recorded", "messages", len(fs), "err", err)
		return
	}
	recorded := make(map[int64]bool, len(done))
	for _, id := range done {
		recorded[id] = true
	}
	for _, r := range rs {
		switch {
		case !recorded[r.m.ID]:
			s.log().Warn("message claim expired before its outcome was recorded", "message", r.m.ID, "status", r.o.Status)
		case r.o.Status == store.MessageScheduled:
			s.wake(fctx, r.m.ID, s.now().Add(FirstRetryDelay), r.m.Attempts)
		}
	}
}

// sleep waits d or until ctx ends; false means ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
