package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/channel/sms"
	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/store"
)

// messageStatuses are the Polish names of message states.
var messageStatuses = map[string]string{
	"scheduled": "Zaplanowana", "sending": "Wysyłanie", "sent": "Wysłana", "failed": "Błąd",
	"deleted": "Usunięta", "unread": "Nieprzeczytana", "read": "Przeczytana",
}

// tabChannels maps the card's message tabs to their channel.
var tabChannels = map[string]string{"emails": store.ChannelEmail, "sms": store.ChannelSMS, "internal": store.ChannelInternal}

// messageForm is the tab's "send" form as typed, with its messages after a refused post.
type messageForm struct {
	Subject, Body, SendAt string
	Errors                messaging.Errors
}

type messageRowView struct {
	ID                                                           int64
	Status, StatusText, Planned, Sent, Read, Subject, Body, User string
	Recipient, Error, When                                       string
	Pending, Deletable, Resent                                   bool // Pending: the row polls its status
	RowURL, PreviewURL, ResendURL, DeleteURL, CSRF               string
	PollEvery                                                    string // hx-trigger of a pending row
}

type messagesTabView struct {
	Number, Tab, CSRF string
	Rows              []messageRowView
	Pager             pager
	PostURL           string
	Form              messageForm
	Open              bool   // the form is shown open (it came back with messages)
	Blocked           string // why this customer cannot get the channel now; "" = nothing in the way
	Recipient         string // where a new message would go
	Notice            string // the outcome of the last action
	Problem           string // a refused action (409, a resend without consent)
	PortalURL         string // internal tab: the customer's message page
	Counter           string // SMS tab: the counter for the form's body
}

// messagesTab builds the e-mail, SMS or internal tab; f carries a refused form back.
func (s *Server) messagesTab(c *fiber.Ctx, cust *store.Customer, tab string, f messageForm) (messagesTabView, error) {
	channel := tabChannels[tab]
	before := queryInt(c, "before")
	rows, err := s.store.MessageRows(c.UserContext(), cust.ID, channel, before, tabPageSize)
	if err != nil {
		return messagesTabView{}, err
	}
	base := "/customers/" + cust.Number + "/" + tab
	v := messagesTabView{Number: cust.Number, Tab: tab, CSRF: csrfOf(c), PostURL: base, Form: f, Open: len(f.Errors) > 0,
		Blocked: messaging.Blocked(channel, cust)}
	switch channel {
	case store.ChannelEmail:
		v.Recipient = cust.Email
	case store.ChannelSMS:
		v.Recipient = format.Phone(cust.Phone)
		v.Counter = smsCounter(f.Body)
	case store.ChannelInternal:
		v.PortalURL = s.cfg.BaseURL + "/p/m/" + cust.PortalToken
	}
	if len(rows) > tabPageSize {
		rows = rows[:tabPageSize]
		v.Pager.OlderURL = base + "?before=" + strconv.FormatInt(rows[len(rows)-1].ID, 10)
	}
	if before > 0 {
		v.Pager.NewestURL = base
	}
	for _, r := range rows {
		v.Rows = append(v.Rows, s.messageRowView(cust, tab, r, v.CSRF))
	}
	return v, nil
}

// messageRowView formats one history row (shared by the tab and the row's own poll).
func (s *Server) messageRowView(cust *store.Customer, tab string, r store.MessageRow, csrf string) messageRowView {
	user := r.StaffName
	if r.Automatic {
		user = "automatyczna"
	}
	body := r.Body
	if len([]rune(body)) > 160 {
		body = string([]rune(body)[:160]) + "…"
	}
	url := "/customers/" + cust.Number + "/" + tab + "/" + strconv.FormatInt(r.ID, 10)
	v := messageRowView{ID: r.ID, Status: r.Status, StatusText: messageStatuses[r.Status],
		Planned: s.clock.DateTime(r.SendAt), Sent: s.clock.DateTimePtr(r.SentAt), Read: s.clock.DateTimePtr(r.ReadAt),
		Subject: format.Dash(r.Subject), Body: body, User: user, Recipient: format.Dash(r.Recipient), Error: r.LastError,
		Pending:   r.Status == store.MessageScheduled || r.Status == store.MessageSending,
		Deletable: r.Status == store.MessageScheduled, Resent: r.ResendOfID != nil,
		RowURL: url + "/row", PreviewURL: url, ResendURL: url + "/resend", DeleteURL: url, CSRF: csrf}
	if r.Channel == store.ChannelSMS {
		v.Recipient = format.Phone(r.Recipient)
	}
	// A row due soon (or being sent) looks every 2 s; one planned far ahead only every minute,
	// and switches to 2 s once it is within five minutes of its time.
	v.PollEvery = "every 2s"
	if r.Status == store.MessageScheduled && time.Until(r.SendAt) > 5*time.Minute {
		v.PollEvery = "every 60s"
	}
	v.When = v.Sent
	if r.SentAt == nil {
		v.When = v.Planned + " (plan.)"
	}
	return v
}

// smsCounter is the form's "characters / parts" line, the same the script in app.js keeps live.
func smsCounter(body string) string {
	enc, chars, parts := sms.Segments(body)
	return strconv.Itoa(chars) + " znaków · " + strconv.Itoa(parts) + " SMS · " + enc
}

// answerTab ends a message action. Success (200): the refreshed tab to htmx, a 303 to the tab
// for a plain form. Anything else (422, 409): the tab with the form or the problem, in the whole
// card unless htmx asked.
func (s *Server) answerTab(c *fiber.Ctx, cust *store.Customer, tab string, status int, f messageForm, notice, problem string) error {
	if status == http.StatusOK && !isHTMX(c) {
		if notice != "" {
			flash(c, notice)
		}
		return seeOther(c, "/customers/"+cust.Number+"/"+tab)
	}
	v, err := s.messagesTab(c, cust, tab, f)
	if err != nil {
		return err
	}
	v.Notice, v.Problem = notice, problem
	if isHTMX(c) {
		return partial(c, status, "tabs/"+tab, v)
	}
	return s.renderCard(c, cust, tab, "tabs/"+tab, v, status)
}

// scheduleMessage is the shared end of the three "send" forms: validate and schedule, or
// answer 422 with every problem at once and nothing saved.
func (s *Server) scheduleMessage(c *fiber.Ctx, tab string, d messaging.Draft, f messageForm, sendAtProblem string) error {
	ctx := c.UserContext()
	var (
		m    *store.Message
		errs messaging.Errors
		err  error
	)
	if sendAtProblem != "" {
		errs, err = s.messages.Check(ctx, d)
		if errs == nil {
			errs = messaging.Errors{}
		}
		errs["send_at"] = sendAtProblem
	} else {
		m, errs, err = s.messages.Schedule(ctx, d)
	}
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		f.Errors = errs
		return s.answerTab(c, d.Customer, tab, http.StatusUnprocessableEntity, f, "", "")
	}
	return s.answerTab(c, d.Customer, tab, http.StatusOK, messageForm{}, s.scheduledNotice(m), "")
}

// scheduledNotice tells staff what happens to the message they just sent.
func (s *Server) scheduledNotice(m *store.Message) string {
	what := map[string]string{store.ChannelEmail: "E-mail", store.ChannelSMS: "SMS"}[m.Channel]
	switch {
	case m.Channel == store.ChannelInternal:
		return "Wiadomość wewnętrzna jest już na stronie klienta."
	case m.SendAt.After(time.Now().Add(30 * time.Second)):
		return what + " zaplanowano na " + s.clock.DateTime(m.SendAt) + "."
	default:
		return what + " przekazano do wysyłki."
	}
}

// messageParams loads the customer of a message URL and the message id.
func (s *Server) messageParams(c *fiber.Ctx) (*store.Customer, int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, 0, errStatus(http.StatusNotFound, "Nie ma takiej wiadomości.")
	}
	cust, err := s.store.CustomerByNumber(c.UserContext(), c.Params("number"))
	if err != nil {
		return nil, 0, err
	}
	return cust, id, nil
}

// messageNotFound turns the store's not-found into the Polish 404 of a message URL.
func messageNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errStatus(http.StatusNotFound, "Nie ma takiej wiadomości u tego klienta.")
	}
	return err
}

// formText reads a posted text field; browsers send a textarea's line ends as CRLF.
func formText(c *fiber.Ctx, key string) string {
	return strings.ReplaceAll(c.FormValue(key), "\r\n", "\n")
}
