package customer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/loyalty/backoffice/app/store"
)

// Service adds and edits customers: validation, card numbers, referrals and consent history.
type Service struct {
	Store *store.Store
	Loc   *time.Location // today's date for the birth-date rule is taken here
	// OnJoined, when set, is called after a new customer is committed (automation hooks in here).
	OnJoined func(ctx context.Context, c *store.Customer)
}

// Actor is who makes a change: a staff member, or nil for the system.
type Actor struct {
	StaffID *int64
	Source  string // where a consent came from, e.g. "karta klienta"
}

// Create validates f and adds the customer with its first consent records, all in one
// transaction. Invalid input returns Errors and changes nothing.
func (s *Service) Create(ctx context.Context, f Form, by Actor) (*store.Customer, Errors, error) {
	clean, errs := f.Validate(time.Now().In(s.Loc))
	if len(errs) > 0 {
		return nil, errs, nil
	}
	now := store.Now()
	c := &store.Customer{CreatedAt: now, UpdatedAt: now, PortalToken: newToken()}
	var out Errors
	err := s.Store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		if out, err = s.apply(ctx, tx, c, clean); err != nil || len(out) > 0 {
			return err
		}
		if c.Number == "" {
			if c.Number, err = nextNumber(ctx, tx); err != nil {
				return err
			}
		}
		if err := tx.InsertCustomer(ctx, c); err != nil {
			if errors.Is(err, store.ErrConflict) {
				out = Errors{"number": "Ten numer klienta jest już zajęty."}
				return nil
			}
			return err
		}
		return s.recordConsents(ctx, tx, c, "", "", by)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("customer: create: %w", err)
	}
	if len(out) > 0 {
		return nil, out, nil
	}
	if s.OnJoined != nil {
		s.OnJoined(ctx, c)
	}
	return c, nil, nil
}

// Update validates f and saves it over the customer numbered number; a consent that changed
// gets a new history row, the old rows stay.
func (s *Service) Update(ctx context.Context, number string, f Form, by Actor) (*store.Customer, Errors, error) {
	clean, errs := f.Validate(time.Now().In(s.Loc))
	var c *store.Customer
	var out Errors
	err := s.Store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		if c, err = tx.CustomerByNumber(ctx, number); err != nil {
			return err
		}
		if len(errs) > 0 {
			out = errs
			return nil
		}
		oldEmail, oldSMS := c.ConsentEmail, c.ConsentSMS
		if out, err = s.apply(ctx, tx, c, clean); err != nil || len(out) > 0 {
			return err
		}
		if c.Number == "" {
			c.Number = number
		}
		c.UpdatedAt = store.Now()
		if err := tx.UpdateCustomer(ctx, c); err != nil {
			if errors.Is(err, store.ErrConflict) {
				out = Errors{"number": "Ten numer klienta jest już zajęty."}
				return nil
			}
			return err
		}
		return s.recordConsents(ctx, tx, c, oldEmail, oldSMS, by)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("customer: update %s: %w", number, err)
	}
	return c, out, nil
}

// apply copies the clean form onto c and checks what needs the database: the number is free,
// the group exists, the referrer exists, is not the customer and makes no cycle.
func (s *Service) apply(ctx context.Context, tx *store.Store, c *store.Customer, f Clean) (Errors, error) {
	errs := Errors{}
	if f.Number != "" {
		taken, err := tx.NumberTaken(ctx, f.Number, c.ID)
		if err != nil {
			return nil, err
		}
		if taken {
			errs["number"] = "Ten numer klienta jest już zajęty."
		}
	}
	c.GroupID = nil
	if f.GroupID != 0 {
		if _, err := tx.Group(ctx, f.GroupID); errors.Is(err, store.ErrNotFound) {
			errs["group_id"] = "Wybierz grupę z listy."
		} else if err != nil {
			return nil, err
		} else {
			id := f.GroupID
			c.GroupID = &id
		}
	}
	c.ReferredByID = nil
	if f.ReferredBy != "" {
		ref, err := tx.CustomerByNumber(ctx, f.ReferredBy)
		switch {
		case errors.Is(err, store.ErrNotFound):
			errs["referred_by"] = "Nie ma klienta o numerze " + f.ReferredBy + "."
		case err != nil:
			return nil, err
		case ref.ID == c.ID || f.ReferredBy == f.Number:
			errs["referred_by"] = "Klient nie może polecić sam siebie."
		default:
			cycle, err := referralCycle(ctx, tx, ref, c.ID)
			if err != nil {
				return nil, err
			}
			if cycle {
				errs["referred_by"] = "To polecenie tworzyłoby cykl (ten klient sam poleca polecającego)."
			} else {
				c.ReferredByID = &ref.ID
			}
		}
	}
	if len(errs) > 0 {
		return errs, nil
	}
	c.Number = f.Number
	c.FirstName, c.LastName, c.Address, c.City = f.FirstName, f.LastName, f.Address, f.City
	c.Voivodeship, c.PostalCode, c.Sex = f.Voivodeship, f.PostalCode, f.Sex
	c.BirthDate = ""
	if f.BirthDate != nil {
		c.BirthDate = f.BirthDate.Format("2006-01-02")
	}
	c.Company, c.NIP, c.Phone, c.Email = f.Company, f.NIP, f.Phone, f.Email
	c.ConsentEmail, c.ConsentSMS = string(f.ConsentEmail), string(f.ConsentSMS)
	return nil, nil
}

// referralCycle walks up the referrer chain from ref; meeting selfID means a cycle. A new
// customer (selfID 0) cannot close a cycle.
func referralCycle(ctx context.Context, tx *store.Store, ref *store.Customer, selfID int64) (bool, error) {
	if selfID == 0 {
		return false, nil
	}
	seen := map[int64]bool{}
	for cur := ref; cur.ReferredByID != nil; {
		if *cur.ReferredByID == selfID {
			return true, nil
		}
		if seen[cur.ID] || len(seen) > 1000 {
			return true, nil
		}
		seen[cur.ID] = true
		next, err := tx.Customer(ctx, *cur.ReferredByID)
		if err != nil {
			return false, err
		}
		cur = next
	}
	return false, nil
}

func (s *Service) recordConsents(ctx context.Context, tx *store.Store, c *store.Customer, oldEmail, oldSMS string, by Actor) error {
	source := by.Source
	if source == "" {
		source = "karta klienta"
	}
	for _, ch := range []struct{ channel, old, cur string }{
		{store.ChannelEmail, oldEmail, c.ConsentEmail},
		{store.ChannelSMS, oldSMS, c.ConsentSMS},
	} {
		if ch.old == ch.cur {
			continue
		}
		err := tx.InsertConsent(ctx, &store.Consent{CustomerID: c.ID, Channel: ch.channel, Status: ch.cur,
			Source: source, StaffUserID: by.StaffID, CreatedAt: store.Now()})
		if err != nil {
			return err
		}
	}
	return nil
}

// nextNumber generates a free 8-digit card number from the highest id; the unique index
// catches the rare race and the caller reports it as a conflict.
func nextNumber(ctx context.Context, tx *store.Store) (string, error) {
	max, err := tx.MaxCustomerID(ctx)
	if err != nil {
		return "", err
	}
	for i := int64(1); i < 100; i++ {
		n := fmt.Sprintf("%08d", 10000000+max+i)
		taken, err := tx.NumberTaken(ctx, n, 0)
		if err != nil {
			return "", err
		}
		if !taken {
			return n, nil
		}
	}
	return "", fmt.Errorf("customer: no free card number near %d", max)
}

// newToken is a 256-bit secret for the customer's message-page link.
func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// NewToken exposes the token generator to the demo-data seeder.
func NewToken() string { return newToken() }
