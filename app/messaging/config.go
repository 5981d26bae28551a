package messaging

import (
	"log/slog"
	"net/url"
	"strings"

	"github.com/loyalty/backoffice/app/channel/email"
	"github.com/loyalty/backoffice/app/channel/sms"
	"github.com/loyalty/backoffice/app/config"
	"github.com/loyalty/backoffice/app/store"
)

// FromConfig builds the service both processes run: the e-mail sender from SMTP_URL (unset:
// .eml files in DATA_DIR/outbox), the SMS sender from SMS_PROVIDER (outbox: .txt files there).
func FromConfig(cfg config.Config, st *store.Store, enq Enqueuer, log *slog.Logger) (*Service, error) {
	mailer, err := email.New(cfg.SMTPURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	texter, err := sms.New(sms.Config{
		Provider: cfg.SMS.Provider, DataDir: cfg.DataDir,
		SMSAPIToken: cfg.SMS.SMSAPIToken, SMSAPIBaseURL: cfg.SMS.SMSAPIBaseURL, SMSAPIFrom: cfg.SMS.SMSAPIFrom,
		TwilioSID: cfg.SMS.TwilioSID, TwilioToken: cfg.SMS.TwilioToken, TwilioFrom: cfg.SMS.TwilioFrom, TwilioBaseURL: cfg.SMS.TwilioBaseURL,
		CallbackURL: callbackURL(cfg),
	}, nil)
	if err != nil {
		return nil, err
	}
	return &Service{Store: st, Enqueuer: enq, Email: mailer, SMS: texter, MailFrom: cfg.MailFrom, Loc: cfg.Location, Log: log}, nil
}

// callbackURL is where the SMS gateway reports deliveries (app/web's /p/sms/{provider}). A
// gateway cannot call a loopback address, and some refuse such a URL outright, so none is
// given unless BASE_URL names a reachable host.
func callbackURL(cfg config.Config) string {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Host == "" {
		return ""
	}
	switch h := strings.ToLower(u.Hostname()); {
	case h == "localhost", strings.HasPrefix(h, "127."), h == "::1":
		return ""
	}
	switch cfg.SMS.Provider {
	case "smsapi":
		return cfg.BaseURL + "/p/sms/smsapi"
	case "twilio":
		return cfg.BaseURL + "/p/sms/twilio"
	}
	return ""
}
