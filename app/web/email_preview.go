package web

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/messaging"
)

// previewView shows one message as its recipient sees it. HTML is the body after bluemonday's
// UGC policy; the template puts it in <iframe sandbox srcdoc>, so even a policy gap could not
// run script or reach the back office's origin.
type previewView struct {
	Title, Subject, To, Planned, Sent, Read, Status, StatusKey, Error string
	HTML, BackURL                                                     string
}

type previewPage struct {
	Base
	Preview previewView
}

// messagePreview serves GET /customers/{number}/{emails|internal}/{id}: the preview fragment to
// htmx (shown above the table), a page of its own otherwise.
func (s *Server) messagePreview(tab string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cust, id, err := s.messageParams(c)
		if err != nil {
			return err
		}
		m, err := s.store.CustomerMessage(c.UserContext(), cust.ID, tabChannels[tab], id)
		if err != nil {
			return messageNotFound(err)
		}
		v := previewView{Title: "Podgląd wiadomości", Subject: format.Dash(m.Subject), To: format.Dash(m.Recipient),
			Planned: s.clock.DateTime(m.SendAt), Sent: s.clock.DateTimePtr(m.SentAt), Read: s.clock.DateTimePtr(m.ReadAt),
			Status: messageStatuses[m.Status], StatusKey: m.Status, Error: m.LastError,
			HTML: previewStyle + messaging.SafeHTML(m.Body), BackURL: "/customers/" + cust.Number + "/" + tab}
		if tab == "internal" {
			v.To = "strona klienta"
		}
		if isHTMX(c) {
			return partial(c, http.StatusOK, "partials/message_preview", v)
		}
		p := previewPage{Base: s.base(c, "Podgląd: "+m.Subject), Preview: v}
		p.Nav = "customers"
		return page(c, http.StatusOK, "pages/message_preview", p)
	}
}

// previewStyle gives the sandboxed preview a readable default face, as most mail clients do;
// the message's own HTML comes after it and can override it.
const previewStyle = `<style>body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;margin:12px 16px}</style>`
