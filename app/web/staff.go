package web

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"github.com/loyalty/backoffice/app/store"
)

type staffRowView struct {
	ID                         int64
	Login, Name, Role, Created string
	Active                     bool
}

type staffView struct {
	Base
	Rows   []staffRowView
	Form   staffForm
	Errors map[string]string
}

type staffForm struct{ Login, Name, Role string }

var loginRe = regexp.MustCompile(`^[a-z0-9._-]{3,64}$`)

// staffList shows the staff accounts and the form for a new one (admins only).
func (s *Server) staffList(c *fiber.Ctx) error {
	v, err := s.staffView(c, staffForm{Role: store.RoleOperator}, nil)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, "pages/staff", v)
}

// staffCreate adds an operator or admin account.
func (s *Server) staffCreate(c *fiber.Ctx) error {
	f := staffForm{Login: strings.ToLower(strings.TrimSpace(c.FormValue("login"))), Name: strings.TrimSpace(c.FormValue("name")), Role: c.FormValue("role")}
	password := c.FormValue("password")
	errs := map[string]string{}
	if !loginRe.MatchString(f.Login) {
		errs["login"] = "Login: 3–64 znaki, małe litery, cyfry, kropka, myślnik lub podkreślnik."
	}
	if f.Name == "" || len([]rune(f.Name)) > 200 {
		errs["name"] = "Podaj imię i nazwisko pracownika."
	}
	if f.Role != store.RoleAdmin && f.Role != store.RoleOperator {
		errs["role"] = "Wybierz rolę z listy."
	}
	if len([]rune(password)) < 10 || len(password) > 72 {
		errs["password"] = "Hasło musi mieć od 10 do 72 znaków."
	}
	if len(errs) == 0 {
		hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
		if err != nil {
			return err
		}
		u := &store.Staff{Login: f.Login, Name: f.Name, Role: f.Role, PasswordHash: string(hash), Active: true, CreatedAt: store.Now()}
		err = s.store.InsertStaff(c.UserContext(), u)
		if errors.Is(err, store.ErrConflict) {
			errs["login"] = "Ten login jest już zajęty."
		} else if err != nil {
			return err
		} else {
			s.audit(c.UserContext(), c, nil, "staff.create", "Dodano konto "+u.Login+" ("+u.Role+")")
			flash(c, "Dodano konto "+u.Login+".")
			return redirectTo(c, "/staff")
		}
	}
	v, err := s.staffView(c, f, errs)
	if err != nil {
		return err
	}
	return page(c, http.StatusUnprocessableEntity, "pages/staff", v)
}

func (s *Server) staffView(c *fiber.Ctx, f staffForm, errs map[string]string) (staffView, error) {
	v := staffView{Base: s.base(c, "Pracownicy"), Form: f, Errors: errs}
	v.Nav = "staff"
	rows, err := s.store.ListStaff(c.UserContext())
	if err != nil {
		return v, err
	}
	for _, u := range rows {
		role := "Operator"
		if u.Role == store.RoleAdmin {
			role = "Administrator"
		}
		v.Rows = append(v.Rows, staffRowView{ID: u.ID, Login: u.Login, Name: u.Name, Role: role, Active: u.Active, Created: s.clock.DateTime(u.CreatedAt)})
	}
	return v, nil
}
