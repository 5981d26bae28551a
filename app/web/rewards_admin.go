package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/ledger"
	"github.com/loyalty/backoffice/app/store"
)

type rewardAdminRowView struct {
	ID                                  int64
	Photo, Name, Type, Points, Stock    string
	EditURL                             string
	Active, Unlimited, OutOfStock, Edit bool
}

// rewardForm is the catalogue form as typed (the photo travels as a file).
type rewardForm struct {
	Name, Type, Points, Stock, Description string
	Active, RemovePhoto                    bool
}

type rewardsAdminView struct {
	Base
	Rows        []rewardAdminRowView
	Types       []string // suggestions for the type field
	Form        rewardForm
	Errors      map[string]string
	Action      string // /rewards (add) or /rewards/{id} (edit)
	Editing     bool
	Photo       string // the edited reward's current photo URL, "" when none
	PhotoAgain  bool   // a valid photo was sent with other errors: it must be chosen again
	MaxPhotoMiB int
}

// rewardAdminList shows the catalogue and the form for a new reward (admins only).
func (s *Server) rewardAdminList(c *fiber.Ctx) error {
	v, err := s.rewardsAdminView(c, nil, rewardForm{Active: true}, nil)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, "pages/rewards", v)
}

// rewardAdminEdit shows the catalogue with the form filled with one reward.
func (s *Server) rewardAdminEdit(c *fiber.Ctx) error {
	id, err := adminID(c)
	if err != nil {
		return err
	}
	r, err := s.store.Reward(c.UserContext(), id)
	if err != nil {
		return err
	}
	f := rewardForm{Name: r.Name, Type: r.Type, Points: strconv.FormatInt(r.Points, 10), Active: r.Active, Description: r.Description}
	if r.Stock != nil {
		f.Stock = strconv.FormatInt(*r.Stock, 10)
	}
	v, err := s.rewardsAdminView(c, r, f, nil)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, "pages/rewards", v)
}

// rewardAdminCreate adds a reward to the catalogue.
func (s *Server) rewardAdminCreate(c *fiber.Ctx) error { return s.rewardAdminSave(c, nil) }

// rewardAdminUpdate saves an edited reward.
func (s *Server) rewardAdminUpdate(c *fiber.Ctx) error {
	id, err := adminID(c)
	if err != nil {
		return err
	}
	r, err := s.store.Reward(c.UserContext(), id)
	if err != nil {
		return err
	}
	return s.rewardAdminSave(c, r)
}

// rewardAdminSave validates the form (and the photo, by its content) and inserts (cur nil) or
// updates the reward: 422 with the form and its messages and nothing stored, or back to the
// catalogue with a flash.
func (s *Server) rewardAdminSave(c *fiber.Ctx, cur *store.Reward) error {
	ctx := c.UserContext()
	f := rewardForm{
		Name: strings.TrimSpace(c.FormValue("name")), Type: strings.TrimSpace(c.FormValue("type")),
		Points: strings.TrimSpace(c.FormValue("points")), Stock: strings.TrimSpace(c.FormValue("stock")),
		Description: strings.TrimSpace(c.FormValue("description")),
		Active:      checkboxOn(c.FormValue("active")), RemovePhoto: checkboxOn(c.FormValue("remove_photo")),
	}
	errs := map[string]string{}
	r := &store.Reward{Name: f.Name, Type: f.Type, Active: f.Active, Description: f.Description}
	switch n := len([]rune(f.Name)); {
	case n == 0:
		errs["name"] = "Podaj nazwę nagrody."
	case n > 200:
		errs["name"] = "Nazwa nagrody może mieć najwyżej 200 znaków."
	}
	if len([]rune(f.Type)) > 100 {
		errs["type"] = "Typ może mieć najwyżej 100 znaków."
	}
	if p, ok := ledger.ParsePoints(f.Points); ok {
		r.Points = p
	} else {
		errs["points"] = "Podaj liczbę punktów: dodatnią liczbę całkowitą."
	}
	if f.Stock != "" {
		n, err := strconv.ParseInt(f.Stock, 10, 64)
		if err != nil || n < 0 || n > 1_000_000_000 || strings.HasPrefix(f.Stock, "+") {
			errs["stock"] = "Liczba sztuk: liczba całkowita od 0 wzwyż; puste pole = bez limitu."
		} else {
			r.Stock = &n
		}
	}
	if len([]rune(f.Description)) > 2000 {
		errs["description"] = "Opis może mieć najwyżej 2000 znaków."
	}
	// An empty file field arrives as a plain value, not a file; a post without a file part
	// (or not multipart at all) simply keeps the photo as it is.
	fh, ferr := c.FormFile("photo")
	var ext string
	if ferr == nil {
		var msg string
		var err error
		if ext, msg, err = checkPhoto(fh); err != nil {
			return err
		} else if msg != "" {
			errs["photo"] = msg
		}
	}

	if len(errs) > 0 {
		v, err := s.rewardsAdminView(c, cur, f, errs)
		if err != nil {
			return err
		}
		v.PhotoAgain = ferr == nil && errs["photo"] == ""
		if isHTMX(c) {
			return partial(c, http.StatusUnprocessableEntity, "partials/reward_form", v)
		}
		return page(c, http.StatusUnprocessableEntity, "pages/rewards", v)
	}

	old := ""
	if cur != nil {
		r.ID, r.CreatedAt, r.Photo, old = cur.ID, cur.CreatedAt, cur.Photo, cur.Photo
		if f.RemovePhoto {
			r.Photo = ""
		}
	}
	if ext != "" {
		name, err := s.savePhoto(fh, ext)
		if err != nil {
			return err
		}
		r.Photo = name
	}
	var err error
	if cur == nil {
		r.CreatedAt = store.Now()
		err = s.store.InsertReward(ctx, r)
	} else {
		err = s.store.UpdateReward(ctx, r)
	}
	if err != nil {
		if r.Photo != old {
			s.removePhoto(r.Photo) // the row never pointed at it
		}
		return err
	}
	if old != "" && old != r.Photo {
		s.removePhoto(old)
	}
	if cur == nil {
		s.audit(ctx, c, nil, "reward.create", "Dodano nagrodę "+r.Name)
		flash(c, "Dodano nagrodę "+r.Name+".")
	} else {
		s.audit(ctx, c, nil, "reward.update", "Zmieniono nagrodę "+r.Name)
		flash(c, "Zapisano nagrodę "+r.Name+".")
	}
	return redirectTo(c, "/rewards")
}

func (s *Server) rewardsAdminView(c *fiber.Ctx, cur *store.Reward, f rewardForm, errs map[string]string) (rewardsAdminView, error) {
	ctx := c.UserContext()
	v := rewardsAdminView{Base: s.base(c, "Katalog nagród"), Form: f, Errors: errs, Action: "/rewards", MaxPhotoMiB: maxPhoto >> 20}
	v.Nav = "rewards"
	if cur != nil {
		v.Editing = true
		v.Action = "/rewards/" + strconv.FormatInt(cur.ID, 10)
		if cur.Photo != "" {
			v.Photo = "/photos/" + cur.Photo
		}
	}
	rows, err := s.store.Rewards(ctx, false)
	if err != nil {
		return v, err
	}
	for _, r := range rows {
		row := rewardAdminRowView{ID: r.ID, Name: r.Name, Type: r.Type, Points: format.Int(r.Points), Active: r.Active,
			EditURL: "/rewards/" + strconv.FormatInt(r.ID, 10), Edit: cur != nil && cur.ID == r.ID}
		if r.Photo != "" {
			row.Photo = "/photos/" + r.Photo
		}
		if r.Stock == nil {
			row.Stock, row.Unlimited = "bez limitu", true
		} else {
			row.Stock, row.OutOfStock = format.Int(*r.Stock), *r.Stock == 0
		}
		v.Rows = append(v.Rows, row)
	}
	if v.Types, err = s.store.RewardTypes(ctx); err != nil {
		return v, err
	}
	return v, nil
}
