package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/automation"
	"github.com/loyalty/backoffice/app/store"
)

// scenarioTrigger runs a scenario for the customer by hand ("wyzwól ręcznie"), recorded with
// the staff member; once per scenario and day, so a double click does not run it twice.
func (s *Server) scenarioTrigger(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cust, err := s.store.CustomerByNumber(ctx, c.Params("number"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.FormValue("scenario_id"), 10, 64)
	var sc *store.Scenario
	if err == nil && id > 0 {
		sc, err = s.store.Scenario(ctx, id)
	}
	status, notice, problem := http.StatusOK, "", ""
	if err != nil || sc == nil {
		status, problem = http.StatusUnprocessableEntity, "Wybierz scenariusz z listy."
	} else {
		occurrence := "manual:" + time.Now().In(s.cfg.Location).Format("2006-01-02")
		out, err := s.scenarios.Run(ctx, sc.ID, cust.ID, occurrence, staffID(c))
		if err != nil {
			return err
		}
		switch out.Status {
		case "":
			status, problem = http.StatusConflict, "Ten scenariusz uruchomiono już dziś ręcznie dla tego klienta."
		case automation.StatusSkipped:
			notice = "Scenariusz „" + sc.Name + "” pominięty: " + out.Reason
		default:
			notice = "Uruchomiono scenariusz „" + sc.Name + "”."
		}
		s.audit(ctx, c, &cust.ID, "scenario.manual", sc.Name)
	}
	if status == http.StatusOK && !isHTMX(c) {
		flash(c, notice)
		return seeOther(c, "/customers/"+cust.Number+"/scenarios")
	}
	cust, err = s.store.CustomerByNumber(ctx, cust.Number)
	if err != nil {
		return err
	}
	v, err := s.scenariosTab(c, cust)
	if err != nil {
		return err
	}
	v.Notice, v.Problem, v.BalanceOOB = notice, problem, isHTMX(c)
	if !isHTMX(c) {
		return s.renderCard(c, cust, "scenarios", "tabs/scenarios", v, status)
	}
	return partial(c, status, "tabs/scenarios", v)
}

// scenarioTriggerForm shows the manual-trigger form: the fragment for htmx, or the card with
// the form open on a full navigation.
func (s *Server) scenarioTriggerForm(c *fiber.Ctx) error {
	cust, err := s.store.CustomerByNumber(c.UserContext(), c.Params("number"))
	if err != nil {
		return err
	}
	v, err := s.scenariosTab(c, cust)
	if err != nil {
		return err
	}
	if v.Scenarios, err = s.triggerOptions(c.UserContext()); err != nil {
		return err
	}
	if isHTMX(c) {
		return partial(c, http.StatusOK, "partials/scenario_trigger", v)
	}
	return s.renderCard(c, cust, "scenarios", "tabs/scenarios", v, http.StatusOK)
}
