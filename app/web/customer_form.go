package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/customer"
	"github.com/loyalty/backoffice/app/store"
)

type option struct {
	Value, Label string
	Selected     bool
}

type customerFormView struct {
	Base
	Action       string
	Cancel       string
	Editing      bool
	Form         customer.Form
	Errors       customer.Errors
	Groups       []option
	Voivodeships []option
	Sexes        []option
	ConsentEmail []option
	ConsentSMS   []option
}

// customerNew shows the empty add form.
func (s *Server) customerNew(c *fiber.Ctx) error {
	v, err := s.customerFormView(c, "Dodaj konto klienta", customer.Form{}, nil)
	if err != nil {
		return err
	}
	v.Action, v.Cancel = "/customers", "/customers"
	return page(c, http.StatusOK, "pages/customer_form", v)
}

// customerCreate adds a customer: 422 with the form and its messages, or on to the new card.
func (s *Server) customerCreate(c *fiber.Ctx) error {
	f := parseCustomerForm(c)
	cust, errs, err := s.customers.Create(c.UserContext(), f, customer.Actor{StaffID: staffID(c)})
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		v, err := s.customerFormView(c, "Dodaj konto klienta", f, errs)
		if err != nil {
			return err
		}
		v.Action, v.Cancel = "/customers", "/customers"
		return renderForm(c, v)
	}
	s.audit(c.UserContext(), c, &cust.ID, "customer.create", "Dodano konto klienta "+cust.Number)
	flash(c, "Dodano konto klienta "+cust.FirstName+" "+cust.LastName+".")
	return redirectTo(c, "/customers/"+cust.Number)
}

// customerEdit shows the edit form filled with the customer's data.
func (s *Server) customerEdit(c *fiber.Ctx) error {
	cust, err := s.store.CustomerByNumber(c.UserContext(), c.Params("number"))
	if err != nil {
		return err
	}
	f, err := s.formOf(c.UserContext(), cust)
	if err != nil {
		return err
	}
	v, err := s.customerFormView(c, "Edytuj: "+cust.FirstName+" "+cust.LastName, f, nil)
	if err != nil {
		return err
	}
	v.Action, v.Cancel, v.Editing = "/customers/"+cust.Number+"/edit", "/customers/"+cust.Number, true
	return page(c, http.StatusOK, "pages/customer_form", v)
}

// customerUpdate saves the edit form.
func (s *Server) customerUpdate(c *fiber.Ctx) error {
	number := c.Params("number")
	f := parseCustomerForm(c)
	cust, errs, err := s.customers.Update(c.UserContext(), number, f, customer.Actor{StaffID: staffID(c)})
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		v, err := s.customerFormView(c, "Edytuj klienta", f, errs)
		if err != nil {
			return err
		}
		v.Action, v.Cancel, v.Editing = "/customers/"+number+"/edit", "/customers/"+number, true
		return renderForm(c, v)
	}
	s.audit(c.UserContext(), c, &cust.ID, "customer.update", "Zmieniono dane klienta")
	flash(c, "Zapisano zmiany.")
	return redirectTo(c, "/customers/"+cust.Number)
}

// renderForm answers a failed validation: 422 with the same form and its messages.
func renderForm(c *fiber.Ctx, v customerFormView) error {
	if isHTMX(c) {
		return partial(c, http.StatusUnprocessableEntity, "partials/customer_form", v)
	}
	return page(c, http.StatusUnprocessableEntity, "pages/customer_form", v)
}

// redirectTo ends a successful POST: htmx follows HX-Location without a full reload of
// assets; a plain form gets 303.
func redirectTo(c *fiber.Ctx, to string) error {
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", to)
		return c.SendStatus(http.StatusOK)
	}
	return seeOther(c, to)
}

func parseCustomerForm(c *fiber.Ctx) customer.Form {
	return customer.Form{
		Number: c.FormValue("number"), GroupID: c.FormValue("group_id"), FirstName: c.FormValue("first_name"),
		LastName: c.FormValue("last_name"), Address: c.FormValue("address"), City: c.FormValue("city"),
		Voivodeship: c.FormValue("voivodeship"), PostalCode: c.FormValue("postal_code"), Sex: c.FormValue("sex"),
		BirthDate: c.FormValue("birth_date"), Company: c.FormValue("company"), NIP: c.FormValue("nip"),
		Phone: c.FormValue("phone"), Email: c.FormValue("email"), ReferredBy: c.FormValue("referred_by"),
		ConsentEmail: c.FormValue("consent_email"), ConsentSMS: c.FormValue("consent_sms"),
	}
}

// formOf fills the edit form from a stored customer.
func (s *Server) formOf(ctx context.Context, c *store.Customer) (customer.Form, error) {
	f := customer.Form{Number: c.Number, FirstName: c.FirstName, LastName: c.LastName, Address: c.Address,
		City: c.City, Voivodeship: c.Voivodeship, PostalCode: c.PostalCode, Sex: c.Sex, BirthDate: c.BirthDate,
		Company: c.Company, NIP: c.NIP, Phone: c.Phone, Email: c.Email,
		ConsentEmail: c.ConsentEmail, ConsentSMS: c.ConsentSMS}
	if c.GroupID != nil {
		f.GroupID = strconv.FormatInt(*c.GroupID, 10)
	}
	if c.ReferredByID != nil {
		ref, err := s.store.Customer(ctx, *c.ReferredByID)
		if err != nil {
			return f, err
		}
		f.ReferredBy = ref.Number
	}
	return f, nil
}

func (s *Server) customerFormView(c *fiber.Ctx, title string, f customer.Form, errs customer.Errors) (customerFormView, error) {
	v := customerFormView{Base: s.base(c, title), Form: f, Errors: errs}
	v.Nav = "customers"
	groups, err := s.store.Groups(c.UserContext())
	if err != nil {
		return v, err
	}
	v.Groups = append(v.Groups, option{Value: "", Label: "— bez grupy —", Selected: f.GroupID == ""})
	for _, g := range groups {
		id := strconv.FormatInt(g.ID, 10)
		v.Groups = append(v.Groups, option{Value: id, Label: g.Name, Selected: f.GroupID == id})
	}
	v.Voivodeships = append(v.Voivodeships, option{Value: "", Label: "— wybierz —", Selected: f.Voivodeship == ""})
	for _, w := range customer.Voivodeships {
		v.Voivodeships = append(v.Voivodeships, option{Value: w, Label: w, Selected: f.Voivodeship == w})
	}
	for _, sx := range []string{"", "K", "M"} {
		label := customer.SexLabel(sx)
		if sx == "" {
			label = "— nie podano —"
		}
		v.Sexes = append(v.Sexes, option{Value: sx, Label: label, Selected: f.Sex == sx})
	}
	v.ConsentEmail = consentOptions(f.ConsentEmail)
	v.ConsentSMS = consentOptions(f.ConsentSMS)
	return v, nil
}

func consentOptions(cur string) []option {
	if cur == "" {
		cur = string(customer.ConsentUnknown)
	}
	var out []option
	for _, st := range customer.ConsentStatuses {
		out = append(out, option{Value: string(st), Label: st.Label(), Selected: string(st) == cur})
	}
	return out
}

// audit records a staff action on a customer; a failure is logged, never shown (the action
// itself already happened).
func (s *Server) audit(ctx context.Context, c *fiber.Ctx, customerID *int64, action, detail string) {
	err := s.store.InsertAudit(ctx, &store.AuditEntry{StaffUserID: staffID(c), CustomerID: customerID, Action: action, Detail: detail})
	if err != nil {
		s.log.Error("audit", "action", action, "err", err)
	}
}
