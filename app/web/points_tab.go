package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/ledger"
	"github.com/loyalty/backoffice/app/store"
)

// chartOps is how many of the newest operations the balance chart shows.
const chartOps = 200

// pointKinds are the Polish names of ledger rows.
var pointKinds = map[string]string{
	"add": "Dodanie punktów", "subtract": "Odjęcie punktów", "reward": "Wydanie nagrody",
	"refund": "Zwrot za nagrodę", "cancel": "Storno", "expire": "Wygaśnięcie punktów",
}

var pointKindOrder = []string{"add", "subtract", "reward", "refund", "cancel", "expire"}

type pointRowView struct {
	ID                                                          int64
	Seq, Kind, Date, Amount, Points, BalanceAfter, Reward, User string
	Location, Document, Description, Number                     string
	Negative, Cancellable                                       bool
	CancelURL                                                   string
}

// pointsForm is what the add / subtract / reward forms hold (kept on a 422).
type pointsForm struct {
	Operation, Amount, Points, LocationID, Document, Description, RewardID, Quantity string
}

type pointsFilter struct {
	From, To, Kind string
	Kinds          []option
	Active         bool
}

type chartView struct {
	JSON    string
	Summary string
}

type rewardChoice struct {
	ID                                  int64
	Name, Type, Points, Stock, PhotoURL string
	Selected                            bool
}

type pointsTabView struct {
	Number      string
	PostURL     string
	PreviewURL  string
	ExportURL   string
	TabURL      string
	Rows        []pointRowView
	Pager       pager
	Filter      pointsFilter
	Form        pointsForm
	Errors      map[string]string
	Open        string // which form is open: add | subtract | reward
	Duplicate   string // the warning about a document already used, "" when none
	Locations   []option
	Rewards     []rewardChoice
	Chart       chartView
	Rate        string
	Expiring    string
	Notice      string
	Problem     string // errors no open form can show next to a field
	BalanceOOB  bool
	Balance     int64
	BalanceText string
}

// pointsTab builds the points tab from the request's filters and keyset position.
func (s *Server) pointsTab(c *fiber.Ctx, cust *store.Customer) (pointsTabView, error) {
	return s.pointsTabWith(c, cust, pointsForm{Operation: "add", Quantity: "1"}, nil, "")
}

func (s *Server) pointsTabWith(c *fiber.Ctx, cust *store.Customer, form pointsForm, errs map[string]string, open string) (pointsTabView, error) {
	ctx := c.UserContext()
	base := "/customers/" + cust.Number + "/points"
	v := pointsTabView{Number: cust.Number, PostURL: base, PreviewURL: base + "/preview", TabURL: base,
		Form: form, Errors: errs, Open: open, Balance: cust.Balance, BalanceText: format.Int(cust.Balance)}

	f, filterQuery := s.parsePointsFilter(c, &v.Filter)
	v.ExportURL = "/customers/" + cust.Number + "/points.csv" + filterQuery
	rows, err := s.store.PointRows(ctx, cust.ID, f, tabPageSize)
	if err != nil {
		return v, err
	}
	if len(rows) > tabPageSize {
		rows = rows[:tabPageSize]
		v.Pager.OlderURL = base + withParam(filterQuery, "before", strconv.FormatInt(rows[len(rows)-1].Seq, 10))
	}
	if f.BeforeSeq > 0 {
		v.Pager.NewestURL = base + filterQuery
	}
	for _, r := range rows {
		v.Rows = append(v.Rows, s.pointRow(cust.Number, r))
	}

	rate, err := ledger.EffectiveRate(ctx, s.store, cust)
	if err != nil {
		return v, err
	}
	v.Rate = format.Rate(rate)
	settings, err := s.store.Settings(ctx)
	if err != nil {
		return v, err
	}
	if n, until, err := ledger.ExpiringSoon(ctx, s.store, cust.ID, settings.PointsValidityDays, time.Now(), 30*24*time.Hour); err != nil {
		return v, err
	} else if n > 0 {
		v.Expiring = fmt.Sprintf("%s pkt wygaśnie do %s", format.Int(n), s.clock.Date(until))
	}
	if v.Locations, err = s.locationOptions(ctx, form.LocationID); err != nil {
		return v, err
	}
	rewards, err := s.store.Rewards(ctx, true)
	if err != nil {
		return v, err
	}
	for _, r := range rewards {
		stock := "bez limitu"
		if r.Stock != nil {
			stock = format.Int(*r.Stock) + " szt."
		}
		photo := ""
		if r.Photo != "" {
			photo = "/photos/" + r.Photo
		}
		v.Rewards = append(v.Rewards, rewardChoice{ID: r.ID, Name: r.Name, Type: format.Dash(r.Type), Points: format.Int(r.Points),
			Stock: stock, PhotoURL: photo, Selected: form.RewardID == strconv.FormatInt(r.ID, 10)})
	}
	shown := open == "add" || open == "subtract" || (open == "reward" && len(v.Rewards) > 0)
	if len(errs) > 0 && !shown {
		var msgs []string
		for _, m := range errs {
			msgs = append(msgs, m)
		}
		sort.Strings(msgs)
		v.Problem = strings.Join(msgs, " ")
	}
	v.Chart, err = s.balanceChart(ctx, cust)
	return v, err
}

func (s *Server) pointRow(number string, r store.PointRow) pointRowView {
	amount := "—"
	if r.Amount != nil {
		amount = format.Amount(*r.Amount)
	}
	user := r.StaffName
	if user == "" {
		user = "automatycznie"
	}
	cancellable := (r.Kind == "add" || r.Kind == "subtract" || r.Kind == "expire") && !r.Cancelled
	return pointRowView{ID: r.ID, Seq: strconv.FormatInt(r.Seq, 10), Number: number,
		Kind: pointKinds[r.Kind], Date: s.clock.DateTime(r.OccurredAt), Amount: amount,
		Points: format.Signed(r.Points), Negative: r.Points < 0, BalanceAfter: format.Int(r.BalanceAfter),
		Reward: format.Dash(r.RewardName), User: user, Location: format.Dash(r.LocationName),
		Document: format.Dash(r.Document), Description: format.Dash(r.Description),
		Cancellable: cancellable, CancelURL: fmt.Sprintf("/customers/%s/points/%d/cancel", number, r.ID)}
}

// parsePointsFilter reads from/to (dates typed in the display zone), kind and the keyset
// position; it returns the store filter and the query string that keeps the filter in links.
func (s *Server) parsePointsFilter(c *fiber.Ctx, f *pointsFilter) (store.PointFilter, string) {
	var out store.PointFilter
	q := url.Values{}
	if d, err := time.ParseInLocation("2006-01-02", c.Query("from"), s.cfg.Location); err == nil {
		out.From, f.From = d.UTC(), c.Query("from")
		q.Set("from", f.From)
	}
	if d, err := time.ParseInLocation("2006-01-02", c.Query("to"), s.cfg.Location); err == nil {
		out.To, f.To = d.AddDate(0, 0, 1).UTC(), c.Query("to") // inclusive: up to the end of that day
		q.Set("to", f.To)
	}
	if k := c.Query("kind"); pointKinds[k] != "" {
		out.Kind, f.Kind = k, k
		q.Set("kind", k)
	}
	f.Active = len(q) > 0
	f.Kinds = append(f.Kinds, option{Value: "", Label: "Wszystkie operacje", Selected: f.Kind == ""})
	for _, k := range pointKindOrder {
		f.Kinds = append(f.Kinds, option{Value: k, Label: pointKinds[k], Selected: f.Kind == k})
	}
	out.BeforeSeq = queryInt(c, "before")
	if len(q) == 0 {
		return out, ""
	}
	return out, "?" + q.Encode()
}

func withParam(query, key, value string) string {
	if query == "" {
		return "?" + key + "=" + url.QueryEscape(value)
	}
	return query + "&" + key + "=" + url.QueryEscape(value)
}

func (s *Server) locationOptions(ctx context.Context, selected string) ([]option, error) {
	locs, err := s.store.Locations(ctx)
	if err != nil {
		return nil, err
	}
	out := []option{{Value: "", Label: "— bez lokalizacji —", Selected: selected == ""}}
	for _, l := range locs {
		if !l.Active {
			continue
		}
		id := strconv.FormatInt(l.ID, 10)
		out = append(out, option{Value: id, Label: l.Name, Selected: selected == id})
	}
	return out, nil
}

// balanceChart is the data of the balance chart (read by static/js/app.js) and its text
// summary for screen readers.
func (s *Server) balanceChart(ctx context.Context, cust *store.Customer) (chartView, error) {
	pts, err := s.store.BalanceHistory(ctx, cust.ID, chartOps)
	if err != nil || len(pts) == 0 {
		return chartView{}, err
	}
	data := struct {
		Labels []string `json:"labels"`
		Values []int64  `json:"values"`
		Label  string   `json:"label"`
	}{Label: "Saldo"}
	lo, hi := pts[0].BalanceAfter, pts[0].BalanceAfter
	for _, p := range pts {
		data.Labels = append(data.Labels, p.OccurredAt.In(s.cfg.Location).Format("2006-01-02 15:04"))
		data.Values = append(data.Values, p.BalanceAfter)
		lo, hi = min(lo, p.BalanceAfter), max(hi, p.BalanceAfter)
	}
	b, err := json.Marshal(data)
	if err != nil {
		return chartView{}, err
	}
	first, last := pts[0], pts[len(pts)-1]
	summary := fmt.Sprintf("Saldo od %s do %s: z %s do %s pkt (najniżej %s, najwyżej %s pkt; %d operacji).",
		s.clock.Date(first.OccurredAt), s.clock.Date(last.OccurredAt), format.Int(first.BalanceAfter), format.Int(last.BalanceAfter),
		format.Int(lo), format.Int(hi), len(pts))
	return chartView{JSON: string(b), Summary: strings.ReplaceAll(summary, "\u00a0", " ")}, nil
}
