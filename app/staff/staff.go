// Package staff holds the rules for back-office accounts: the first admin, password hashing.
package staff

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"

	"golang.org/x/crypto/bcrypt"

	"github.com/loyalty/backoffice/app/store"
)

// Bootstrap creates the login "admin" when no staff account exists: with password, or with a
// random one printed once to the log.
func Bootstrap(ctx context.Context, st *store.Store, password string, log *slog.Logger) error {
	n, err := st.CountStaff(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	generated := password == ""
	if generated {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		password = base64.RawURLEncoding.EncodeToString(b)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	u := &store.Staff{Login: "admin", Name: "Administrator", Role: store.RoleAdmin, PasswordHash: hash, Active: true, CreatedAt: store.Now()}
	if err := st.InsertStaff(ctx, u); err != nil {
		return fmt.Errorf("staff: bootstrap admin: %w", err)
	}
	if generated {
		log.Warn("created the admin account with a random password; it is shown only now", "login", "admin", "password", password)
	} else {
		log.Info("created the admin account from ADMIN_PASSWORD", "login", "admin")
	}
	return nil
}

// HashPassword hashes a password with bcrypt.
func HashPassword(p string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(p), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("staff: hash password: %w", err)
	}
	return string(h), nil
}
