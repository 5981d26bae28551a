package web

import (
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/store"
)

// emailResend sends an e-mail again as a new history row (resend_of_id), now, to the
// customer's current address; without consent now it answers 422 with the reason.
func (s *Server) emailResend(c *fiber.Ctx) error {
	cust, id, err := s.messageParams(c)
	if err != nil {
		return err
	}
	_, errs, err := s.messages.Resend(c.UserContext(), cust, store.ChannelEmail, id, staffID(c))
	if err != nil {
		return messageNotFound(err)
	}
	if len(errs) > 0 {
		// The copied subject and body were valid once; what stands in the way now is the
		// customer's consent or address.
		problem := errs["consent"]
		if problem == "" {
			problem = "Tej wiadomości nie można wysłać ponownie: " + strings.Join(values(errs), " ")
		}
		return s.answerTab(c, cust, "emails", http.StatusUnprocessableEntity, messageForm{}, "", problem)
	}
	return s.answerTab(c, cust, "emails", http.StatusOK, messageForm{}, "E-mail wysłano ponownie: nowa pozycja w historii.", "")
}

// values lists a form's messages in a stable order.
func values(errs map[string]string) []string {
	var out []string
	for _, k := range []string{"subject", "body", "send_at", "consent"} {
		if v := errs[k]; v != "" {
			out = append(out, v)
		}
	}
	return out
}
