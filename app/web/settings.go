package web

import (
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/ledger"
)

// settingsForm is the settings form as typed.
type settingsForm struct {
	Rate, ValidityDays, MailFrom, SMSFrom string
	AllowNegative                         bool
}

type settingsView struct {
	Base
	Form     settingsForm
	Errors   map[string]string
	Per100   string // the rate as "punktów za 100 zł", for the hint under the field
	MailHint string // the sender used when the field is empty
}

const maxValidityDays = 3650

var (
	smsSenderRe    = regexp.MustCompile(`^[A-Za-z0-9]{1,11}$`)
	tooManyDecimal = regexp.MustCompile(`^\d+[.,]\d{5,}$`)
)

// settingsShow shows the programme settings (admins only).
func (s *Server) settingsShow(c *fiber.Ctx) error {
	cur, err := s.store.Settings(c.UserContext())
	if err != nil {
		return err
	}
	f := settingsForm{
		Rate: format.Rate(cur.ConversionRate), ValidityDays: strconv.Itoa(cur.PointsValidityDays),
		AllowNegative: cur.AllowNegative, MailFrom: cur.MailFrom, SMSFrom: cur.SMSFrom,
	}
	return page(c, http.StatusOK, "pages/settings", s.settingsView(c, f, nil))
}

// settingsSave validates and saves the settings: 422 with the form and its messages, or back
// to the page with a flash.
func (s *Server) settingsSave(c *fiber.Ctx) error {
	f := settingsForm{
		Rate: strings.TrimSpace(c.FormValue("conversion_rate")), ValidityDays: strings.TrimSpace(c.FormValue("points_validity_days")),
		AllowNegative: checkboxOn(c.FormValue("allow_negative")),
		MailFrom:      strings.TrimSpace(c.FormValue("mail_from")), SMSFrom: strings.TrimSpace(c.FormValue("sms_from")),
	}
	errs := map[string]string{}
	rate, msg := parseRateField(f.Rate)
	if msg == "" && rate == 0 {
		msg = "Przelicznik musi być większy od zera."
	}
	if msg != "" {
		errs["conversion_rate"] = msg
	}
	days, err := strconv.Atoi(f.ValidityDays)
	if err != nil || days < 0 || days > maxValidityDays {
		errs["points_validity_days"] = "Podaj liczbę dni od 0 do 3650 (0 = punkty nie wygasają)."
	}
	if f.MailFrom != "" {
		if a, err := mail.ParseAddress(f.MailFrom); err != nil || len(f.MailFrom) > 200 || !strings.Contains(a.Address, "@") {
			errs["mail_from"] = "Podaj adres nadawcy, np. Sklep <sklep@example.pl>, albo zostaw puste."
		}
	}
	if f.SMSFrom != "" && !smsSenderRe.MatchString(f.SMSFrom) {
		errs["sms_from"] = "Nadpis nadawcy: najwyżej 11 liter lub cyfr, bez spacji i polskich znaków."
	}

	if len(errs) > 0 {
		v := s.settingsView(c, f, errs)
		if isHTMX(c) {
			return partial(c, http.StatusUnprocessableEntity, "partials/settings_form", v)
		}
		return page(c, http.StatusUnprocessableEntity, "pages/settings", v)
	}
	cur, err := s.store.Settings(c.UserContext())
	if err != nil {
		return err
	}
	cur.ConversionRate, cur.PointsValidityDays, cur.AllowNegative = rate, days, f.AllowNegative
	cur.MailFrom, cur.SMSFrom = f.MailFrom, f.SMSFrom
	if err := s.store.SaveSettings(c.UserContext(), cur); err != nil {
		return err
	}
	s.audit(c.UserContext(), c, nil, "settings.update", "Przelicznik "+format.Rate(rate)+", ważność "+strconv.Itoa(days)+" dni")
	flash(c, "Zapisano ustawienia.")
	return redirectTo(c, "/settings")
}

func (s *Server) settingsView(c *fiber.Ctx, f settingsForm, errs map[string]string) settingsView {
	v := settingsView{Base: s.base(c, "Ustawienia programu"), Form: f, Errors: errs, MailHint: s.cfg.MailFrom}
	v.Nav = "settings"
	// The hint restates what is in the field; none while the field holds no usable rate.
	if r, msg := parseRateField(f.Rate); msg == "" {
		v.Per100 = per100(r)
	}
	return v
}

// per100 is a rate (× 10 000) as points for a 100 zł purchase: "125", "33,3333".
func per100(rate int64) string { return format.Rate(rate * 100) }

// parseRateField reads a conversion rate typed by staff ("1,25" or "1.25", up to 4 decimals);
// msg is the Polish message when it cannot be used. An empty field gives msg too: callers that
// allow empty check for it first.
func parseRateField(s string) (rate int64, msg string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, "Podaj przelicznik punktów."
	}
	if tooManyDecimal.MatchString(s) {
		return 0, "Przelicznik może mieć najwyżej 4 miejsca po przecinku."
	}
	r, ok := ledger.ParseRate(s)
	if !ok {
		if w, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err == nil && w > 1000 {
			return 0, "Przelicznik może wynosić najwyżej 1000 punktów za 1 zł."
		}
		return 0, "Podaj liczbę punktów za 1 zł, np. 1 lub 1,25."
	}
	return r, ""
}

// checkboxOn reads an HTML checkbox: present (any value but "0"/"false") means on.
func checkboxOn(v string) bool { return v != "" && v != "0" && v != "false" }
