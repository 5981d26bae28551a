package web

import (
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/store"
)

type locationRowView struct {
	ID                  int64
	Name, City, Created string
	Active              bool
}

// locationForm is the add form as typed.
type locationForm struct{ Name, City string }

type locationsView struct {
	Base
	Rows   []locationRowView
	Form   locationForm
	Errors map[string]string
}

// locationList shows the shops and the form for a new one (admins only).
func (s *Server) locationList(c *fiber.Ctx) error {
	v, err := s.locationsView(c, locationForm{}, nil)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, "pages/locations", v)
}

// locationCreate adds a shop: 422 with the form and its messages, or back to the list.
func (s *Server) locationCreate(c *fiber.Ctx) error {
	f := locationForm{Name: strings.TrimSpace(c.FormValue("name")), City: strings.TrimSpace(c.FormValue("city"))}
	errs := map[string]string{}
	switch n := len([]rune(f.Name)); {
	case n == 0:
		errs["name"] = "Podaj nazwę lokalizacji."
	case n > 200:
		errs["name"] = "Nazwa może mieć najwyżej 200 znaków."
	}
	if len([]rune(f.City)) > 100 {
		errs["city"] = "Miejscowość może mieć najwyżej 100 znaków."
	}
	if len(errs) == 0 {
		l := &store.Location{Name: f.Name, City: f.City, Active: true, CreatedAt: store.Now()}
		if err := s.store.InsertLocation(c.UserContext(), l); err != nil {
			return err
		}
		s.audit(c.UserContext(), c, nil, "location.create", "Dodano lokalizację "+l.Name)
		flash(c, "Dodano lokalizację "+l.Name+".")
		return redirectTo(c, "/locations")
	}
	v, err := s.locationsView(c, f, errs)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		return partial(c, http.StatusUnprocessableEntity, "partials/location_form", v)
	}
	return page(c, http.StatusUnprocessableEntity, "pages/locations", v)
}

func (s *Server) locationsView(c *fiber.Ctx, f locationForm, errs map[string]string) (locationsView, error) {
	v := locationsView{Base: s.base(c, "Lokalizacje"), Form: f, Errors: errs}
	v.Nav = "locations"
	rows, err := s.store.Locations(c.UserContext())
	if err != nil {
		return v, err
	}
	for _, l := range rows {
		v.Rows = append(v.Rows, locationRowView{ID: l.ID, Name: l.Name, City: l.City, Active: l.Active, Created: s.clock.DateTime(l.CreatedAt)})
	}
	return v, nil
}
