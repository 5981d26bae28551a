package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/customer"
	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/store"
)

// tabs of the card, in the strip's order, with their Polish names.
var tabs = []struct{ Key, Label string }{
	{"data", "Dane klienta"},
	{"points", "Punkty"},
	{"rewards", "Nagrody"},
	{"emails", "Wiadomości e-mail"},
	{"sms", "Wiadomości SMS"},
	{"internal", "Wiadomości wewnętrzne"},
	{"scenarios", "Scenariusze"},
	{"referrals", "Polecenia"},
}

type tabLink struct {
	Key, Label, URL string
	Selected        bool
}

// cardHead is the card's header, the same above every tab.
type cardHead struct {
	Number, Name, Group string
	Balance             int64
	BalanceText         string
	BalanceOOB          bool // never on the page itself; the partial is shared with tab answers
	Rate                string
}

type cardView struct {
	Base
	Head  cardHead
	Tabs  []tabLink
	Panel template.HTML
	Tab   string
}

// customerShow serves a card URL: the whole card with the tab open on full navigation, only
// the tab's fragment when htmx swaps the panel (the same fragment in both).
func (s *Server) customerShow(c *fiber.Ctx) error {
	ctx := c.UserContext()
	tab := c.Params("tab", "data")
	if !validTab(tab) {
		return errStatus(http.StatusNotFound, "Nie ma takiej zakładki.")
	}
	cust, err := s.store.CustomerByNumber(ctx, c.Params("number"))
	if err != nil {
		return err
	}
	head, err := s.cardHead(ctx, cust)
	if err != nil {
		return err
	}
	name, data, err := s.tabData(c, cust, head, tab)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		return partial(c, http.StatusOK, name, data)
	}
	return s.renderCard(c, cust, tab, name, data, http.StatusOK)
}

// renderCard renders the whole card page around a tab's fragment (the same fragment htmx swaps).
func (s *Server) renderCard(c *fiber.Ctx, cust *store.Customer, tab, name string, data any, status int) error {
	head, err := s.cardHead(c.UserContext(), cust)
	if err != nil {
		return err
	}
	panel, err := s.renderHTML(name, data)
	if err != nil {
		return err
	}
	v := cardView{Base: s.base(c, head.Name+" — karta klienta"), Head: head, Panel: panel, Tab: tab}
	v.Nav = "customers"
	for _, t := range tabs {
		v.Tabs = append(v.Tabs, tabLink{Key: t.Key, Label: t.Label, URL: "/customers/" + cust.Number + "/" + t.Key, Selected: t.Key == tab})
	}
	return page(c, status, "pages/card", v)
}

func validTab(t string) bool {
	for _, x := range tabs {
		if x.Key == t {
			return true
		}
	}
	return false
}

func (s *Server) cardHead(ctx context.Context, c *store.Customer) (cardHead, error) {
	h := cardHead{Number: c.Number, Name: c.FirstName + " " + c.LastName, Balance: c.Balance, BalanceText: format.Int(c.Balance), Group: "—"}
	st, err := s.store.Settings(ctx)
	if err != nil {
		return h, err
	}
	rate := st.ConversionRate
	if c.GroupID != nil {
		g, err := s.store.Group(ctx, *c.GroupID)
		if err != nil {
			return h, err
		}
		h.Group = g.Name
		if g.ConversionRate != nil {
			rate = *g.ConversionRate
		}
	}
	h.Rate = format.Rate(rate) + " pkt / 1 zł"
	return h, nil
}

// tabData builds the view of one tab; the template name and its data.
func (s *Server) tabData(c *fiber.Ctx, cust *store.Customer, head cardHead, tab string) (string, any, error) {
	switch tab {
	case "data":
		v, err := s.dataTab(c.UserContext(), cust, head)
		return "tabs/data", v, err
	case "points":
		v, err := s.pointsTab(c, cust)
		return "tabs/points", v, err
	case "rewards":
		v, err := s.rewardsTab(c, cust)
		return "tabs/rewards", v, err
	case "emails", "sms", "internal":
		v, err := s.messagesTab(c, cust, tab, messageForm{})
		return "tabs/" + tab, v, err
	case "scenarios":
		v, err := s.scenariosTab(c, cust)
		return "tabs/scenarios", v, err
	default:
		v, err := s.referralsTab(c, cust)
		return "tabs/referrals", v, err
	}
}

type dataField struct{ Label, Value string }

type dataSection struct {
	Title  string
	Fields []dataField
}

type consentLine struct{ When, Channel, Status, Source, Staff string }

type dataTabView struct {
	Number   string
	EditURL  string
	Sections []dataSection
	Consents []dataField
	History  []consentLine
	Referrer string
}

func (s *Server) dataTab(ctx context.Context, c *store.Customer, head cardHead) (dataTabView, error) {
	v := dataTabView{Number: c.Number, EditURL: "/customers/" + c.Number + "/edit"}
	v.Sections = []dataSection{
		{"Konto", []dataField{{"Numer klienta", c.Number}, {"Grupa klientów", head.Group}, {"Saldo", head.BalanceText + " pkt"},
			{"Przelicznik punktów", head.Rate}, {"Data dodania", s.clock.DateTime(c.CreatedAt)}}},
		{"Dane osobowe", []dataField{{"Imię", c.FirstName}, {"Nazwisko", c.LastName}, {"Adres", format.Dash(c.Address)},
			{"Miejscowość", format.Dash(c.City)}, {"Województwo", format.Dash(c.Voivodeship)},
			{"Kod pocztowy", format.Dash(c.PostalCode)}, {"Płeć", customer.SexLabel(c.Sex)}, {"Data urodzin", format.ISODate(c.BirthDate)}}},
		{"Dane firmowe", []dataField{{"Firma", format.Dash(c.Company)}, {"NIP", format.Dash(customer.FormatNIP(c.NIP))}}},
		{"Dane kontaktowe", []dataField{{"Telefon", format.Phone(c.Phone)}, {"E-mail", format.Dash(c.Email)}}},
	}
	v.Consents = []dataField{
		{"Zgoda na e-mail", customer.ConsentStatus(c.ConsentEmail).Label()},
		{"Zgoda na SMS", customer.ConsentStatus(c.ConsentSMS).Label()},
	}
	if c.ReferredByID != nil {
		ref, err := s.store.Customer(ctx, *c.ReferredByID)
		if err != nil {
			return v, err
		}
		v.Referrer = ref.Number
	}
	hist, err := s.store.ConsentHistory(ctx, c.ID)
	if err != nil {
		return v, err
	}
	for _, h := range hist {
		ch := "E-mail"
		if h.Channel == store.ChannelSMS {
			ch = "SMS"
		}
		v.History = append(v.History, consentLine{When: s.clock.DateTime(h.CreatedAt), Channel: ch,
			Status: customer.ConsentStatus(h.Status).Label(), Source: h.Source, Staff: format.Dash(h.StaffName)})
	}
	return v, nil
}

// pager holds the links under a history table; tabs page with keysets ("older than id N").
type pager struct {
	NewestURL string // back to the first page, "" on it
	OlderURL  string // the next page, "" on the last
}

func queryInt(c *fiber.Ctx, key string) int64 {
	n, err := strconv.ParseInt(c.Query(key), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
