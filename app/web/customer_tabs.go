package web

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/automation"
	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/reward"
	"github.com/loyalty/backoffice/app/store"
)

// tabPageSize keeps each tab quick to render (DESIGN.md: rendering dominates a tab).
const tabPageSize = 25

// moves are the statuses an order can go to from the rewards tab.
func moves(from string) []option {
	var out []option
	for _, to := range reward.Next[from] {
		out = append(out, option{Value: to, Label: reward.Labels[to]})
	}
	return out
}

type rewardRowView struct {
	ID                                                    int64
	Lp, Photo, Name, Type, Points, Quantity, Status, Date string
	StatusKey, StatusURL                                  string
	Moves                                                 []option
	History                                               []string // "Nowe 01.12.2026 10:00", oldest first
}

type rewardsTabView struct {
	Number      string
	Rows        []rewardRowView
	Pager       pager
	Notice      string
	Problem     string
	BalanceOOB  bool
	Balance     int64
	BalanceText string
}

func (s *Server) rewardsTab(c *fiber.Ctx, cust *store.Customer) (rewardsTabView, error) {
	ctx := c.UserContext()
	pg := int(queryInt(c, "page"))
	if pg < 1 || pg > 100000 {
		pg = 1
	}
	total, err := s.store.CountRewardOrders(ctx, cust.ID)
	if err != nil {
		return rewardsTabView{}, err
	}
	rows, err := s.store.RewardOrderRows(ctx, cust.ID, (pg-1)*tabPageSize, tabPageSize)
	if err != nil {
		return rewardsTabView{}, err
	}
	v := rewardsTabView{Number: cust.Number, Balance: cust.Balance, BalanceText: format.Int(cust.Balance)}
	base := "/customers/" + cust.Number + "/rewards"
	if len(rows) > tabPageSize {
		rows = rows[:tabPageSize]
		v.Pager.OlderURL = base + "?page=" + strconv.Itoa(pg+1)
	}
	if pg > 1 {
		v.Pager.NewestURL = base
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	events, err := s.store.OrderEventsFor(ctx, ids)
	if err != nil {
		return rewardsTabView{}, err
	}
	history := map[int64][]string{}
	for _, e := range events {
		history[e.OrderID] = append(history[e.OrderID], reward.Labels[e.Status]+" "+s.clock.DateTime(e.CreatedAt))
	}
	for i, r := range rows {
		photo := ""
		if r.Photo != "" {
			photo = "/photos/" + r.Photo
		}
		v.Rows = append(v.Rows, rewardRowView{ID: r.ID, Lp: strconv.Itoa(total - (pg-1)*tabPageSize - i), Photo: photo,
			Name: r.RewardName, Type: format.Dash(r.RewardType), Points: format.Int(r.Points), Quantity: strconv.Itoa(r.Quantity),
			Status: reward.Labels[r.Status], StatusKey: r.Status, Date: s.clock.DateTime(r.StatusAt),
			StatusURL: fmt.Sprintf("/customers/%s/rewards/%d/status", cust.Number, r.ID), Moves: moves(r.Status), History: history[r.ID]})
	}
	return v, nil
}

type runRowView struct {
	ID                                 int64
	Name, Status, StatusKey, Date, Why string
	Staff                              string
}

type scenariosTabView struct {
	Number      string
	Rows        []runRowView
	Pager       pager
	CanTrigger  bool
	TriggerURL  string
	FormURL     string   // the manual-trigger form, loaded on demand
	Scenarios   []option // set only when the form is shown
	CSRF        string
	Notice      string
	Problem     string
	BalanceOOB  bool
	Balance     int64
	BalanceText string
}

func (s *Server) scenariosTab(c *fiber.Ctx, cust *store.Customer) (scenariosTabView, error) {
	ctx := c.UserContext()
	before := queryInt(c, "before")
	rows, err := s.store.ScenarioRunRows(ctx, cust.ID, before, tabPageSize)
	if err != nil {
		return scenariosTabView{}, err
	}
	v := scenariosTabView{Number: cust.Number, TriggerURL: "/customers/" + cust.Number + "/scenarios",
		Balance: cust.Balance, BalanceText: format.Int(cust.Balance)}
	base := "/customers/" + cust.Number + "/scenarios"
	if len(rows) > tabPageSize {
		rows = rows[:tabPageSize]
		v.Pager.OlderURL = base + "?before=" + strconv.FormatInt(rows[len(rows)-1].ID, 10)
	}
	if before > 0 {
		v.Pager.NewestURL = base
	}
	for _, r := range rows {
		v.Rows = append(v.Rows, runRowView{ID: r.ID, Name: r.ScenarioName, Status: automation.StatusLabels[r.Status], StatusKey: r.Status,
			Date: s.clock.DateTime(r.StatusAt), Why: r.Reason, Staff: r.StaffName})
	}
	// Triggering by hand is an admin's permission (the seed's "trigger events manually"). The
	// form with the scenario list is loaded on demand: the tab itself names only scenarios that
	// ran on this account.
	if u := staffOf(c); u != nil && u.Role == store.RoleAdmin {
		v.CanTrigger, v.FormURL, v.CSRF = true, base+"/trigger", csrfOf(c)
	}
	return v, nil
}

type referralRowView struct {
	ID                                  int64
	Number, FirstName, LastName, Joined string
	URL, Success                        string
}

type referralsTabView struct {
	Number string
	Rows   []referralRowView
	Pager  pager
}

func (s *Server) referralsTab(c *fiber.Ctx, cust *store.Customer) (referralsTabView, error) {
	pg := int(queryInt(c, "page"))
	if pg < 1 || pg > 100000 {
		pg = 1
	}
	rows, err := s.store.Referrals(c.UserContext(), cust.ID, (pg-1)*tabPageSize, tabPageSize)
	if err != nil {
		return referralsTabView{}, err
	}
	v := referralsTabView{Number: cust.Number}
	base := "/customers/" + cust.Number + "/referrals"
	if len(rows) > tabPageSize {
		rows = rows[:tabPageSize]
		v.Pager.OlderURL = base + "?page=" + strconv.Itoa(pg+1)
	}
	if pg > 1 {
		v.Pager.NewestURL = base
	}
	for _, r := range rows {
		v.Rows = append(v.Rows, referralRowView{ID: r.ID, Number: r.Number, FirstName: r.FirstName, LastName: r.LastName,
			Joined: s.clock.Date(r.CreatedAt), URL: "/customers/" + r.Number, Success: map[bool]string{true: "tak", false: "jeszcze nie"}[r.Successful]})
	}
	return v, nil
}

// triggerOptions lists the active scenarios for the manual-trigger form.
func (s *Server) triggerOptions(ctx context.Context) ([]option, error) {
	scs, err := s.store.Scenarios(ctx)
	if err != nil {
		return nil, err
	}
	var out []option
	for _, sc := range scs {
		if sc.Active {
			out = append(out, option{Value: strconv.FormatInt(sc.ID, 10), Label: sc.Name})
		}
	}
	return out, nil
}
