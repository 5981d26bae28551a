package seed

import (
	"cmp"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/loyalty/backoffice/app/store"
)

// Times are handled as Unix microseconds (what both databases keep) and turned into UTC
// time.Time values only when a row is filled.
const (
	second = int64(time.Second / time.Microsecond)
	minute = 60 * second
	hour   = 60 * minute
	day    = 24 * hour
)

func tm(us int64) time.Time { return time.UnixMicro(us).UTC() }

func ptr[T any](v T) *T { return &v }

// batch is everything generated for a run of consecutive customers, with every id already
// assigned, in the order the rows must be inserted (referenced tables first).
type batch struct {
	customers []store.Customer
	consents  []store.Consent
	orders    []store.RewardOrder
	events    []store.RewardOrderEvent
	ops       []store.PointOperation
	runs      []store.ScenarioRun
	messages  []store.Message
}

// env is the reference data the customers' histories point to.
type env struct {
	now, start int64 // the clock, and the oldest regular customer's earliest join time
	globalRate int64
	staff      []int64
	shops      []store.Location
	shopByCity map[string]int64
	rewards    []store.Reward // by points, cheapest first
	shipped    []bool         // rewards[i] goes through processing and shipping
	groups     []groupRef
	welcome    int64 // scenario ids
	birthday   int64
	referral   int64
	inactive   int64
}

type groupRef struct {
	id, rate int64 // rate: the effective conversion rate (the override or the global one)
	weight   int
}

// counters hold the last id used in each table; ids are assigned here, not by the database,
// so rows that point to each other are written in one pass without reading ids back.
type counters struct{ customer, consent, order, event, op, run, msg int64 }

// plan fixes, before any customer is generated, what links customers to each other: when
// each joined (ids follow join time) and who referred whom, so that a referrer's history
// can hold the bonus for a customer generated much later.
type plan struct {
	n          int
	created    []int64 // join time of customer index i, ascending
	referredBy []int32 // referrer index, or -1
	refStart   []int32 // refList[refStart[i]:refStart[i+1]] are the customers i referred
	refList    []int32
	// late maps a customer to the referrer recorded afterwards (an edit of the card): it
	// points to a newer customer, so it is set by an UPDATE once both rows exist. This is
	// how the newest customers, on the register's first page, get referrals.
	late map[int32]int32
}

func newPlan(n int, r *rand.Rand, from, to int64) *plan {
	p := &plan{n: n, created: make([]int64, n), referredBy: make([]int32, n), late: map[int32]int32{}}
	for i := range p.created {
		p.created[i] = from + r.Int64N(to-from)
	}
	slices.Sort(p.created)
	for i := range p.referredBy {
		p.referredBy[i] = -1
	}
	// Late referrals: the newest customer refers two older ones, and about a third of the
	// other 24 newest one or two each.
	top := max(n-25, 0)
	for i := n - 1; i >= top && i > 0; i-- {
		k := 0
		switch {
		case i == n-1:
			k = 2
		case r.IntN(3) == 0:
			k = 1 + r.IntN(2)
		}
		lo := top
		if lo == 0 || lo > i {
			lo = i
		}
		for ; k > 0; k-- {
			for try := 0; try < 20; try++ {
				j := int32(r.IntN(lo))
				if _, taken := p.late[j]; !taken {
					p.late[j] = int32(i)
					break
				}
			}
		}
	}
	// Ordinary referrals: about 15% of customers were referred by an earlier one. A late-
	// referred customer is never an ordinary referrer, so the referrer chains cannot loop
	// (ordinary links go down in index, late ones up, and nothing goes down into a late one).
	count := make([]int32, n+1)
	for j := 1; j < n; j++ {
		if _, ok := p.late[int32(j)]; ok || r.IntN(100) >= 15 {
			continue
		}
		k := int32(r.IntN(j))
		if _, ok := p.late[k]; ok {
			continue
		}
		p.referredBy[j] = k
		count[k+1]++
	}
	p.refStart = make([]int32, n+1)
	for i := 1; i <= n; i++ {
		p.refStart[i] = p.refStart[i-1] + count[i]
	}
	p.refList = make([]int32, p.refStart[n])
	fill := slices.Clone(p.refStart[:n])
	for j, k := range p.referredBy {
		if k >= 0 {
			p.refList[fill[k]] = int32(j)
			fill[k]++
		}
	}
	return p
}

func (p *plan) referrals(i int) []int32 { return p.refList[p.refStart[i]:p.refStart[i+1]] }

// generator turns customer indexes into rows. Each customer draws from its own stream
// (seed, index), so the output depends only on the seed, not on chunking.
type generator struct {
	env     *env
	plan    *plan
	seed    uint64
	rich    bool  // demo-sized histories for everyone, not only the newest 25
	firstID int64 // id of customer index 0
	next    counters
	pcg     *rand.PCG
	r       *rand.Rand

	// per-customer scratch, reused
	evs      []event
	cust     []store.PointOperation
	canceled []bool
	runs     []runDraft
	msgs     []msgDraft
	perm     []int
	runIDs   []int64
	msgIDs   []int64
}

func newGenerator(e *env, p *plan, seed uint64, rich bool, firstID int64, next counters) *generator {
	pcg := rand.NewPCG(seed, 0)
	return &generator{env: e, plan: p, seed: seed, rich: rich, firstID: firstID, next: next, pcg: pcg, r: rand.New(pcg)}
}

func (g *generator) id(idx int) int64 { return g.firstID + int64(idx) }

func number(idx int) string { return strconv.Itoa(10000001 + idx) }

// chunk generates customers [from, to).
func (g *generator) chunk(from, to int) *batch {
	n := to - from
	b := &batch{
		customers: make([]store.Customer, 0, n),
		consents:  make([]store.Consent, 0, n*2+n/8),
		ops:       make([]store.PointOperation, 0, n*5),
		runs:      make([]store.ScenarioRun, 0, n*3),
		messages:  make([]store.Message, 0, n*2),
	}
	tokens := make([]byte, 32*n)
	if _, err := crand.Read(tokens); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for idx := from; idx < to; idx++ {
		k := (idx - from) * 32
		g.customer(b, idx, hex.EncodeToString(tokens[k:k+32]))
	}
	return b
}

type event struct {
	t     int64
	kind  int
	other int // evReferral: the referred customer's index; evRefund: the cancelling order event in the batch
	order int // evRefund: index of the order in the batch
}

const (
	evWelcome = iota
	evReferral
	evPurchase
	evBigPurchase
	evReward
	evSubtract
	evExpire
	evCancel
	evRefund
)

type runDraft struct{ run store.ScenarioRun }

type msgDraft struct {
	m        store.Message
	run      int // index into g.runs, or -1
	resendOf int // index into g.msgs, or -1
}

// customer generates one customer with its consents, ledger, reward orders, scenario runs
// and messages, and appends them to b.
func (g *generator) customer(b *batch, idx int, token string) {
	e, p := g.env, g.plan
	g.pcg.Seed(g.seed, uint64(idx)+1)
	r := g.r
	n := p.n
	newest := idx == n-1
	rich := g.rich || idx >= n-25
	created := p.created[idx]

	c := g.person(g.id(idx), number(idx), created, token, rich, newest)
	if k := p.referredBy[idx]; k >= 0 {
		c.ReferredByID = ptr(g.id(int(k)))
	}
	emailOK := c.ConsentEmail == "granted" && c.Email != ""
	smsOK := c.ConsentSMS == "granted" && c.Phone != ""
	rate := e.globalRate
	if c.GroupID != nil {
		for _, gr := range e.groups {
			if gr.id == *c.GroupID {
				rate = gr.rate
			}
		}
	}
	g.consents(b, &c, created)

	// Scenario runs that happen at known times, and the ledger events they cause.
	g.evs, g.runs, g.msgs = g.evs[:0], g.runs[:0], g.msgs[:0]
	t := created + second + r.Int64N(30*second)
	switch x := r.IntN(100); {
	case x < 92 || rich:
		g.addRun(e.welcome, c.ID, "joined", "done", "", t, t+second)
		g.evs = append(g.evs, event{t: t, kind: evWelcome})
	case x < 97:
		g.addRun(e.welcome, c.ID, "joined", "skipped", reasonInactiveScenario, t, t)
	default:
		g.addRun(e.welcome, c.ID, "joined", "failed", reasonDBTimeout, t, t+30*second)
	}
	for _, j := range p.referrals(idx) {
		tj := p.created[j] + 5*second + r.Int64N(55*second)
		occ := "ref:" + strconv.FormatInt(g.id(int(j)), 10)
		if r.IntN(10) == 0 {
			g.addRun(e.referral, c.ID, occ, "skipped", reasonInactiveScenario, tj, tj)
			continue
		}
		g.addRun(e.referral, c.ID, occ, "done", "", tj, tj+second)
		g.evs = append(g.evs, event{t: tj, kind: evReferral, other: int(j)})
	}

	// Operations at the shop counter, as tentative kinds: the pass below turns a debit that
	// the balance cannot cover into a purchase.
	manual := r.IntN(7)
	if rich {
		manual = 2 + r.IntN(9)
	}
	span := e.now - hour - (created + minute)
	first := len(g.evs)
	for range manual {
		g.evs = append(g.evs, event{t: created + minute + r.Int64N(span), kind: tentativeKind(r)})
	}
	slices.SortFunc(g.evs[first:], func(a, b event) int { return cmp.Compare(a.t, b.t) })
	if newest && manual >= 2 {
		g.evs[first].kind, g.evs[first+1].kind = evBigPurchase, evReward
	}
	slices.SortStableFunc(g.evs, func(a, b event) int { return cmp.Compare(a.t, b.t) })

	g.ledger(b, &c, rate)

	g.birthdayRuns(&c, created, emailOK)
	g.inactiveRuns(&c, created, smsOK)
	g.manualMessages(&c, created, emailOK, smsOK, rich, newest)
	g.flushRunsAndMessages(b)

	b.customers = append(b.customers, c)
}

func tentativeKind(r *rand.Rand) int {
	switch x := r.IntN(100); {
	case x < 68:
		return evPurchase
	case x < 82:
		return evReward
	case x < 89:
		return evSubtract
	case x < 93:
		return evExpire
	default:
		return evCancel
	}
}

// person draws the customer's personal data.
func (g *generator) person(id int64, num string, created int64, token string, rich, newest bool) store.Customer {
	r, e := g.r, g.env
	c := store.Customer{ID: id, Number: num, PortalToken: token, CreatedAt: tm(created), UpdatedAt: tm(created)}
	ln := lastNames[r.IntN(len(lastNames))]
	if r.IntN(100) < 54 {
		c.FirstName, c.LastName, c.Sex = femaleFirstNames[r.IntN(len(femaleFirstNames))], ln[0], "K"
	} else {
		c.FirstName, c.LastName, c.Sex = maleFirstNames[r.IntN(len(maleFirstNames))], ln[1], "M"
	}
	ct := pickCity(r)
	c.City, c.Voivodeship = ct.name, ct.voivodeship
	pc := ct.postalLo + r.IntN(ct.postalHi-ct.postalLo+1)
	c.PostalCode = fmt.Sprintf("%02d-%03d", pc/1000, pc%1000)
	c.Address = streetAddress(r)
	year := 1950 + r.IntN(57)
	birth := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365))
	c.BirthDate = birth.Format("2006-01-02")
	if newest || r.IntN(100) < 96 {
		c.Phone = "+48" + mobilePrefixes[r.IntN(len(mobilePrefixes))] + fmt.Sprintf("%06d", r.IntN(1000000))
	}
	if newest || r.IntN(100) < 94 {
		c.Email = emailAddress(r, c.FirstName, c.LastName, year)
	}
	if r.IntN(10) == 0 {
		c.Company, c.NIP = companyName(r, c.FirstName, c.LastName), nip(r)
	}
	c.FirstNameKey, c.LastNameKey = store.SearchKey(c.FirstName), store.SearchKey(c.LastName)
	c.ConsentEmail, c.ConsentSMS = "unknown", "unknown"
	if c.Email != "" {
		c.ConsentEmail = consentStatus(r, rich)
	}
	if c.Phone != "" {
		c.ConsentSMS = consentStatus(r, rich)
	}
	if newest {
		c.ConsentEmail, c.ConsentSMS = "granted", "granted"
	}
	if x := r.IntN(100); x >= 10 {
		x -= 10
		for _, gr := range e.groups {
			if x < gr.weight {
				c.GroupID = ptr(gr.id)
				break
			}
			x -= gr.weight
		}
	}
	return c
}

var cityWeights = func() int {
	sum := 0
	for _, c := range cities {
		sum += c.weight
	}
	return sum
}()

func pickCity(r *rand.Rand) city {
	x := r.IntN(cityWeights)
	for _, c := range cities {
		if x < c.weight {
			return c
		}
		x -= c.weight
	}
	return cities[0]
}

func streetAddress(r *rand.Rand) string {
	s := streets[r.IntN(len(streets))] + " " + strconv.Itoa(1+r.IntN(150))
	if r.IntN(20) == 0 {
		s += string(rune('A' + r.IntN(3)))
	}
	if r.IntN(100) < 55 {
		s += "/" + strconv.Itoa(1+r.IntN(80))
	}
	return s
}

var asciiFold = strings.NewReplacer("ą", "a", "ć", "c", "ę", "e", "ł", "l", "ń", "n", "ó", "o", "ś", "s", "ź", "z", "ż", "z")

func emailAddress(r *rand.Rand, first, last string, year int) string {
	f, l := asciiFold.Replace(strings.ToLower(first)), asciiFold.Replace(strings.ToLower(last))
	var local string
	switch r.IntN(6) {
	case 0:
		local = f + "." + l
	case 1:
		local = fmt.Sprintf("%s.%s%02d", f, l, year%100)
	case 2:
		local = f[:1] + "." + l + strconv.Itoa(r.IntN(1000))
	case 3:
		local = l + "." + f + strconv.Itoa(1+r.IntN(99))
	case 4:
		local = f + l + strconv.Itoa(year)
	default:
		local = f + "_" + l + strconv.Itoa(r.IntN(10000))
	}
	return local + "@" + emailDomains[r.IntN(len(emailDomains))]
}

func companyName(r *rand.Rand, first, last string) string {
	name := first + " " + last
	if r.IntN(3) == 0 {
		name = last
	}
	return fmt.Sprintf(companyForms[r.IntN(len(companyForms))], name)
}

var nipWeights = [9]int{6, 5, 7, 2, 3, 4, 5, 6, 7}

// nip draws a NIP with a correct check digit: the weighted sum of the first nine digits
// mod 11; a sum giving 10 has no valid NIP, so those are drawn again.
func nip(r *rand.Rand) string {
	for {
		var d [10]byte
		sum := 0
		for i := range 9 {
			v := r.IntN(10)
			if i == 0 {
				v = 1 + r.IntN(9)
			}
			d[i] = byte('0' + v)
			sum += v * nipWeights[i]
		}
		if sum%11 == 10 {
			continue
		}
		d[9] = byte('0' + sum%11)
		return string(d[:])
	}
}

func consentStatus(r *rand.Rand, rich bool) string {
	x := r.IntN(100)
	if rich && x < 90 {
		return "granted"
	}
	switch {
	case x < 76:
		return "granted"
	case x < 85:
		return "unknown"
	case x < 93:
		return "refused"
	}
	return "withdrawn"
}

func (g *generator) pickStaff() *int64 { return ptr(g.env.staff[g.r.IntN(len(g.env.staff))]) }

// shop is the customer's home-town shop most of the time, else any.
func (g *generator) shop(city string) *int64 {
	if id, ok := g.env.shopByCity[city]; ok && g.r.IntN(10) < 7 {
		return ptr(id)
	}
	return ptr(g.env.shops[g.r.IntN(len(g.env.shops))].ID)
}

// consents writes the consent history matching the customer's current statuses: nothing
// for "unknown", one row for granted/refused, granted then withdrawn for "withdrawn".
func (g *generator) consents(b *batch, c *store.Customer, created int64) {
	r := g.r
	for _, ch := range []struct{ channel, status string }{{store.ChannelEmail, c.ConsentEmail}, {store.ChannelSMS, c.ConsentSMS}} {
		if ch.status == "unknown" {
			continue
		}
		src := consentSources[r.IntN(len(consentSources))]
		var staff *int64
		if src == "formularz w sklepie" || src == "formularz w karcie klienta" {
			staff = g.pickStaff()
		}
		first := ch.status
		if first == "withdrawn" {
			first = "granted"
		}
		g.next.consent++
		b.consents = append(b.consents, store.Consent{ID: g.next.consent, CustomerID: c.ID, Channel: ch.channel,
			Status: first, Source: src, StaffUserID: staff, CreatedAt: tm(created)})
		if ch.status == "withdrawn" {
			at := created + hour + g.r.Int64N(max(g.env.now-day-created, day))
			g.next.consent++
			b.consents = append(b.consents, store.Consent{ID: g.next.consent, CustomerID: c.ID, Channel: ch.channel,
				Status: "withdrawn", Source: withdrawSources[r.IntN(len(withdrawSources))], StaffUserID: g.pickStaff(),
				CreatedAt: tm(at)})
			if tm(at).After(c.UpdatedAt) {
				c.UpdatedAt = tm(at)
			}
		}
	}
}

func (g *generator) addRun(scenario, customer int64, occ, status, reason string, at, statusAt int64) int {
	g.runs = append(g.runs, runDraft{run: store.ScenarioRun{ScenarioID: scenario, CustomerID: customer, Occurrence: occ,
		Status: status, StatusAt: tm(statusAt), Reason: reason, CreatedAt: tm(at)}})
	return len(g.runs) - 1
}

// ledger walks the events in time order, turning each into a ledger row with its seq and
// balance_after. A debit the balance cannot cover becomes a purchase, so the balance never
// goes below zero; a cancelled reward order schedules the refund of its points.
func (g *generator) ledger(b *batch, c *store.Customer, rate int64) {
	r, e := g.r, g.env
	g.cust, g.canceled = g.cust[:0], g.canceled[:0]
	var bal int64
	company := c.Company != ""
	for i := 0; i < len(g.evs); i++ {
		ev := g.evs[i]
		op := store.PointOperation{CustomerID: c.ID, OccurredAt: tm(ev.t), CreatedAt: tm(ev.t)}
		kind := ev.kind
		if kind == evReward && !g.canAfford(bal) || (kind == evSubtract || kind == evExpire) && bal <= 0 {
			kind = evPurchase
		}
		cancel := -1
		if kind == evCancel {
			for k := len(g.cust) - 1; k >= 0; k-- {
				o := g.cust[k]
				if o.Kind == "add" && o.Amount != nil && !g.canceled[k] && o.Points > 0 && o.Points <= bal {
					cancel = k
					break
				}
			}
			if cancel < 0 {
				kind = evPurchase
			}
		}
		switch kind {
		case evWelcome:
			op.Kind, op.Points = "add", welcomePoints
			op.Description = "Automatycznie: scenariusz " + scenarioWelcome
		case evReferral:
			op.Kind, op.Points = "add", referralPoints
			op.Description = "Automatycznie: scenariusz " + scenarioReferral + " — polecony klient " + number(ev.other)
		case evPurchase, evBigPurchase:
			amount := purchaseAmount(r)
			if kind == evBigPurchase {
				amount = max(60000+r.Int64N(60000), (e.rewards[0].Points*100*store.RateScale+rate-1)/max(rate, 1)+100)
			}
			op.Kind, op.Amount, op.Points = "add", ptr(amount), amount*rate/(100*store.RateScale)
			op.StaffUserID, op.LocationID = g.pickStaff(), g.shop(c.City)
			year := tm(ev.t).Year()
			if company && r.IntN(10) < 6 {
				op.Document = fmt.Sprintf("FV/%d/%d", 1+r.IntN(2400), year)
			} else {
				op.Document = fmt.Sprintf("PAR/%d/%06d", year, 1+r.IntN(999999))
			}
			op.Description = purchaseDescriptions[r.IntN(len(purchaseDescriptions))]
		case evReward:
			op.Kind = "reward"
			op.StaffUserID, op.LocationID = g.pickStaff(), g.shop(c.City)
			oi := g.rewardOrder(b, c.ID, bal, ev.t, op.StaffUserID, op.LocationID)
			o := &b.orders[oi]
			op.Points, op.RewardOrderID = -o.Points, ptr(o.ID)
			op.Description = fmt.Sprintf("Nagroda: %s × %d", g.rewardName(o.RewardID), o.Quantity)
		case evSubtract:
			op.Kind, op.Points = "subtract", -min(bal, 10+r.Int64N(200))
			op.StaffUserID = g.pickStaff()
			op.Description = subtractDescriptions[r.IntN(len(subtractDescriptions))]
			if r.IntN(3) == 0 {
				op.Document = fmt.Sprintf("KOR/%d/%04d", tm(ev.t).Year(), 1+r.IntN(9999))
			}
		case evExpire:
			op.Kind, op.Points = "expire", -max(1, bal*int64(20+r.IntN(60))/100)
			op.Description = expireDescription(ev.t)
		case evCancel:
			o := g.cust[cancel]
			g.canceled[cancel] = true
			op.Kind, op.Points, op.CancelsID = "cancel", -o.Points, ptr(o.ID)
			op.StaffUserID, op.LocationID, op.Document = g.pickStaff(), o.LocationID, o.Document
			op.Description = fmt.Sprintf("Storno operacji Lp. %d", o.Seq)
		case evRefund:
			o := &b.orders[ev.order]
			op.Kind, op.Points, op.RewardOrderID = "refund", o.Points, ptr(o.ID)
			op.StaffUserID = b.events[ev.other].StaffUserID
			op.Description = "Zwrot punktów za anulowane zamówienie nagrody"
		}
		g.next.op++
		op.ID, op.Seq = g.next.op, int64(len(g.cust)+1)
		bal += op.Points
		op.BalanceAfter = bal
		g.cust = append(g.cust, op)
		g.canceled = append(g.canceled, false)
		if kind == evReward {
			b.orders[len(b.orders)-1].PointOperationID = ptr(op.ID)
		}
	}
	c.Balance, c.OpsCount = bal, int64(len(g.cust))
	b.ops = append(b.ops, g.cust...)
}

func (g *generator) canAfford(bal int64) bool { return bal >= g.env.rewards[0].Points }

func (g *generator) rewardName(id int64) string {
	for _, rw := range g.env.rewards {
		if rw.ID == id {
			return rw.Name
		}
	}
	return ""
}

// expireDescription is what the expiry job writes: points earned a year before t.
func expireDescription(t int64) string {
	return "Wygaśnięcie punktów zdobytych przed " + tm(t).AddDate(-1, 0, 0).Format("02.01.2006")
}

func purchaseAmount(r *rand.Rand) int64 {
	if r.IntN(100) < 15 {
		return 30000 + r.Int64N(120000) // 300–1500 zł
	}
	return 1500 + r.Int64N(25000) // 15–265 zł
}

// rewardOrder creates the order of a reward the balance covers, with the statuses it went
// through up to now; when it ends cancelled, the refund is scheduled among the events.
func (g *generator) rewardOrder(b *batch, customer, bal, t int64, staff, shop *int64) int {
	r, e := g.r, g.env
	k := 0
	for k < len(e.rewards) && e.rewards[k].Points <= bal {
		k++
	}
	k = r.IntN(k)
	rw := e.rewards[k]
	qty := 1
	if rw.Points*2 <= bal && r.IntN(5) == 0 {
		qty = 2
	}
	g.next.order++
	o := store.RewardOrder{ID: g.next.order, CustomerID: customer, RewardID: rw.ID, Quantity: qty,
		Points: rw.Points * int64(qty), LocationID: shop, StaffUserID: staff, CreatedAt: tm(t)}
	type step struct {
		status string
		at     int64
	}
	steps := []step{{"new", t}}
	at := t
	cancelled := r.IntN(100) < 12
	switch {
	case cancelled:
		if e.shipped[k] && r.IntN(2) == 0 {
			at += 2*hour + r.Int64N(2*day)
			steps = append(steps, step{"processing", at})
		}
		at += hour + r.Int64N(4*day)
		steps = append(steps, step{"cancelled", at})
	case e.shipped[k]:
		at += 2*hour + r.Int64N(2*day)
		steps = append(steps, step{"processing", at})
		at += day + r.Int64N(2*day)
		steps = append(steps, step{"shipped", at})
		at += day + r.Int64N(4*day)
		steps = append(steps, step{"issued", at})
	default:
		at += 10*minute + r.Int64N(3*day)
		steps = append(steps, step{"issued", at})
	}
	for len(steps) > 1 && steps[len(steps)-1].at > e.now {
		steps = steps[:len(steps)-1]
	}
	last := steps[len(steps)-1]
	o.Status, o.StatusAt = last.status, tm(last.at)
	for _, s := range steps {
		by := staff
		if s.status == "processing" || s.status == "shipped" {
			by = g.pickStaff()
		}
		g.next.event++
		b.events = append(b.events, store.RewardOrderEvent{ID: g.next.event, OrderID: o.ID, Status: s.status,
			StaffUserID: by, CreatedAt: tm(s.at)})
	}
	b.orders = append(b.orders, o)
	if last.status == "cancelled" {
		g.insertEvent(event{t: last.at, kind: evRefund, other: len(b.events) - 1, order: len(b.orders) - 1})
	}
	return len(b.orders) - 1
}

// insertEvent adds ev after every event not later than it (the current one included).
func (g *generator) insertEvent(ev event) {
	i := len(g.evs)
	for i > 0 && g.evs[i-1].t > ev.t {
		i--
	}
	g.evs = slices.Insert(g.evs, i, ev)
}

// birthdayRuns records the birthday scenario for every birthday since the customer joined.
func (g *generator) birthdayRuns(c *store.Customer, created int64, emailOK bool) {
	r, e := g.r, g.env
	bd, err := time.Parse("2006-01-02", c.BirthDate)
	if err != nil {
		return
	}
	for y := tm(created).Year(); y <= tm(e.now).Year(); y++ {
		d := bd.Day()
		if bd.Month() == time.February && d == 29 && !leap(y) {
			d = 28
		}
		at := time.Date(y, bd.Month(), d, 7, 0, 0, 0, time.UTC).UnixMicro() + r.Int64N(10*minute)
		if at <= created || at >= e.now {
			continue
		}
		occ := "birthday:" + strconv.Itoa(y)
		switch {
		case c.Email == "":
			g.addRun(e.birthday, c.ID, occ, "failed", reasonNoEmail, at, at)
		case !emailOK:
			g.addRun(e.birthday, c.ID, occ, "skipped", reasonNoEmailConsent, at, at)
		case r.IntN(100) < 3:
			msg := emailErrors[r.IntN(len(emailErrors))]
			run := g.addRun(e.birthday, c.ID, occ, "failed", msg, at, at+2*minute)
			g.addMessage(store.Message{Channel: store.ChannelEmail, CustomerID: c.ID, Recipient: c.Email,
				Subject: birthdaySubject, Body: birthdayBody, SendAt: tm(at), Status: "failed", Attempts: 3,
				LastError: msg, CreatedAt: tm(at), UpdatedAt: tm(at + 2*minute)}, run, -1)
		default:
			run := g.addRun(e.birthday, c.ID, occ, "done", "", at, at+5*second)
			sent := at + 2*second + r.Int64N(60*second)
			g.addMessage(store.Message{Channel: store.ChannelEmail, CustomerID: c.ID, Recipient: c.Email,
				Subject: birthdaySubject, Body: birthdayBody, SendAt: tm(at), SentAt: ptr(tm(sent)), Status: "sent",
				Attempts: 1, CreatedAt: tm(at), UpdatedAt: tm(sent)}, run, -1)
		}
	}
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// inactiveRuns records the reminder scenario where the customer had no operation for 90
// days: at most the two latest such stretches.
func (g *generator) inactiveRuns(c *store.Customer, created int64, smsOK bool) {
	r, e := g.r, g.env
	var triggers []int64
	prev := created
	for i := 0; i <= len(g.cust); i++ {
		next := e.now
		if i < len(g.cust) {
			next = g.cust[i].OccurredAt.UnixMicro()
		}
		if next-prev > inactiveDays*day {
			triggers = append(triggers, prev+inactiveDays*day+r.Int64N(hour))
		}
		prev = next
	}
	if len(triggers) > 2 {
		triggers = triggers[len(triggers)-2:]
	}
	for _, at := range triggers {
		if at >= e.now {
			continue
		}
		occ := "inactive:" + tm(at).Format("2006-01")
		switch {
		case c.Phone == "":
			g.addRun(e.inactive, c.ID, occ, "skipped", reasonNoPhone, at, at)
		case !smsOK:
			g.addRun(e.inactive, c.ID, occ, "skipped", reasonNoSMSConsent, at, at)
		default:
			run := g.addRun(e.inactive, c.ID, occ, "done", "", at, at+3*second)
			sent := at + second + r.Int64N(20*second)
			g.addMessage(store.Message{Channel: store.ChannelSMS, CustomerID: c.ID, Recipient: c.Phone,
				Body: inactiveSMS, SendAt: tm(at), SentAt: ptr(tm(sent)), Status: "sent", Attempts: 1,
				CreatedAt: tm(at), UpdatedAt: tm(sent)}, run, -1)
		}
	}
}

// manualMessages are the e-mails, SMS and internal messages staff wrote.
func (g *generator) manualMessages(c *store.Customer, created int64, emailOK, smsOK, rich, newest bool) {
	r, e := g.r, g.env
	salutation := "Szanowny Panie"
	if c.Sex == "K" {
		salutation = "Szanowna Pani"
	}
	span := max(e.now-hour-created, hour)
	when := func() int64 { return created + r.Int64N(span) }
	count := func(richMax, bulkPct int) int {
		if rich {
			return r.IntN(richMax + 1)
		}
		if r.IntN(100) < bulkPct {
			return 1
		}
		return 0
	}
	staffOrAuto := func(pct int) *int64 {
		if r.IntN(100) < pct {
			return g.pickStaff()
		}
		return nil
	}
	if emailOK {
		k := count(3, 8)
		if newest || rich && k == 0 {
			k = max(k, 1)
		}
		for range k {
			tpl := staffEmails[r.IntN(len(staffEmails))]
			m := store.Message{Channel: store.ChannelEmail, CustomerID: c.ID, Recipient: c.Email, Subject: tpl.subject,
				Body: fmt.Sprintf(tpl.body, salutation), StaffUserID: staffOrAuto(88)}
			switch x := r.IntN(100); {
			case x < 84 || newest && k == 1:
				at := when()
				sent := at + 2*second + r.Int64N(90*second)
				m.SendAt, m.SentAt, m.Status, m.Attempts = tm(at), ptr(tm(sent)), "sent", 1
				m.CreatedAt, m.UpdatedAt = tm(at), tm(sent)
				g.addMessage(m, -1, -1)
			case x < 93:
				at := when()
				m.SendAt, m.Status, m.Attempts = tm(at), "failed", 3
				m.LastError = emailErrors[r.IntN(len(emailErrors))]
				m.CreatedAt, m.UpdatedAt = tm(at), tm(at+15*minute)
				orig := g.addMessage(m, -1, -1)
				if again := at + hour + r.Int64N(2*day); r.IntN(10) < 6 && again+2*minute < e.now {
					m.SendAt, m.SentAt, m.Status, m.Attempts, m.LastError = tm(again), ptr(tm(again+5*second)), "sent", 1, ""
					m.CreatedAt, m.UpdatedAt = tm(again), tm(again+5*second)
					g.addMessage(m, -1, orig)
				}
			default:
				at := e.now + hour + r.Int64N(20*day)
				made := max(created, e.now-r.Int64N(3*day))
				m.SendAt, m.Status, m.CreatedAt, m.UpdatedAt = tm(at-at%minute), "scheduled", tm(made), tm(made)
				g.addMessage(m, -1, -1)
			}
		}
	}
	if smsOK {
		k := count(2, 3)
		if newest {
			k = max(k, 1)
		}
		for range k {
			at := when()
			sent := at + second + r.Int64N(20*second)
			g.addMessage(store.Message{Channel: store.ChannelSMS, CustomerID: c.ID, Recipient: c.Phone,
				Body: smsBodies[r.IntN(len(smsBodies))], SendAt: tm(at), SentAt: ptr(tm(sent)), Status: "sent",
				Attempts: 1, StaffUserID: staffOrAuto(90), CreatedAt: tm(at), UpdatedAt: tm(sent)}, -1, -1)
		}
	}
	k := count(2, 5)
	if newest {
		k = max(k, 1)
	}
	for range k {
		tpl := internalMessages[r.IntN(len(internalMessages))]
		at := when()
		m := store.Message{Channel: store.ChannelInternal, CustomerID: c.ID, Subject: tpl.subject,
			Body: fmt.Sprintf(tpl.body, salutation), SendAt: tm(at), SentAt: ptr(tm(at)), Status: "unread",
			StaffUserID: staffOrAuto(85), CreatedAt: tm(at), UpdatedAt: tm(at)}
		if read := at + hour + r.Int64N(5*day); r.IntN(10) < 6 && read < e.now {
			m.Status, m.ReadAt, m.UpdatedAt = "read", ptr(tm(read)), tm(read)
		}
		g.addMessage(m, -1, -1)
	}
}

func (g *generator) addMessage(m store.Message, run, resendOf int) int {
	g.msgs = append(g.msgs, msgDraft{m: m, run: run, resendOf: resendOf})
	return len(g.msgs) - 1
}

// flushRunsAndMessages gives the customer's scenario runs and messages ids in the order
// they were created (the tabs list newest id first), resolves the links between them and
// appends them to the batch.
func (g *generator) flushRunsAndMessages(b *batch) {
	order := func(n int, at func(i int) int64) []int {
		g.perm = g.perm[:0]
		for i := range n {
			g.perm = append(g.perm, i)
		}
		slices.SortStableFunc(g.perm, func(x, y int) int { return cmp.Compare(at(x), at(y)) })
		return g.perm
	}
	g.runIDs = slices.Grow(g.runIDs[:0], len(g.runs))[:len(g.runs)]
	for _, i := range order(len(g.runs), func(i int) int64 { return g.runs[i].run.CreatedAt.UnixMicro() }) {
		g.next.run++
		g.runIDs[i] = g.next.run
		run := g.runs[i].run
		run.ID = g.next.run
		b.runs = append(b.runs, run)
	}
	g.msgIDs = slices.Grow(g.msgIDs[:0], len(g.msgs))[:len(g.msgs)]
	for _, i := range order(len(g.msgs), func(i int) int64 { return g.msgs[i].m.CreatedAt.UnixMicro() }) {
		g.next.msg++
		g.msgIDs[i] = g.next.msg
	}
	for _, i := range g.perm {
		d := g.msgs[i]
		m := d.m
		m.ID = g.msgIDs[i]
		if d.run >= 0 {
			m.ScenarioRunID = ptr(g.runIDs[d.run])
		}
		if d.resendOf >= 0 {
			m.ResendOfID = ptr(g.msgIDs[d.resendOf])
		}
		b.messages = append(b.messages, m)
	}
}

// longCustomer generates the benchmark customer "99999999" and hands its rows to emit: first
// the customer (with a zero balance) and its consents, then the ledger of n rows in slices
// of up to size rows. It returns the final balance and row count for the caller to store.
func (g *generator) longCustomer(id int64, n, size int, token string, emit func(b *batch) error) (bal, count int64, err error) {
	e := g.env
	g.pcg.Seed(g.seed, 1<<62)
	r := g.r
	created := e.start - 30*day
	c := g.person(id, "99999999", created, token, true, true)
	c.GroupID = nil
	head := &batch{customers: []store.Customer{c}}
	g.consents(head, &head.customers[0], created)
	if err := emit(head); err != nil {
		return 0, 0, err
	}
	step := max((e.now-hour-created)/int64(max(n, 1)), 1)
	part := make([]store.PointOperation, 0, min(size, n))
	for i := range n {
		t := created + int64(i)*step + r.Int64N(step)
		op := store.PointOperation{CustomerID: id, OccurredAt: tm(t), CreatedAt: tm(t)}
		switch x := r.IntN(100); {
		case x < 10 && bal > 0:
			op.Kind, op.Points = "subtract", -min(bal, 10+r.Int64N(200))
			op.StaffUserID = g.pickStaff()
			op.Description = subtractDescriptions[r.IntN(len(subtractDescriptions))]
		case x < 12 && bal > 0:
			op.Kind, op.Points = "expire", -max(1, bal/10)
			op.Description = expireDescription(t)
		default:
			amount := purchaseAmount(r)
			op.Kind, op.Amount, op.Points = "add", ptr(amount), amount*e.globalRate/(100*store.RateScale)
			op.StaffUserID, op.LocationID = g.pickStaff(), g.shop(c.City)
			op.Document = fmt.Sprintf("PAR/%d/%06d", tm(t).Year(), 1+r.IntN(999999))
			op.Description = purchaseDescriptions[r.IntN(len(purchaseDescriptions))]
		}
		count++
		g.next.op++
		bal += op.Points
		op.ID, op.Seq, op.BalanceAfter = g.next.op, count, bal
		part = append(part, op)
		if len(part) == size || i == n-1 {
			if err := emit(&batch{ops: part}); err != nil {
				return 0, 0, err
			}
			part = make([]store.PointOperation, 0, min(size, n))
		}
	}
	return bal, count, nil
}
