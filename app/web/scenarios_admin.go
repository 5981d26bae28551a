package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/automation"
	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/ledger"
	"github.com/loyalty/backoffice/app/store"
)

// actionSlots is how many actions the scenario form offers.
const actionSlots = 3

type actionForm struct {
	Kind, Points, Subject, Body string
	Kinds                       []option
	Index                       int
}

type scenarioForm struct {
	ID                             int64
	Name, Trigger, Threshold, Unit string
	Active                         bool
	Actions                        []actionForm
	Triggers, Units                []option
}

type scenarioRowView struct {
	ID                                        int64
	Name, Trigger, Condition, Actions, Status string
	Active                                    bool
	EditURL                                   string
	Runs                                      string
}

type scenariosView struct {
	Base
	Rows         []scenarioRowView
	Form         scenarioForm
	Errors       map[string]string
	Action       string
	Placeholders string
	Preview      *scenarioPreview
}

type scenarioPreview struct {
	Customer string
	Lines    []string
	Problem  string
}

func (s *Server) scenarioList(c *fiber.Ctx) error {
	v, err := s.scenariosView(c, emptyScenarioForm(), nil, "/scenarios")
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, "pages/scenarios", v)
}

func (s *Server) scenarioEdit(c *fiber.Ctx) error {
	sc, actions, err := s.loadScenario(c)
	if err != nil {
		return err
	}
	f := emptyScenarioForm()
	f.ID, f.Name, f.Trigger, f.Unit, f.Active = sc.ID, sc.Name, sc.Trigger, sc.ThresholdUnit, sc.Active
	if sc.Threshold != 0 {
		f.Threshold = strconv.FormatInt(sc.Threshold, 10)
		if sc.Trigger == automation.TriggerReferralSuccess && sc.ThresholdUnit == "amount" {
			f.Threshold = strings.ReplaceAll(format.Amount(sc.Threshold), "\u00a0", "")
		}
	}
	for i, a := range actions {
		if i >= actionSlots {
			break
		}
		f.Actions[i].Kind, f.Actions[i].Subject, f.Actions[i].Body = a.Kind, a.Subject, a.Body
		if a.Points != 0 {
			f.Actions[i].Points = strconv.FormatInt(a.Points, 10)
		}
	}
	fillScenarioOptions(&f)
	v, err := s.scenariosView(c, f, nil, "/scenarios/"+strconv.FormatInt(sc.ID, 10))
	if err != nil {
		return err
	}
	if number := strings.TrimSpace(c.Query("customer")); number != "" {
		v.Preview = s.previewScenario(c, sc, actions, number)
	}
	return page(c, http.StatusOK, "pages/scenarios", v)
}

func (s *Server) scenarioCreate(c *fiber.Ctx) error { return s.scenarioSave(c, nil) }

func (s *Server) scenarioUpdate(c *fiber.Ctx) error {
	sc, _, err := s.loadScenario(c)
	if err != nil {
		return err
	}
	return s.scenarioSave(c, sc)
}

func (s *Server) loadScenario(c *fiber.Ctx) (*store.Scenario, []store.ScenarioAction, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, errStatus(http.StatusNotFound, "Nie ma takiego scenariusza.")
	}
	sc, err := s.store.Scenario(c.UserContext(), id)
	if err != nil {
		return nil, nil, err
	}
	actions, err := s.store.ScenarioActions(c.UserContext(), id)
	return sc, actions, err
}

// scenarioSave validates the form and adds (existing == nil) or updates a scenario.
func (s *Server) scenarioSave(c *fiber.Ctx, existing *store.Scenario) error {
	f := parseScenarioForm(c)
	sc, actions, errs := validateScenario(f)
	action := "/scenarios"
	if existing != nil {
		action = "/scenarios/" + strconv.FormatInt(existing.ID, 10)
		f.ID = existing.ID
	}
	if len(errs) > 0 {
		fillScenarioOptions(&f)
		v, err := s.scenariosView(c, f, errs, action)
		if err != nil {
			return err
		}
		return page(c, http.StatusUnprocessableEntity, "pages/scenarios", v)
	}
	ctx := c.UserContext()
	now := store.Now()
	if existing == nil {
		sc.CreatedAt, sc.UpdatedAt = now, now
		if err := s.store.InsertScenario(ctx, sc, actions); err != nil {
			return err
		}
		flash(c, "Dodano scenariusz „"+sc.Name+"”.")
	} else {
		sc.ID, sc.CreatedAt = existing.ID, existing.CreatedAt
		if err := s.store.UpdateScenario(ctx, sc, actions); err != nil {
			return err
		}
		flash(c, "Zapisano scenariusz „"+sc.Name+"”.")
	}
	s.audit(ctx, c, nil, "scenario.save", sc.Name)
	return redirectTo(c, "/scenarios")
}

func emptyScenarioForm() scenarioForm {
	f := scenarioForm{Trigger: automation.TriggerJoined, Active: true, Unit: "amount"}
	f.Actions = make([]actionForm, actionSlots)
	fillScenarioOptions(&f)
	return f
}

func fillScenarioOptions(f *scenarioForm) {
	f.Triggers = nil
	for _, t := range automation.TriggerOrder {
		f.Triggers = append(f.Triggers, option{Value: t, Label: automation.TriggerLabels[t], Selected: f.Trigger == t})
	}
	f.Units = []option{{Value: "amount", Label: "zł zakupów", Selected: f.Unit != "points"}, {Value: "points", Label: "punktów", Selected: f.Unit == "points"}}
	for len(f.Actions) < actionSlots {
		f.Actions = append(f.Actions, actionForm{})
	}
	for i := range f.Actions {
		f.Actions[i].Index = i + 1
		f.Actions[i].Kinds = []option{{Value: "", Label: "— brak —", Selected: f.Actions[i].Kind == ""}}
		for _, k := range automation.ActionOrder {
			f.Actions[i].Kinds = append(f.Actions[i].Kinds, option{Value: k, Label: automation.ActionLabels[k], Selected: f.Actions[i].Kind == k})
		}
	}
}

// parseScenarioForm reads the form; the action fields repeat (action, points, subject, body),
// one value per action slot, in order.
func parseScenarioForm(c *fiber.Ctx) scenarioForm {
	f := scenarioForm{Name: strings.TrimSpace(c.FormValue("name")), Trigger: c.FormValue("trigger"),
		Threshold: strings.TrimSpace(c.FormValue("threshold")), Unit: c.FormValue("threshold_unit"),
		Active: c.FormValue("active") == "1" || c.FormValue("active") == "on" || c.FormValue("active") == "true"}
	args := c.Request().PostArgs()
	multi := func(key string) []string {
		var out []string
		for _, v := range args.PeekMulti(key) {
			out = append(out, string(v))
		}
		if len(out) == 0 {
			if form, err := c.MultipartForm(); err == nil {
				out = form.Value[key]
			}
		}
		return out
	}
	kinds, points, subjects, bodies := multi("action"), multi("points"), multi("subject"), multi("body")
	at := func(xs []string, i int) string {
		if i < len(xs) {
			return strings.TrimSpace(xs[i])
		}
		return ""
	}
	for i := 0; i < actionSlots; i++ {
		f.Actions = append(f.Actions, actionForm{Kind: at(kinds, i), Points: at(points, i), Subject: at(subjects, i), Body: at(bodies, i)})
	}
	return f
}

func validateScenario(f scenarioForm) (*store.Scenario, []store.ScenarioAction, map[string]string) {
	errs := map[string]string{}
	sc := &store.Scenario{Name: f.Name, Trigger: f.Trigger, Active: f.Active}
	if f.Name == "" || len([]rune(f.Name)) > 200 {
		errs["name"] = "Podaj nazwę scenariusza (najwyżej 200 znaków)."
	}
	if automation.TriggerLabels[f.Trigger] == "" {
		errs["trigger"] = "Wybierz wyzwalacz z listy."
	}
	switch f.Trigger {
	case automation.TriggerPointsAdded:
		if f.Threshold != "" {
			n, ok := ledger.ParsePoints(f.Threshold)
			if !ok {
				errs["threshold"] = "Próg to dodatnia liczba punktów (albo puste: każde dodanie)."
			}
			sc.Threshold = n
		}
	case automation.TriggerInactive:
		n, err := strconv.Atoi(f.Threshold)
		if err != nil || n < 1 || n > 3650 {
			errs["threshold"] = "Podaj liczbę dni bez aktywności (1–3650)."
		}
		sc.Threshold = int64(n)
	case automation.TriggerReferralSuccess:
		sc.ThresholdUnit = f.Unit
		if f.Unit == "points" {
			n, ok := ledger.ParsePoints(f.Threshold)
			if !ok {
				errs["threshold"] = "Podaj próg w punktach (dodatnia liczba całkowita)."
			}
			sc.Threshold = n
		} else {
			sc.ThresholdUnit = "amount"
			g, ok := ledger.ParseAmount(f.Threshold)
			if !ok || g <= 0 {
				errs["threshold"] = "Podaj próg zakupów w złotych, np. 200,00."
			}
			sc.Threshold = g
		}
	}
	var actions []store.ScenarioAction
	for i, a := range f.Actions {
		if a.Kind == "" {
			continue
		}
		key := "action_" + strconv.Itoa(i+1)
		act := store.ScenarioAction{Kind: a.Kind, Subject: a.Subject, Body: a.Body}
		switch a.Kind {
		case automation.ActionAddPoints:
			n, ok := ledger.ParsePoints(a.Points)
			if !ok {
				errs[key] = "Podaj liczbę punktów do dodania (dodatnia liczba całkowita)."
			}
			act.Points, act.Subject, act.Body = n, "", ""
		case automation.ActionSendEmail, automation.ActionSendInternal:
			if a.Subject == "" || len([]rune(a.Subject)) > 300 {
				errs[key] = "Podaj tytuł wiadomości (najwyżej 300 znaków)."
			} else if a.Body == "" || len(a.Body) > 100000 {
				errs[key] = "Podaj treść wiadomości."
			}
		case automation.ActionSendSMS:
			if a.Body == "" || len([]rune(a.Body)) > 1000 {
				errs[key] = "Podaj treść SMS-a (najwyżej 1000 znaków)."
			}
			act.Subject = ""
		default:
			errs[key] = "Wybierz akcję z listy."
		}
		actions = append(actions, act)
	}
	if len(actions) == 0 && errs["action_1"] == "" {
		errs["action_1"] = "Scenariusz potrzebuje co najmniej jednej akcji."
	}
	return sc, actions, errs
}

func (s *Server) scenariosView(c *fiber.Ctx, f scenarioForm, errs map[string]string, action string) (scenariosView, error) {
	v := scenariosView{Base: s.base(c, "Scenariusze"), Form: f, Errors: errs, Action: action,
		Placeholders: strings.Join(automation.Placeholders, ", ")}
	v.Nav = "scenarios"
	ctx := c.UserContext()
	scs, err := s.store.Scenarios(ctx)
	if err != nil {
		return v, err
	}
	counts, err := s.store.ScenarioRunCounts(ctx)
	if err != nil {
		return v, err
	}
	for _, sc := range scs {
		actions, err := s.store.ScenarioActions(ctx, sc.ID)
		if err != nil {
			return v, err
		}
		var names []string
		for _, a := range actions {
			n := automation.ActionLabels[a.Kind]
			if a.Kind == automation.ActionAddPoints {
				n += " (" + format.Int(a.Points) + " pkt)"
			}
			names = append(names, n)
		}
		status := "nieaktywny"
		if sc.Active {
			status = "aktywny"
		}
		v.Rows = append(v.Rows, scenarioRowView{ID: sc.ID, Name: sc.Name, Trigger: automation.TriggerLabels[sc.Trigger],
			Condition: condition(sc), Actions: strings.Join(names, ", "), Status: status, Active: sc.Active,
			EditURL: "/scenarios/" + strconv.FormatInt(sc.ID, 10), Runs: format.Int(counts[sc.ID])})
	}
	return v, nil
}

func condition(sc store.Scenario) string {
	switch sc.Trigger {
	case automation.TriggerPointsAdded:
		if sc.Threshold > 0 {
			return "od " + format.Int(sc.Threshold) + " pkt"
		}
	case automation.TriggerInactive:
		return format.Int(sc.Threshold) + " dni"
	case automation.TriggerReferralSuccess:
		if sc.ThresholdUnit == "points" {
			return "od " + format.Int(sc.Threshold) + " pkt"
		}
		return "od " + format.Money(sc.Threshold)
	}
	return "—"
}

// previewScenario says what the scenario would do for a customer, without doing it.
func (s *Server) previewScenario(c *fiber.Ctx, sc *store.Scenario, actions []store.ScenarioAction, number string) *scenarioPreview {
	p := &scenarioPreview{Customer: number}
	cust, err := s.store.CustomerByNumber(c.UserContext(), number)
	if errors.Is(err, store.ErrNotFound) {
		p.Problem = "Nie ma klienta o numerze " + number + "."
		return p
	} else if err != nil {
		p.Problem = "Nie udało się wczytać klienta."
		return p
	}
	p.Customer = cust.FirstName + " " + cust.LastName + " (" + cust.Number + ")"
	for _, a := range actions {
		switch a.Kind {
		case automation.ActionAddPoints:
			p.Lines = append(p.Lines, "Doda "+format.Int(a.Points)+" pkt (saldo "+format.Int(cust.Balance)+" → "+format.Int(cust.Balance+a.Points)+").")
		case automation.ActionSendEmail:
			line := "E-mail „" + automation.Render(a.Subject, cust, false) + "”: " + automation.Render(a.Body, cust, false)
			if cust.ConsentEmail != "granted" || cust.Email == "" {
				line += " — nie zostanie wysłany: brak zgody na e-mail lub adresu."
			}
			p.Lines = append(p.Lines, line)
		case automation.ActionSendSMS:
			line := "SMS: " + automation.Render(a.Body, cust, false)
			if cust.ConsentSMS != "granted" || cust.Phone == "" {
				line += " — nie zostanie wysłany: brak zgody na SMS lub numeru."
			}
			p.Lines = append(p.Lines, line)
		case automation.ActionSendInternal:
			p.Lines = append(p.Lines, "Wiadomość wewnętrzna „"+automation.Render(a.Subject, cust, false)+"”: "+automation.Render(a.Body, cust, false))
		}
	}
	return p
}
