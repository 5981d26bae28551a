// Package config reads the environment once into one typed Config, with the defaults of
// CONTRACT.md, and validates it. Both processes (app and worker) use it; nothing else reads
// os.Getenv.
package config

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything the processes need from their environment.
type Config struct {
	Port          string
	DataDir       string
	DatabaseURL   string // postgres://… or sqlite:PATH
	RedisURL      string // "" = in-process Redis and in-process worker (embedded default)
	SMTPURL       string // "" = .eml files in DataDir/outbox
	MailFrom      string
	AdminPassword string
	DemoData      bool
	CookieSecure  bool
	Location      *time.Location // TZ_DISPLAY: what staff see and type
	BaseURL       string         // absolute URL of the app, for links in messages and provider callbacks
	ProxyHeader   string         // e.g. X-Forwarded-For behind a reverse proxy: where the client address is read

	SMS SMS
}

// SMS selects and configures the SMS gateway.
type SMS struct {
	Provider      string // outbox | smsapi | twilio
	SMSAPIToken   string
	SMSAPIBaseURL string
	SMSAPIFrom    string
	TwilioSID     string
	TwilioToken   string
	TwilioFrom    string
	TwilioBaseURL string
}

// Embedded reports whether the process runs on the embedded default: SQLite, in-process
// Redis and the worker inside the web process.
func (c Config) Embedded() bool { return c.RedisURL == "" }

// Postgres reports whether the database is PostgreSQL.
func (c Config) Postgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// SQLitePath is the file behind a sqlite: URL.
func (c Config) SQLitePath() string { return strings.TrimPrefix(c.DatabaseURL, "sqlite:") }

// FromEnv reads the configuration from the process environment.
func FromEnv() (Config, error) { return Load(os.Getenv) }

// Load reads the configuration through getenv (tests pass a map lookup).
func Load(getenv func(string) string) (Config, error) {
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Port:          get("PORT", "8080"),
		DataDir:       get("DATA_DIR", "./data"),
		RedisURL:      get("REDIS_URL", ""),
		SMTPURL:       get("SMTP_URL", ""),
		MailFrom:      get("MAIL_FROM", "Program lojalnościowy <no-reply@localhost>"),
		AdminPassword: getenv("ADMIN_PASSWORD"),
		CookieSecure:  get("COOKIE_SECURE", "0") == "1",
		ProxyHeader:   get("PROXY_HEADER", ""),
		SMS: SMS{
			Provider:      get("SMS_PROVIDER", "outbox"),
			SMSAPIToken:   get("SMSAPI_TOKEN", ""),
			SMSAPIBaseURL: get("SMSAPI_BASE_URL", "https://api.smsapi.pl"),
			SMSAPIFrom:    get("SMSAPI_FROM", ""),
			TwilioSID:     get("TWILIO_ACCOUNT_SID", ""),
			TwilioToken:   get("TWILIO_AUTH_TOKEN", ""),
			TwilioFrom:    get("TWILIO_FROM", ""),
			TwilioBaseURL: get("TWILIO_BASE_URL", "https://api.twilio.com"),
		},
	}
	c.DatabaseURL = get("DATABASE_URL", "sqlite:"+filepath.Join(c.DataDir, "loyalty.db"))
	c.BaseURL = strings.TrimRight(get("BASE_URL", "http://localhost:"+c.Port), "/")
	demoDefault := "0"
	if c.Embedded() && !c.Postgres() {
		demoDefault = "1"
	}
	c.DemoData = get("DEMO_DATA", demoDefault) == "1"
	tz := get("TZ_DISPLAY", "Europe/Warsaw")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return c, fmt.Errorf("config: TZ_DISPLAY %q: %w", tz, err)
	}
	c.Location = loc
	return c, c.Validate()
}

// Validate checks the values that would otherwise fail late and obscurely.
func (c Config) Validate() error {
	if p, err := strconv.Atoi(c.Port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("config: PORT %q is not a port number", c.Port)
	}
	if !c.Postgres() && !strings.HasPrefix(c.DatabaseURL, "sqlite:") {
		return fmt.Errorf("config: DATABASE_URL must start with postgres:// or sqlite: (got %q)", redact(c.DatabaseURL))
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		return fmt.Errorf("config: REDIS_URL must start with redis:// (got %q)", redact(c.RedisURL))
	}
	if c.SMTPURL != "" && !strings.HasPrefix(c.SMTPURL, "smtp://") && !strings.HasPrefix(c.SMTPURL, "smtps://") {
		return fmt.Errorf("config: SMTP_URL must start with smtp:// or smtps:// (got %q)", redact(c.SMTPURL))
	}
	switch c.SMS.Provider {
	case "outbox":
	case "smsapi":
		if c.SMS.SMSAPIToken == "" {
			return fmt.Errorf("config: SMS_PROVIDER=smsapi needs SMSAPI_TOKEN")
		}
	case "twilio":
		if c.SMS.TwilioSID == "" || c.SMS.TwilioToken == "" || c.SMS.TwilioFrom == "" {
			return fmt.Errorf("config: SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM")
		}
	default:
		return fmt.Errorf("config: SMS_PROVIDER must be outbox, smsapi or twilio (got %q)", c.SMS.Provider)
	}
	return nil
}

// redact hides the password of a URL so that it never reaches a log.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redacted is the URL with its password hidden, for logs.
func Redacted(raw string) string { return redact(raw) }
