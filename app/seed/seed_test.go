package seed_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"
	"github.com/uptrace/bun"

	"github.com/loyalty/backoffice/app/seed"
	"github.com/loyalty/backoffice/app/store"
)

// eachDB runs fn on a fresh, migrated SQLite file, and on a fresh PostgreSQL schema when
// TEST_DATABASE_URL is set.
func eachDB(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, openSQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv("TEST_DATABASE_URL") == "" {
			if os.Getenv("REQUIRE_SERVICES") == "1" {
				t.Fatal("REQUIRE_SERVICES=1 but TEST_DATABASE_URL is not set")
			}
			t.Skip("TEST_DATABASE_URL not set: PostgreSQL not tested")
		}
		fn(t, openPostgres(t))
	})
}

func openSQLite(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open("sqlite:" + filepath.Join(t.TempDir(), "seed.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// openPostgres creates a schema of its own (dropped at the end) and connects with it as
// search_path, so tests never touch anything else in the database.
func openPostgres(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	url := os.Getenv("TEST_DATABASE_URL")
	admin, err := store.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("seedtest_%d_%d", time.Now().Unix(), rand.IntN(1_000_000))
	if _, err := admin.DB().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	st, err := store.Open(url + sep + "search_path=" + schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		st.Close()
		if _, err := admin.DB().ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

func customers(t *testing.T, st *store.Store) []store.Customer {
	t.Helper()
	var rows []store.Customer
	if err := st.DB().NewSelect().Model(&rows).OrderExpr("id").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestRun(t *testing.T) {
	eachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		before := store.Now()
		// Chunks of 16 customers and INSERTs of 7 rows: referrals, ledgers and PostgreSQL's
		// parallel writers all cross chunk and statement boundaries.
		defer seed.SetBatchSizes(16, 7)()
		rep, err := seed.Run(ctx, st, seed.Options{Customers: 60, LongHistory: 300, Rand: 42})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("report: %+v", rep)
		db := st.DB()
		count := func(table, where string, args ...any) int {
			t.Helper()
			n, err := db.NewSelect().TableExpr(table).Where(where, args...).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}

		cs := customers(t, st)
		if len(cs) != 61 || rep.Customers != 61 {
			t.Fatalf("customers: %d rows, report %d; want 61", len(cs), rep.Customers)
		}
		for _, c := range []struct {
			name string
			got  int
			n    int
		}{
			{"point_operations", rep.PointOps, count("point_operations", "1=1")},
			{"messages", rep.Messages, count("messages", "1=1")},
			{"reward_orders", rep.RewardOrders, count("reward_orders", "1=1")},
			{"scenario_runs", rep.ScenarioRuns, count("scenario_runs", "1=1")},
		} {
			if c.got != c.n || c.n == 0 {
				t.Errorf("%s: report %d, table %d", c.name, c.got, c.n)
			}
		}

		checkLedger(t, st, cs)
		checkPeople(t, cs)
		checkConsents(t, st, cs)
		checkOrders(t, st)
		checkMessages(t, st, cs, before)
		checkRuns(t, st)
		checkReferrals(t, cs)

		// The long-history customer.
		long, err := st.CustomerByNumber(ctx, "99999999")
		if err != nil {
			t.Fatal(err)
		}
		if n := count("point_operations", "customer_id = ?", long.ID); n != 300 {
			t.Errorf("long history: %d ops, want 300", n)
		}

		// The register's first page: the 25 newest customers have, between them, rows in every
		// tab; the newest one in each.
		top := make([]int64, 0, 25)
		for i := len(cs) - 1; i >= 0 && len(top) < 25; i-- {
			top = append(top, cs[i].ID)
		}
		tabs := []struct {
			tab, table, where string
		}{
			{"points", "point_operations", "customer_id IN (?)"},
			{"rewards", "reward_orders", "customer_id IN (?)"},
			{"emails", "messages", "channel = 'email' AND status <> 'deleted' AND customer_id IN (?)"},
			{"sms", "messages", "channel = 'sms' AND status <> 'deleted' AND customer_id IN (?)"},
			{"internal", "messages", "channel = 'internal' AND status <> 'deleted' AND customer_id IN (?)"},
			{"scenarios", "scenario_runs", "customer_id IN (?)"},
			{"referrals", "customers", "referred_by_id IN (?)"},
		}
		for _, tab := range tabs {
			if n := count(tab.table, tab.where, bun.In(top)); n == 0 {
				t.Errorf("tab %s: no rows for the 25 newest customers", tab.tab)
			}
			if n := count(tab.table, tab.where, bun.In(top[:1])); n == 0 {
				t.Errorf("tab %s: no rows for the newest customer %d", tab.tab, top[0])
			}
		}
		withPointsAndEmails := 0
		for _, id := range top {
			if count("point_operations", "customer_id = ?", id) > 0 && count("messages", "channel = 'email' AND customer_id = ?", id) > 0 {
				withPointsAndEmails++
			}
		}
		if withPointsAndEmails < 13 {
			t.Errorf("only %d of the 25 newest customers have points and e-mails", withPointsAndEmails)
		}

		// Ids continue after the seeded ones (PostgreSQL sequences moved, SQLite AUTOINCREMENT).
		fresh := &store.Customer{Number: "N-1", FirstName: "Nowa", LastName: "Klientka", PortalToken: strings.Repeat("ab", 32),
			CreatedAt: store.Now(), UpdatedAt: store.Now()}
		if err := st.InsertCustomer(ctx, fresh); err != nil {
			t.Fatalf("insert after seed: %v", err)
		}
		if fresh.ID <= cs[len(cs)-1].ID {
			t.Errorf("new customer got id %d, seeded up to %d", fresh.ID, cs[len(cs)-1].ID)
		}
		// The ledger keeps working on seeded customers: the next seq follows ops_count.
		newest := cs[len(cs)-1]
		err = st.WithTx(ctx, func(tx *store.Store) error {
			return tx.AppendPoints(ctx, &store.PointOperation{CustomerID: newest.ID, Kind: "add", Points: 7}, false)
		})
		if err != nil {
			t.Fatalf("append points after seed: %v", err)
		}
		sum, last, err := st.LedgerSum(ctx, newest.ID)
		if err != nil || sum != newest.Balance+7 || last != sum {
			t.Errorf("after append: sum %d, newest balance_after %d, want %d (%v)", sum, last, newest.Balance+7, err)
		}
		for _, table := range []struct{ name, insert string }{
			{"consents", "INSERT INTO consents (customer_id, channel, status, source, created_at) VALUES (?, 'email', 'granted', 'test', ?) RETURNING id"},
			{"messages", "INSERT INTO messages (channel, customer_id, send_at, status, created_at, updated_at) VALUES ('internal', ?, ?, 'unread', ?, ?) RETURNING id"},
			{"scenario_runs", "INSERT INTO scenario_runs (scenario_id, customer_id, occurrence, status, status_at, created_at) SELECT MIN(id), ?, 'test', 'done', ?, ? FROM scenarios RETURNING id"},
		} {
			var maxID, next int64
			if err := db.NewSelect().TableExpr(table.name).ColumnExpr("MAX(id)").Scan(ctx, &maxID); err != nil {
				t.Fatal(err)
			}
			now := store.Now()
			args := []any{newest.ID, now, now, now}[:strings.Count(table.insert, "?")]
			if err := db.QueryRowContext(ctx, table.insert, args...).Scan(&next); err != nil {
				t.Fatalf("%s: %v", table.name, err)
			}
			if next <= maxID {
				t.Errorf("%s: next id %d not after the seeded %d", table.name, next, maxID)
			}
		}

		// A second run refuses: the customer tables are not empty.
		if _, err := seed.Run(ctx, st, seed.Options{Customers: 1}); err == nil {
			t.Error("second run on a filled database: no error")
		}
	})
}

// checkLedger: balance == SUM(points) == newest balance_after, ops_count == rows, seq 1..n,
// no balance_after below zero, each row's balance_after the running sum.
func checkLedger(t *testing.T, st *store.Store, cs []store.Customer) {
	t.Helper()
	type op struct {
		CustomerID   int64     `bun:"customer_id"`
		Seq          int64     `bun:"seq"`
		Kind         string    `bun:"kind"`
		Amount       *int64    `bun:"amount"`
		Points       int64     `bun:"points"`
		BalanceAfter int64     `bun:"balance_after"`
		StaffUserID  *int64    `bun:"staff_user_id"`
		OccurredAt   time.Time `bun:"occurred_at"`
		Description  string    `bun:"description"`
	}
	var ops []op
	err := st.DB().NewSelect().TableExpr("point_operations").
		ColumnExpr("customer_id, seq, kind, amount, points, balance_after, staff_user_id, occurred_at, description").
		OrderExpr("customer_id, seq").Scan(context.Background(), &ops)
	if err != nil {
		t.Fatal(err)
	}
	byCustomer := map[int64][]op{}
	for _, o := range ops {
		byCustomer[o.CustomerID] = append(byCustomer[o.CustomerID], o)
	}
	kinds := map[string]int{}
	for _, c := range cs {
		rows := byCustomer[c.ID]
		var bal int64
		var prev time.Time
		for i, o := range rows {
			kinds[o.Kind]++
			if o.Seq != int64(i+1) {
				t.Fatalf("customer %s: row %d has seq %d", c.Number, i+1, o.Seq)
			}
			bal += o.Points
			if o.BalanceAfter != bal {
				t.Fatalf("customer %s seq %d: balance_after %d, running sum %d", c.Number, o.Seq, o.BalanceAfter, bal)
			}
			if bal < 0 {
				t.Fatalf("customer %s seq %d: balance %d below zero", c.Number, o.Seq, bal)
			}
			if o.OccurredAt.Before(prev) {
				t.Fatalf("customer %s seq %d: occurred_at goes back in time", c.Number, o.Seq)
			}
			prev = o.OccurredAt
			if o.StaffUserID == nil && !strings.HasPrefix(o.Description, "Automatycznie: ") && o.Kind != "expire" {
				t.Errorf("customer %s seq %d: automatic row without an 'Automatycznie:' description: %q", c.Number, o.Seq, o.Description)
			}
			if (o.Kind == "add") != (o.Points >= 0) && o.Kind != "refund" {
				t.Errorf("customer %s seq %d: kind %s with points %d", c.Number, o.Seq, o.Kind, o.Points)
			}
		}
		if c.Balance != bal || c.OpsCount != int64(len(rows)) {
			t.Fatalf("customer %s: balance %d / ops_count %d; ledger sum %d over %d rows", c.Number, c.Balance, c.OpsCount, bal, len(rows))
		}
		sum, newest, err := st.LedgerSum(context.Background(), c.ID)
		if err != nil || sum != c.Balance || newest != c.Balance {
			t.Fatalf("customer %s: LedgerSum %d/%d, balance %d (%v)", c.Number, sum, newest, c.Balance, err)
		}
	}
	for _, k := range []string{"add", "subtract", "reward"} {
		if kinds[k] == 0 {
			t.Errorf("no %q operations in the demo ledger (%v)", k, kinds)
		}
	}
	// The welcome bonus is automatic, with the scenario's name.
	found := false
	for _, o := range ops {
		if o.StaffUserID == nil && o.Description == "Automatycznie: scenariusz Powitanie — bonus za rejestrację" && o.Points == 50 {
			found = true
			break
		}
	}
	if !found {
		t.Error("no automatic welcome bonus rows")
	}
}

var (
	postalRe = regexp.MustCompile(`^\d{2}-\d{3}$`)
	phoneRe  = regexp.MustCompile(`^\+48[5-8]\d{8}$`)
	emailRe  = regexp.MustCompile(`^[a-z0-9._]+@example\.(pl|com)$`)
	numberRe = regexp.MustCompile(`^\d{8}$`)
	tokenRe  = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

var voivodeships = []string{
	"dolnośląskie", "kujawsko-pomorskie", "lubelskie", "lubuskie", "łódzkie", "małopolskie",
	"mazowieckie", "opolskie", "podkarpackie", "podlaskie", "pomorskie", "śląskie",
	"świętokrzyskie", "warmińsko-mazurskie", "wielkopolskie", "zachodniopomorskie",
}

// cityCheck: voivodeship and the first two digits of the postal code of some cities.
var cityCheck = map[string]struct {
	voivodeship string
	lo, hi      string
}{
	"Warszawa": {"mazowieckie", "00", "04"}, "Kraków": {"małopolskie", "30", "31"}, "Gdańsk": {"pomorskie", "80", "80"},
	"Wrocław": {"dolnośląskie", "50", "54"}, "Poznań": {"wielkopolskie", "60", "61"}, "Łódź": {"łódzkie", "90", "94"},
	"Katowice": {"śląskie", "40", "40"}, "Lublin": {"lubelskie", "20", "20"}, "Białystok": {"podlaskie", "15", "15"},
	"Rzeszów": {"podkarpackie", "35", "35"}, "Olsztyn": {"warmińsko-mazurskie", "10", "10"},
	"Kielce": {"świętokrzyskie", "25", "25"}, "Opole": {"opolskie", "45", "45"}, "Szczecin": {"zachodniopomorskie", "70", "71"},
	"Bydgoszcz": {"kujawsko-pomorskie", "85", "85"}, "Zielona Góra": {"lubuskie", "65", "65"},
}

func validNIP(s string) bool {
	if len(s) != 10 {
		return false
	}
	w := []int{6, 5, 7, 2, 3, 4, 5, 6, 7}
	sum := 0
	for i, r := range s {
		if r < '0' || r > '9' {
			return false
		}
		if i < 9 {
			sum += int(r-'0') * w[i]
		}
	}
	return sum%11 == int(s[9]-'0')
}

func checkPeople(t *testing.T, cs []store.Customer) {
	t.Helper()
	numbers, tokens := map[string]bool{}, map[string]bool{}
	companies := 0
	for i, c := range cs {
		where := "customer " + c.Number
		if !numberRe.MatchString(c.Number) || numbers[c.Number] {
			t.Errorf("%s: bad or duplicate number", where)
		}
		numbers[c.Number] = true
		if !tokenRe.MatchString(c.PortalToken) || tokens[c.PortalToken] {
			t.Errorf("%s: bad or duplicate portal token %q", where, c.PortalToken)
		}
		tokens[c.PortalToken] = true
		if c.FirstNameKey != store.SearchKey(c.FirstName) || c.LastNameKey != store.SearchKey(c.LastName) {
			t.Errorf("%s: search keys %q %q for %s %s", where, c.FirstNameKey, c.LastNameKey, c.FirstName, c.LastName)
		}
		if c.FirstName == "" || c.LastName == "" || c.Address == "" || c.City == "" {
			t.Errorf("%s: missing name or address: %+v", where, c)
		}
		if !postalRe.MatchString(c.PostalCode) {
			t.Errorf("%s: postal code %q", where, c.PostalCode)
		}
		if !slices.Contains(voivodeships, c.Voivodeship) {
			t.Errorf("%s: voivodeship %q", where, c.Voivodeship)
		}
		if want, ok := cityCheck[c.City]; ok {
			if c.Voivodeship != want.voivodeship || c.PostalCode[:2] < want.lo || c.PostalCode[:2] > want.hi {
				t.Errorf("%s: %s in %s with postal code %s", where, c.City, c.Voivodeship, c.PostalCode)
			}
		}
		// Polish female names end in -a (Kuba aside, none of ours); surnames agree with sex.
		female := strings.HasSuffix(c.FirstName, "a")
		if (c.Sex == "K") != female || c.Sex != "K" && c.Sex != "M" {
			t.Errorf("%s: sex %q for %s", where, c.Sex, c.FirstName)
		}
		if c.Sex == "M" && (strings.HasSuffix(c.LastName, "ska") || strings.HasSuffix(c.LastName, "cka") || strings.HasSuffix(c.LastName, "dzka")) {
			t.Errorf("%s: man named %s", where, c.LastName)
		}
		if c.Sex == "K" && (strings.HasSuffix(c.LastName, "ski") || strings.HasSuffix(c.LastName, "cki") || strings.HasSuffix(c.LastName, "dzki")) {
			t.Errorf("%s: woman named %s", where, c.LastName)
		}
		bd, err := time.Parse("2006-01-02", c.BirthDate)
		if err != nil || bd.Year() < 1950 || bd.Year() > 2006 {
			t.Errorf("%s: birth date %q", where, c.BirthDate)
		}
		if c.Phone != "" {
			num, err := phonenumbers.Parse(c.Phone, "PL")
			if !phoneRe.MatchString(c.Phone) || err != nil || !phonenumbers.IsValidNumber(num) {
				t.Errorf("%s: phone %q", where, c.Phone)
			}
		}
		if c.Email != "" && !emailRe.MatchString(c.Email) {
			t.Errorf("%s: e-mail %q", where, c.Email)
		}
		if c.Company != "" {
			companies++
		}
		if (c.Company == "") != (c.NIP == "") || c.NIP != "" && !validNIP(c.NIP) {
			t.Errorf("%s: company %q with NIP %q", where, c.Company, c.NIP)
		}
		if i > 0 && c.Number != "99999999" && cs[i-1].Number != "99999999" && c.CreatedAt.Before(cs[i-1].CreatedAt) {
			t.Errorf("%s: joined before the customer with the previous id", where)
		}
		if _, offset := c.CreatedAt.Zone(); offset != 0 || c.CreatedAt.Before(time.Now().AddDate(-2, -2, 0)) || c.CreatedAt.After(time.Now()) {
			t.Errorf("%s: created_at %v", where, c.CreatedAt)
		}
	}
	if companies == 0 {
		t.Error("no company customers")
	}
}

// checkConsents: the latest consent row of each channel is the customer's current status
// (no rows for "unknown").
func checkConsents(t *testing.T, st *store.Store, cs []store.Customer) {
	t.Helper()
	type row struct {
		CustomerID int64  `bun:"customer_id"`
		Channel    string `bun:"channel"`
		Status     string `bun:"status"`
		Source     string `bun:"source"`
	}
	var rows []row
	if err := st.DB().NewSelect().TableExpr("consents").ColumnExpr("customer_id, channel, status, source").OrderExpr("id").
		Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	latest := map[string]string{}
	for _, r := range rows {
		latest[fmt.Sprint(r.CustomerID, r.Channel)] = r.Status
		if r.Source == "" {
			t.Errorf("consent without source: %+v", r)
		}
	}
	statuses := map[string]int{}
	for _, c := range cs {
		for ch, cur := range map[string]string{"email": c.ConsentEmail, "sms": c.ConsentSMS} {
			statuses[cur]++
			got, ok := latest[fmt.Sprint(c.ID, ch)]
			if cur == "unknown" && ok || cur != "unknown" && got != cur {
				t.Errorf("customer %s %s consent %q, latest row %q", c.Number, ch, cur, got)
			}
		}
	}
	if statuses["granted"] < statuses["unknown"]+statuses["refused"]+statuses["withdrawn"] {
		t.Errorf("consents not mostly granted: %v", statuses)
	}
}

func checkOrders(t *testing.T, st *store.Store) {
	t.Helper()
	type row struct {
		ID       int64  `bun:"id"`
		Points   int64  `bun:"points"`
		Status   string `bun:"status"`
		OpID     *int64 `bun:"point_operation_id"`
		OpPoints *int64 `bun:"op_points"`
		OpOrder  *int64 `bun:"op_order"`
		Events   int    `bun:"events"`
		Last     string `bun:"last_event"`
	}
	var rows []row
	err := st.DB().NewSelect().TableExpr("reward_orders AS o").
		ColumnExpr("o.id, o.points, o.status, o.point_operation_id, p.points AS op_points, p.reward_order_id AS op_order").
		ColumnExpr("(SELECT COUNT(*) FROM reward_order_events e WHERE e.order_id = o.id) AS events").
		ColumnExpr("(SELECT e.status FROM reward_order_events e WHERE e.order_id = o.id ORDER BY e.id DESC LIMIT 1) AS last_event").
		Join("LEFT JOIN point_operations AS p ON p.id = o.point_operation_id").
		OrderExpr("o.id").Scan(context.Background(), &rows)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range rows {
		if o.OpID == nil || o.OpPoints == nil || *o.OpPoints != -o.Points || o.OpOrder == nil || *o.OpOrder != o.ID {
			t.Errorf("order %d: ledger link %+v", o.ID, o)
		}
		if o.Events == 0 || o.Last != o.Status {
			t.Errorf("order %d: status %s, %d events, last %q", o.ID, o.Status, o.Events, o.Last)
		}
		if !slices.Contains([]string{"new", "processing", "shipped", "issued", "cancelled"}, o.Status) {
			t.Errorf("order %d: status %q", o.ID, o.Status)
		}
	}
	n, err := st.DB().NewSelect().TableExpr("point_operations").Where("kind = 'reward' AND reward_order_id IS NULL").Count(context.Background())
	if err != nil || n != 0 {
		t.Errorf("%d reward rows without an order (%v)", n, err)
	}
}

func checkMessages(t *testing.T, st *store.Store, cs []store.Customer, before time.Time) {
	t.Helper()
	var ms []store.Message
	if err := st.DB().NewSelect().Model(&ms).OrderExpr("id").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	byID := map[int64]store.Customer{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	seen := map[string]int{}
	for _, m := range ms {
		c := byID[m.CustomerID]
		seen[m.Channel+"/"+m.Status]++
		where := fmt.Sprintf("message %d (%s %s)", m.ID, m.Channel, m.Status)
		switch m.Status {
		case "sent", "read", "unread":
			if m.SentAt == nil || m.SentAt.Before(m.SendAt) || m.SentAt.After(before) {
				t.Errorf("%s: send_at %v, sent_at %v", where, m.SendAt, m.SentAt)
			}
		case "scheduled":
			if m.SentAt != nil || !m.SendAt.After(before) {
				t.Errorf("%s: scheduled for %v, sent_at %v", where, m.SendAt, m.SentAt)
			}
		case "failed":
			if m.SentAt != nil || m.LastError == "" {
				t.Errorf("%s: failed without an error", where)
			}
		default:
			t.Errorf("%s: unexpected status", where)
		}
		switch m.Channel {
		case "email":
			if m.Recipient != c.Email || m.Subject == "" || c.ConsentEmail != "granted" {
				t.Errorf("%s: to %q (customer %q, consent %s)", where, m.Recipient, c.Email, c.ConsentEmail)
			}
		case "sms":
			if m.Recipient != c.Phone || m.Body == "" || c.ConsentSMS != "granted" || m.Status != "sent" {
				t.Errorf("%s: to %q (customer %q, consent %s)", where, m.Recipient, c.Phone, c.ConsentSMS)
			}
		case "internal":
			if (m.Status == "read") != (m.ReadAt != nil) || m.Status != "read" && m.Status != "unread" {
				t.Errorf("%s: read_at %v", where, m.ReadAt)
			}
		}
		if m.ReadAt != nil && m.SentAt != nil && m.ReadAt.Before(*m.SentAt) {
			t.Errorf("%s: read before sent", where)
		}
	}
	for _, k := range []string{"email/sent", "email/failed", "email/scheduled", "sms/sent", "internal/read"} {
		if seen[k] == 0 {
			t.Errorf("no %s messages in the demo (%v)", k, seen)
		}
	}
}

var occurrenceRe = regexp.MustCompile(`^(joined|birthday:\d{4}|ref:\d+|inactive:\d{4}-\d{2})$`)

func checkRuns(t *testing.T, st *store.Store) {
	t.Helper()
	type row struct {
		Occurrence string `bun:"occurrence"`
		Status     string `bun:"status"`
		Reason     string `bun:"reason"`
		Trigger    string `bun:"trigger_kind"`
	}
	var rows []row
	err := st.DB().NewSelect().TableExpr("scenario_runs AS r").Join("JOIN scenarios AS s ON s.id = r.scenario_id").
		ColumnExpr("r.occurrence, r.status, r.reason, s.trigger_kind").Scan(context.Background(), &rows)
	if err != nil {
		t.Fatal(err)
	}
	triggers := map[string]int{}
	for _, r := range rows {
		triggers[r.Trigger]++
		if !occurrenceRe.MatchString(r.Occurrence) || !strings.HasPrefix(r.Occurrence, map[string]string{
			"joined": "joined", "birthday": "birthday:", "referral": "ref:", "inactive": "inactive:"}[r.Trigger]) {
			t.Errorf("run %+v: occurrence does not match the trigger", r)
		}
		if (r.Status == "done") != (r.Reason == "") {
			t.Errorf("run %+v: status and reason disagree", r)
		}
	}
	for _, k := range []string{"joined", "birthday", "referral"} {
		if triggers[k] == 0 {
			t.Errorf("no %s runs (%v)", k, triggers)
		}
	}
}

// checkReferrals: some customers were referred, and the referrer chains never loop.
func checkReferrals(t *testing.T, cs []store.Customer) {
	t.Helper()
	ref := map[int64]int64{}
	for _, c := range cs {
		if c.ReferredByID != nil {
			ref[c.ID] = *c.ReferredByID
		}
	}
	if len(ref) == 0 {
		t.Error("no referrals")
	}
	for id := range ref {
		seen := map[int64]bool{}
		for cur, ok := id, true; ok; cur, ok = ref[cur] {
			if seen[cur] {
				t.Fatalf("referral cycle through %d", id)
			}
			seen[cur] = true
		}
	}
}

// TestDeterministic: the same seed gives the same customers and ledgers, however the work is
// cut into chunks.
func TestDeterministic(t *testing.T) {
	digest := func(chunk, rows int) []string {
		defer seed.SetBatchSizes(chunk, rows)()
		st := openSQLite(t)
		if _, err := seed.Run(context.Background(), st, seed.Options{Customers: 40, Rand: 7}); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range customers(t, st) {
			var ref int64
			if c.ReferredByID != nil {
				ref = *c.ReferredByID
			}
			out = append(out, fmt.Sprint(c.Number, c.FirstName, c.LastName, c.City, c.Email, c.Phone, c.NIP, c.Balance, c.OpsCount, ref))
		}
		return out
	}
	a, b := digest(5000, 1000), digest(3, 2)
	if !slices.Equal(a, b) {
		t.Errorf("two runs with one seed differ:\n%v\n%v", a, b)
	}
}

func TestEmpty(t *testing.T) {
	st := openSQLite(t)
	rep, err := seed.Run(context.Background(), st, seed.Options{})
	if err != nil || rep.Customers != 0 {
		t.Fatalf("zero customers: %+v, %v", rep, err)
	}
	// Reference data exists and a second call finds it instead of duplicating it.
	if _, err := seed.Run(context.Background(), st, seed.Options{Customers: 3}); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"staff_users", "customer_groups", "locations", "rewards", "scenarios", "scenario_actions", "settings"} {
		n, err := st.DB().NewSelect().TableExpr(table).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"staff_users": 2, "customer_groups": 4, "locations": 5, "rewards": 11, "scenarios": 4, "scenario_actions": 4, "settings": 1}[table]
		if int(n) != want {
			t.Errorf("%s: %d rows, want %d", table, n, want)
		}
	}
	u, err := st.StaffByLogin(context.Background(), "piotr.wisniewski")
	if err != nil || u.PasswordHash != "!" || u.Name != "Piotr Wiśniewski" {
		t.Errorf("demo staff: %+v, %v", u, err)
	}
}
