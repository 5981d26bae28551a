package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/store"
)

type groupRowView struct {
	ID                              int64
	Name, Rate, Discount, Customers string
	EditURL                         string
	GlobalRate, Editing             bool
}

// groupForm is the add/edit form as typed.
type groupForm struct{ Name, Rate, Discount string }

type groupsView struct {
	Base
	Rows       []groupRowView
	GlobalRate string
	Form       groupForm
	Errors     map[string]string
	Action     string // /groups (add) or /groups/{id} (edit)
	Editing    bool
}

// groupList shows the customer groups and the form for a new one (admins only).
func (s *Server) groupList(c *fiber.Ctx) error {
	v, err := s.groupsView(c, 0, groupForm{Discount: "0"}, nil)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, "pages/groups", v)
}

// groupEdit shows the list with the form filled with one group.
func (s *Server) groupEdit(c *fiber.Ctx) error {
	id, err := adminID(c)
	if err != nil {
		return err
	}
	g, err := s.store.Group(c.UserContext(), id)
	if err != nil {
		return err
	}
	f := groupForm{Name: g.Name, Discount: strconv.Itoa(g.DiscountPct)}
	if g.ConversionRate != nil {
		f.Rate = format.Rate(*g.ConversionRate)
	}
	v, err := s.groupsView(c, id, f, nil)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, "pages/groups", v)
}

// groupCreate adds a group.
func (s *Server) groupCreate(c *fiber.Ctx) error { return s.groupSave(c, 0) }

// groupUpdate saves an edited group.
func (s *Server) groupUpdate(c *fiber.Ctx) error {
	id, err := adminID(c)
	if err != nil {
		return err
	}
	if _, err := s.store.Group(c.UserContext(), id); err != nil {
		return err
	}
	return s.groupSave(c, id)
}

// groupSave validates the form and inserts (id 0) or updates the group: 422 with the form and
// its messages, or back to the list with a flash.
func (s *Server) groupSave(c *fiber.Ctx, id int64) error {
	ctx := c.UserContext()
	f := groupForm{Name: strings.TrimSpace(c.FormValue("name")), Rate: strings.TrimSpace(c.FormValue("conversion_rate")),
		Discount: strings.TrimSpace(c.FormValue("discount_pct"))}
	errs := map[string]string{}
	g := &store.Group{ID: id, Name: f.Name}
	switch n := len([]rune(f.Name)); {
	case n == 0:
		errs["name"] = "Podaj nazwę grupy."
	case n > 100:
		errs["name"] = "Nazwa grupy może mieć najwyżej 100 znaków."
	default:
		groups, err := s.store.Groups(ctx)
		if err != nil {
			return err
		}
		for _, o := range groups { // "VIP" and "vip" would read as the same group
			if o.ID != id && strings.EqualFold(o.Name, f.Name) {
				errs["name"] = msgGroupTaken
			}
		}
	}
	if f.Rate != "" {
		rate, msg := parseRateField(f.Rate)
		if msg == "" && rate == 0 {
			msg = "Przelicznik musi być większy od zera; puste pole = przelicznik globalny."
		}
		if msg != "" {
			errs["conversion_rate"] = msg
		} else {
			g.ConversionRate = &rate
		}
	}
	if f.Discount == "" {
		f.Discount = "0"
	}
	d, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(f.Discount, "%")))
	if err != nil || d < 0 || d > 100 {
		errs["discount_pct"] = "Rabat: liczba całkowita od 0 do 100."
	}
	g.DiscountPct = d

	if len(errs) == 0 {
		if id == 0 {
			g.CreatedAt = store.Now()
			err = s.store.InsertGroup(ctx, g)
		} else {
			err = s.store.UpdateGroup(ctx, g)
		}
		switch {
		case errors.Is(err, store.ErrConflict):
			errs["name"] = msgGroupTaken
		case err != nil:
			return err
		default:
			if id == 0 {
				s.audit(ctx, c, nil, "group.create", "Dodano grupę "+g.Name)
				flash(c, "Dodano grupę "+g.Name+".")
			} else {
				s.audit(ctx, c, nil, "group.update", "Zmieniono grupę "+g.Name)
				flash(c, "Zapisano grupę "+g.Name+".")
			}
			return redirectTo(c, "/groups")
		}
	}
	v, err := s.groupsView(c, id, f, errs)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		return partial(c, http.StatusUnprocessableEntity, "partials/group_form", v)
	}
	return page(c, http.StatusUnprocessableEntity, "pages/groups", v)
}

const msgGroupTaken = "Grupa o tej nazwie już istnieje."

func (s *Server) groupsView(c *fiber.Ctx, editing int64, f groupForm, errs map[string]string) (groupsView, error) {
	ctx := c.UserContext()
	v := groupsView{Base: s.base(c, "Grupy klientów"), Form: f, Errors: errs, Action: "/groups", Editing: editing != 0}
	v.Nav = "groups"
	if editing != 0 {
		v.Action = "/groups/" + strconv.FormatInt(editing, 10)
	}
	settings, err := s.store.Settings(ctx)
	if err != nil {
		return v, err
	}
	v.GlobalRate = format.Rate(settings.ConversionRate)
	groups, err := s.store.Groups(ctx)
	if err != nil {
		return v, err
	}
	counts, err := s.store.GroupCustomerCounts(ctx)
	if err != nil {
		return v, err
	}
	for _, g := range groups {
		r := groupRowView{ID: g.ID, Name: g.Name, Discount: strconv.Itoa(g.DiscountPct) + "%",
			Customers: format.Int(counts[g.ID]), EditURL: "/groups/" + strconv.FormatInt(g.ID, 10), Editing: g.ID == editing}
		if g.ConversionRate != nil {
			r.Rate = format.Rate(*g.ConversionRate)
		} else {
			r.Rate = "globalny (" + v.GlobalRate + ")"
		}
		v.Rows = append(v.Rows, r)
	}
	return v, nil
}

// adminID reads the :id route parameter; anything but a positive number is a missing page.
func adminID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, store.ErrNotFound
	}
	return id, nil
}
