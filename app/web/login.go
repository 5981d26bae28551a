package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"github.com/loyalty/backoffice/app/store"
)

// Ten failed logins for one login or one address within 15 minutes lock both out until the
// window passes (CONTRACT.md).
const (
	loginMaxFailures = 10
	loginWindow      = 15 * time.Minute
)

type loginView struct {
	Base
	Login string
	Next  string
	Error string
}

func (s *Server) loginForm(c *fiber.Ctx) error {
	v := loginView{Base: s.base(c, "Logowanie"), Next: safeNext(c.Query("next"))}
	return page(c, http.StatusOK, "pages/login", v)
}

func (s *Server) loginSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	login := strings.TrimSpace(c.FormValue("login"))
	password := c.FormValue("password")
	v := loginView{Base: s.base(c, "Logowanie"), Login: login, Next: safeNext(c.FormValue("next"))}

	keys := []string{"login:fail:ip:" + c.IP(), "login:fail:login:" + strings.ToLower(login)}
	if locked, err := s.loginLocked(ctx, keys); err != nil {
		return err
	} else if locked {
		v.Error = "Zbyt wiele nieudanych prób logowania. Odczekaj 15 minut i spróbuj ponownie."
		return page(c, http.StatusTooManyRequests, "pages/login", v)
	}
	u, err := s.store.StaffByLogin(ctx, login)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	ok := err == nil && u.Active && bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
	if !ok {
		if err := s.loginFailed(ctx, keys); err != nil {
			return err
		}
		v.Error = "Nieprawidłowy login lub hasło."
		return page(c, http.StatusUnauthorized, "pages/login", v)
	}
	s.redis.Del(ctx, keys[1])

	// A new session id at login: a session fixed before it cannot ride on the staff account.
	sess := sessionOf(c)
	if err := sess.Regenerate(); err != nil {
		return fmt.Errorf("login: regenerate session: %w", err)
	}
	sess.Set(sessStaff, u.ID)
	sess.Set(sessCSRF, randomID())
	if err := sess.Save(); err != nil {
		return fmt.Errorf("login: save session: %w", err)
	}
	s.log.Info("staff logged in", "login", u.Login, "ip", c.IP())
	to := v.Next
	if to == "" {
		to = "/customers"
	}
	return seeOther(c, to)
}

func (s *Server) loginLocked(ctx context.Context, keys []string) (bool, error) {
	for _, k := range keys {
		n, err := s.redis.Get(ctx, k).Int()
		if err != nil && !errors.Is(err, redis.Nil) {
			return false, fmt.Errorf("login: throttle %s: %w", k, err)
		}
		if n >= loginMaxFailures {
			return true, nil
		}
	}
	return false, nil
}

func (s *Server) loginFailed(ctx context.Context, keys []string) error {
	for _, k := range keys {
		n, err := s.redis.Incr(ctx, k).Result()
		if err != nil {
			return fmt.Errorf("login: count failure: %w", err)
		}
		if n == 1 {
			s.redis.Expire(ctx, k, loginWindow)
		}
	}
	return nil
}

func (s *Server) logout(c *fiber.Ctx) error {
	if err := sessionOf(c).Destroy(); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", "/login")
		return c.SendStatus(http.StatusNoContent)
	}
	return seeOther(c, "/login")
}

// safeNext keeps only local paths, so the login form cannot be turned into an open redirect.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return ""
}
