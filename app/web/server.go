// Package web is the Fiber side: every route (routes.go), the middleware, the view builder,
// the mapping of domain errors to status codes, and one file per page or action. Nothing below
// this package knows Fiber.
package web

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/gofiber/template/html/v2"
	"github.com/redis/go-redis/v9"

	"github.com/loyalty/backoffice/app/automation"
	"github.com/loyalty/backoffice/app/config"
	"github.com/loyalty/backoffice/app/customer"
	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/ledger"
	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/reward"
	"github.com/loyalty/backoffice/app/store"
	"github.com/loyalty/backoffice/static"
	"github.com/loyalty/backoffice/views"
)

// Deps are what the web process is built from.
type Deps struct {
	Config config.Config
	Store  *store.Store
	Redis  redis.UniversalClient
	Log    *slog.Logger
	// Messages is the message pipeline (e-mail, SMS, internal); nil: one with no queue, whose
	// messages wait for a worker's reconciler.
	Messages *messaging.Service
	// Events hands an automation event to the worker (an asynq task); nil: the web process runs
	// the scenarios itself, right after the change commits (tests).
	Events func(ctx context.Context, ev automation.Event) error
}

// Server is the web application.
type Server struct {
	App       *fiber.App
	cfg       config.Config
	store     *store.Store
	redis     redis.UniversalClient
	log       *slog.Logger
	sessions  *session.Store
	engine    *html.Engine
	clock     format.Clock
	customers *customer.Service
	messages  *messaging.Service
	ledger    *ledger.Service
	rewards   *reward.Service
	scenarios *automation.Engine
}

// maxBody is the body limit of every route but the photo upload (CONTRACT.md).
const maxBody = 1 << 20

// New builds the Fiber app with every route.
func New(d Deps) (*Server, error) {
	engine := html.NewFileSystem(http.FS(views.FS), ".html")
	engine.AddFuncMap(templateFuncs())
	if err := engine.Load(); err != nil { // parse every template now: fail at start, not on a page
		return nil, err
	}
	s := &Server{
		cfg:       d.Config,
		store:     d.Store,
		redis:     d.Redis,
		log:       d.Log,
		clock:     format.Clock{Loc: d.Config.Location},
		customers: &customer.Service{Store: d.Store, Loc: d.Config.Location},
		messages:  d.Messages,
		ledger:    &ledger.Service{Store: d.Store},
		rewards:   &reward.Service{Store: d.Store},
		engine:    engine,
	}
	if s.messages == nil {
		s.messages = &messaging.Service{Store: d.Store, Loc: d.Config.Location, Log: d.Log}
	}
	s.scenarios = &automation.Engine{Store: d.Store, Messenger: messaging.Automatic{S: s.messages}, Loc: d.Config.Location}
	s.hookAutomation(d.Events)
	s.sessions = session.New(session.Config{
		Expiration:     12 * time.Hour,
		Storage:        &redisStorage{rdb: d.Redis, prefix: "sess:"},
		KeyLookup:      "cookie:lp_session",
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		CookieSecure:   d.Config.CookieSecure,
		KeyGenerator:   randomID, // 256 bits; fiber's default UUID has 122
	})
	s.App = fiber.New(fiber.Config{
		AppName:               "loyalty-backoffice",
		Views:                 engine,
		Immutable:             true, // strings from the request outlive handlers (sessions, logs)
		BodyLimit:             10 << 20,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		ProxyHeader:           d.Config.ProxyHeader, // login throttling counts per client address
		ErrorHandler:          s.handleError,
	})
	s.routes(static.FS)
	return s, nil
}

// Listen serves on addr until Shutdown.
func (s *Server) Listen(addr string) error { return s.App.Listen(addr) }

// Shutdown stops accepting and waits for requests in flight.
func (s *Server) Shutdown(ctx context.Context) error { return s.App.ShutdownWithContext(ctx) }

// staticFS returns the embedded static files without their folder prefix.
func staticFS(fsys fs.FS) http.FileSystem { return http.FS(fsys) }

// httpError is an error with the status and the Polish message staff see.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errStatus(status int, msg string) error { return &httpError{status: status, msg: msg} }

// handleError maps every error to a status and a calm Polish page; internals go to the log only.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, msg := http.StatusInternalServerError, "Wystąpił nieoczekiwany błąd. Spróbuj ponownie za chwilę."
	var he *httpError
	var fe *fiber.Error
	switch {
	case errors.As(err, &he):
		status, msg = he.status, he.msg
	case errors.Is(err, store.ErrNotFound):
		status, msg = http.StatusNotFound, "Nie znaleziono."
	case errors.As(err, &fe):
		status = fe.Code
		switch fe.Code {
		case http.StatusNotFound:
			msg = "Nie ma takiej strony."
		case http.StatusRequestEntityTooLarge:
			msg = "Przesłane dane są zbyt duże."
		case http.StatusMethodNotAllowed:
			msg = "Ta operacja nie jest tu dostępna."
		default:
			msg = "Nieprawidłowe żądanie."
		}
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(status)
	if isHTMX(c) {
		return c.Render("partials/error", errorView{Status: status, Message: msg})
	}
	v := s.base(c, "Błąd")
	return c.Render("pages/error", errorPage{Base: v, Status: status, Message: msg}, "layouts/main")
}

type errorView struct {
	Status  int
	Message string
}

type errorPage struct {
	Base
	Status  int
	Message string
}
