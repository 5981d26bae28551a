package web

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/store"
)

// emailDelete deletes an e-mail that has not left yet; it will never be sent. One that was
// sent, is being sent or failed stays, with 409 and the reason.
func (s *Server) emailDelete(c *fiber.Ctx) error {
	cust, id, err := s.messageParams(c)
	if err != nil {
		return err
	}
	err = s.messages.Delete(c.UserContext(), cust.ID, store.ChannelEmail, id, staffID(c))
	var np *messaging.NotPendingError
	if errors.As(err, &np) {
		why := map[string]string{
			store.MessageSent:    "została już wysłana",
			store.MessageSending: "właśnie jest wysyłana",
			store.MessageFailed:  "jej wysyłka zakończyła się błędem i pozostaje w historii",
		}[np.Status]
		return s.answerTab(c, cust, "emails", http.StatusConflict, messageForm{}, "", "Tej wiadomości nie można usunąć: "+why+".")
	}
	if err != nil {
		return messageNotFound(err)
	}
	return s.answerTab(c, cust, "emails", http.StatusOK, messageForm{}, "Usunięto zaplanowaną wiadomość; nie zostanie wysłana.", "")
}
