package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/format"
)

// registerPageSize is the register's page (CONTRACT.md).
const registerPageSize = 25

type registerRow struct {
	ID                                      int64
	Number, Name, City, Email, Phone, Group string
	Balance                                 string
}

type registerView struct {
	Base
	Query    string
	Rows     []registerRow
	Page     int
	PrevURL  string
	NextURL  string
	Empty    bool
	Searched bool
}

// customerList is the register: the whole page, or only the results when htmx searches.
func (s *Server) customerList(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	if len(q) > 100 {
		q = q[:100]
	}
	pg, _ := strconv.Atoi(c.Query("page"))
	if pg < 1 || pg > 100000 {
		pg = 1
	}
	rows, err := s.store.SearchCustomers(c.UserContext(), q, (pg-1)*registerPageSize, registerPageSize)
	if err != nil {
		return err
	}
	v := registerView{Base: s.base(c, "Klienci"), Query: q, Page: pg, Searched: q != ""}
	v.Nav = "customers"
	if len(rows) > registerPageSize {
		rows = rows[:registerPageSize]
		v.NextURL = registerURL(q, pg+1)
	}
	if pg > 1 {
		v.PrevURL = registerURL(q, pg-1)
	}
	for _, r := range rows {
		v.Rows = append(v.Rows, registerRow{ID: r.ID, Number: r.Number, Name: r.FirstName + " " + r.LastName,
			City: format.Dash(r.City), Email: format.Dash(r.Email), Phone: format.Phone(r.Phone),
			Group: format.Dash(r.GroupName), Balance: format.Int(r.Balance)})
	}
	v.Empty = len(v.Rows) == 0
	if isHTMX(c) {
		return partial(c, http.StatusOK, "partials/register_results", v)
	}
	return page(c, http.StatusOK, "pages/customers", v)
}

func registerURL(q string, pg int) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if pg > 1 {
		v.Set("page", strconv.Itoa(pg))
	}
	if len(v) == 0 {
		return "/customers"
	}
	return "/customers?" + v.Encode()
}
