package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/ledger"
	"github.com/loyalty/backoffice/app/reward"
	"github.com/loyalty/backoffice/app/store"
)

// pointsSave adds or subtracts points, or issues a reward (reward_id set), and answers with the
// refreshed points tab and the card header's balance (an out-of-band swap).
func (s *Server) pointsSave(c *fiber.Ctx) error {
	ctx := c.UserContext()
	number := c.Params("number")
	form := pointsForm{Operation: c.FormValue("operation"), Amount: c.FormValue("amount"), Points: c.FormValue("points"),
		LocationID: c.FormValue("location_id"), Document: c.FormValue("document"), Description: c.FormValue("description"),
		RewardID: c.FormValue("reward_id"), Quantity: c.FormValue("quantity")}
	if _, err := s.store.CustomerByNumber(ctx, number); err != nil {
		return err
	}
	var notice, open, dup string
	var errs map[string]string
	status := http.StatusOK
	if strings.TrimSpace(form.RewardID) != "" {
		open = "reward"
		order, rerrs, err := s.rewards.Issue(ctx, number, reward.IssueInput{RewardID: form.RewardID, Quantity: form.Quantity,
			LocationID: form.LocationID, StaffID: staffID(c)})
		if err != nil {
			return err
		}
		if rerrs != nil {
			errs, status = rerrs, http.StatusUnprocessableEntity
		} else {
			notice = fmt.Sprintf("Wydano nagrodę za %s pkt.", format.Int(order.Points))
			s.audit(ctx, c, &order.CustomerID, "reward.issue", notice)
		}
	} else {
		open = form.Operation
		res, lerrs, err := s.ledger.Apply(ctx, number, ledger.Input{Operation: form.Operation, Amount: form.Amount, Points: form.Points,
			LocationID: form.LocationID, Document: form.Document, Description: form.Description,
			ConfirmDuplicate: c.FormValue("confirm_duplicate") == "1", StaffID: staffID(c)})
		switch {
		case err != nil:
			return err
		case lerrs != nil:
			errs, status = lerrs, http.StatusUnprocessableEntity
		case res.DuplicateOf != nil:
			// Not saved: staff must confirm a document number already used for this customer.
			dup = fmt.Sprintf("Dokument %s został już użyty dla tego klienta (operacja Lp. %d z %s, %s pkt). Zaznacz potwierdzenie, aby zapisać mimo to.",
				res.DuplicateOf.Document, res.DuplicateOf.Seq, s.clock.DateTime(res.DuplicateOf.OccurredAt), format.Signed(res.DuplicateOf.Points))
			status = http.StatusConflict
		default:
			if res.Op.Points > 0 {
				notice = fmt.Sprintf("Dodano %s pkt. Saldo: %s pkt.", format.Int(res.Op.Points), format.Int(res.Op.BalanceAfter))
			} else {
				notice = fmt.Sprintf("Odjęto %s pkt. Saldo: %s pkt.", format.Int(-res.Op.Points), format.Int(res.Op.BalanceAfter))
			}
			s.audit(ctx, c, &res.Op.CustomerID, "points."+res.Op.Kind, notice)
		}
	}
	if status == http.StatusOK && !isHTMX(c) {
		flash(c, notice)
		return seeOther(c, "/customers/"+number+"/points")
	}
	if status == http.StatusOK {
		form, open = pointsForm{Operation: "add", Quantity: "1"}, ""
	}
	return s.renderPointsTab(c, number, status, form, errs, open, dup, notice)
}

// renderPointsTab answers an action on the points tab: the tab (with the form state) and, for
// htmx, the header balance swapped out of band.
func (s *Server) renderPointsTab(c *fiber.Ctx, number string, status int, form pointsForm, errs map[string]string, open, dup, notice string) error {
	cust, err := s.store.CustomerByNumber(c.UserContext(), number)
	if err != nil {
		return err
	}
	v, err := s.pointsTabWith(c, cust, form, errs, open)
	if err != nil {
		return err
	}
	v.Duplicate, v.Notice, v.BalanceOOB = dup, notice, isHTMX(c)
	if !isHTMX(c) {
		return s.renderCard(c, cust, "points", "tabs/points", v, status)
	}
	return partial(c, status, "tabs/points", v)
}

// pointsCancel reverses one operation (storno).
func (s *Server) pointsCancel(c *fiber.Ctx) error {
	ctx := c.UserContext()
	number := c.Params("number")
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return errStatus(http.StatusNotFound, "Nie ma takiej operacji.")
	}
	op, err := s.ledger.Cancel(ctx, number, int64(id), staffID(c))
	var notice string
	status := http.StatusOK
	errs := map[string]string{}
	switch {
	case errors.Is(err, ledger.ErrInsufficient):
		status, errs["cancel"] = http.StatusUnprocessableEntity, "Nie można wycofać tej operacji: saldo spadłoby poniżej zera."
	case errors.Is(err, ledger.ErrConflict):
		status, errs["cancel"] = http.StatusConflict, conflictMessage(err)
	case err != nil:
		return err
	default:
		notice = fmt.Sprintf("Wycofano operację (storno %s pkt).", format.Signed(op.Points))
		s.audit(ctx, c, &op.CustomerID, "points.cancel", notice)
	}
	if status == http.StatusOK && !isHTMX(c) {
		flash(c, notice)
		return seeOther(c, "/customers/"+number+"/points")
	}
	return s.renderPointsTab(c, number, status, pointsForm{Operation: "add", Quantity: "1"}, errs, "", "", notice)
}

// conflictMessage is the Polish part of a domain conflict ("…: message").
func conflictMessage(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return strings.ToUpper(msg[i+2:i+3]) + msg[i+3:] + "."
	}
	return "Operacja jest niemożliwa w obecnym stanie."
}

// pointsPreview shows, as staff type, how many points a purchase amount gives.
func (s *Server) pointsPreview(c *fiber.Ctx) error {
	cust, err := s.store.CustomerByNumber(c.UserContext(), c.Params("number"))
	if err != nil {
		return err
	}
	msg := ""
	amount := strings.TrimSpace(c.Query("amount"))
	if amount != "" && strings.TrimSpace(c.Query("points")) == "" {
		g, ok := ledger.ParseAmount(amount)
		if !ok {
			msg = "Nieprawidłowa kwota."
		} else {
			rate, err := ledger.EffectiveRate(c.UserContext(), s.store, cust)
			if err != nil {
				return err
			}
			msg = fmt.Sprintf("= %s pkt (%s × przelicznik %s)", format.Int(ledger.PointsFor(g, rate)), format.Money(g), format.Rate(rate))
		}
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString(`<output id="points-preview" aria-live="polite">` + htmlEscape(msg) + `</output>`)
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

// rewardStatus moves a reward order to another status from the rewards tab.
func (s *Server) rewardStatus(c *fiber.Ctx) error {
	ctx := c.UserContext()
	number := c.Params("number")
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return errStatus(http.StatusNotFound, "Nie ma takiego zamówienia.")
	}
	to := c.FormValue("status")
	if reward.Labels[to] == "" {
		return errStatus(http.StatusUnprocessableEntity, "Wybierz status z listy.")
	}
	o, err := s.rewards.Move(ctx, number, int64(id), to, staffID(c))
	notice, problem := "", ""
	status := http.StatusOK
	switch {
	case errors.Is(err, reward.ErrConflict):
		status, problem = http.StatusConflict, conflictMessage(err)
	case errors.Is(err, store.ErrNotFound):
		return errStatus(http.StatusNotFound, "Nie ma takiego zamówienia.")
	case err != nil:
		return err
	default:
		notice = "Zmieniono status zamówienia na „" + reward.Labels[o.Status] + "”."
		if o.Status == reward.StatusCancelled {
			notice += " Zwrócono " + format.Int(o.Points) + " pkt."
		}
		s.audit(ctx, c, &o.CustomerID, "reward.status", notice)
	}
	if status == http.StatusOK && !isHTMX(c) {
		flash(c, notice)
		return seeOther(c, "/customers/"+number+"/rewards")
	}
	cust, err := s.store.CustomerByNumber(ctx, number)
	if err != nil {
		return err
	}
	v, err := s.rewardsTab(c, cust)
	if err != nil {
		return err
	}
	v.Notice, v.Problem, v.BalanceOOB = notice, problem, isHTMX(c)
	if !isHTMX(c) {
		return s.renderCard(c, cust, "rewards", "tabs/rewards", v, status)
	}
	return partial(c, status, "tabs/rewards", v)
}
