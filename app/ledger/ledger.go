// Package ledger moves points: purchases converted at the effective rate, manual additions and
// subtractions, cancellations (storno) and expiry. Every change is one transaction around one
// conditional UPDATE … RETURNING (store.AppendPoints), so the balance never lies: it always
// equals SUM(points) and the newest balance_after, under any concurrency. No HTTP here.
package ledger

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/loyalty/backoffice/app/store"
)

// Errors maps a form field to a Polish message.
type Errors map[string]string

// ErrInsufficient means the balance would go below zero.
var ErrInsufficient = errors.New("ledger: not enough points")

// ErrConflict means the operation cannot be done in the row's current state (cancelled twice…).
var ErrConflict = errors.New("ledger: conflict")

// Kinds of ledger rows.
const (
	KindAdd      = "add"
	KindSubtract = "subtract"
	KindReward   = "reward"
	KindRefund   = "refund"
	KindCancel   = "cancel"
	KindExpire   = "expire"
)

// Service applies points operations.
type Service struct {
	Store *store.Store
	// OnPointsAdded, when set, runs after a committed addition (automation hooks in here).
	OnPointsAdded func(ctx context.Context, customerID int64, op *store.PointOperation)
}

// Input is an add or subtract form as staff type it.
type Input struct {
	Operation        string // add | subtract
	Amount           string // PLN
	Points           string
	LocationID       string
	Document         string
	Description      string
	ConfirmDuplicate bool // staff saw the "document already used" warning and confirmed
	StaffID          *int64
}

// Result is the outcome of Apply.
type Result struct {
	Op *store.PointOperation
	// DuplicateOf is set (and nothing saved) when the document number was already used for this
	// customer and the user has not confirmed yet.
	DuplicateOf *store.PointOperation
}

// EffectiveRate is the customer's conversion rate (× 10 000): the group's override, else the
// global setting.
func EffectiveRate(ctx context.Context, st *store.Store, c *store.Customer) (int64, error) {
	settings, err := st.Settings(ctx)
	if err != nil {
		return 0, err
	}
	if c.GroupID != nil {
		g, err := st.Group(ctx, *c.GroupID)
		if err != nil {
			return 0, err
		}
		if g.ConversionRate != nil {
			return *g.ConversionRate, nil
		}
	}
	return settings.ConversionRate, nil
}

// Validate checks the input and works out the signed number of points.
func (s *Service) Validate(ctx context.Context, c *store.Customer, in Input) (points int64, amount *int64, locationID *int64, errs Errors, err error) {
	errs = Errors{}
	switch in.Operation {
	case KindAdd, KindSubtract:
	default:
		errs["operation"] = "Wybierz operację: dodanie lub odjęcie punktów."
		return 0, nil, nil, errs, nil
	}
	if strings.TrimSpace(in.Amount) != "" {
		g, ok := ParseAmount(in.Amount)
		if !ok {
			errs["amount"] = "Podaj kwotę w złotych, np. 123,45 (najwyżej 100 000 000 zł)."
		} else {
			amount = &g
		}
	}
	if strings.TrimSpace(in.Points) != "" {
		p, ok := ParsePoints(in.Points)
		if !ok {
			errs["points"] = "Liczba punktów musi być dodatnią liczbą całkowitą (najwyżej 1 000 000 000)."
		}
		points = p
	} else if in.Operation == KindSubtract {
		errs["points"] = "Podaj liczbę punktów do odjęcia."
	} else if amount == nil && errs["amount"] == "" {
		errs["amount"] = "Podaj kwotę zakupów albo liczbę punktów."
	} else if amount != nil {
		rate, err := EffectiveRate(ctx, s.Store, c)
		if err != nil {
			return 0, nil, nil, nil, err
		}
		points = PointsFor(*amount, rate)
		if points <= 0 {
			errs["amount"] = "Za ta kwotę nie przysługuje ani jeden punkt."
		} else if points > MaxPoints {
			errs["amount"] = "Kwota daje zbyt wiele punktów."
		}
	}
	if len([]rune(in.Document)) > 100 {
		errs["document"] = "Numer dokumentu może mieć najwyżej 100 znaków."
	}
	if len([]rune(in.Description)) > 500 {
		errs["description"] = "Opis może mieć najwyżej 500 znaków."
	}
	if v := strings.TrimSpace(in.LocationID); v != "" {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || id <= 0 {
			errs["location_id"] = "Wybierz lokalizację z listy."
		} else {
			locationID = &id
		}
	}
	if in.Operation == KindSubtract {
		points = -points
	}
	if len(errs) == 0 {
		errs = nil
	}
	return points, amount, locationID, errs, nil
}

// Apply validates in and records the operation for the customer numbered number.
func (s *Service) Apply(ctx context.Context, number string, in Input) (Result, Errors, error) {
	c, err := s.Store.CustomerByNumber(ctx, number)
	if err != nil {
		return Result{}, nil, err
	}
	points, amount, locationID, errs, err := s.Validate(ctx, c, in)
	if err != nil || errs != nil {
		return Result{}, errs, err
	}
	doc := strings.TrimSpace(in.Document)
	if locationID != nil {
		if _, err := s.Store.Location(ctx, *locationID); errors.Is(err, store.ErrNotFound) {
			return Result{}, Errors{"location_id": "Wybierz lokalizację z listy."}, nil
		} else if err != nil {
			return Result{}, nil, err
		}
	}
	if doc != "" && !in.ConfirmDuplicate {
		prev, err := s.Store.PointOperationByDocument(ctx, c.ID, doc)
		if err == nil {
			return Result{DuplicateOf: prev}, nil, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return Result{}, nil, err
		}
	}
	kind := KindAdd
	if points < 0 {
		kind = KindSubtract
	}
	op := &store.PointOperation{CustomerID: c.ID, Kind: kind, Amount: amount, Points: points, StaffUserID: in.StaffID,
		LocationID: locationID, Document: doc, Description: strings.TrimSpace(in.Description)}
	if err := s.append(ctx, op); err != nil {
		if errors.Is(err, ErrInsufficient) {
			return Result{}, Errors{"points": insufficientMsg(c.Balance, -points)}, nil
		}
		return Result{}, nil, err
	}
	if op.Points > 0 && s.OnPointsAdded != nil {
		s.OnPointsAdded(ctx, c.ID, op)
	}
	return Result{Op: op}, nil, nil
}

func insufficientMsg(balance, want int64) string {
	return fmt.Sprintf("Za mało punktów: saldo wynosi %d, a operacja wymaga %d.", balance, want)
}

// append records one operation in its own transaction, honouring the negative-balance setting.
func (s *Service) append(ctx context.Context, op *store.PointOperation) error {
	return s.Store.WithTx(ctx, func(tx *store.Store) error {
		return Append(ctx, tx, op)
	})
}

// Append records op inside the caller's transaction (rewards and automation use it).
func Append(ctx context.Context, tx *store.Store, op *store.PointOperation) error {
	settings, err := tx.Settings(ctx)
	if err != nil {
		return err
	}
	err = tx.AppendPoints(ctx, op, settings.AllowNegative)
	if errors.Is(err, store.ErrRefused) {
		return fmt.Errorf("%w: %v", ErrInsufficient, err)
	}
	return err
}

// Cancel reverses an operation with a compensating row (storno); the original is never
// edited. Refused when it would take the balance below zero, when the row is itself a
// cancellation, already cancelled, or belongs to a reward order (cancel the order instead).
func (s *Service) Cancel(ctx context.Context, number string, opID int64, staffID *int64) (*store.PointOperation, error) {
	c, err := s.Store.CustomerByNumber(ctx, number)
	if err != nil {
		return nil, err
	}
	var out *store.PointOperation
	err = s.Store.WithTx(ctx, func(tx *store.Store) error {
		orig, err := tx.PointOperation(ctx, opID)
		if err != nil {
			return err
		}
		if orig.CustomerID != c.ID {
			return fmt.Errorf("ledger: operation %d of another customer: %w", opID, store.ErrNotFound)
		}
		switch orig.Kind {
		case KindCancel:
			return fmt.Errorf("%w: nie można wycofać storna", ErrConflict)
		case KindReward, KindRefund:
			return fmt.Errorf("%w: operację nagrody cofa się, anulując zamówienie w zakładce Nagrody", ErrConflict)
		}
		id := orig.ID
		out = &store.PointOperation{CustomerID: c.ID, Kind: KindCancel, Points: -orig.Points, CancelsID: &id,
			StaffUserID: staffID, LocationID: orig.LocationID, Document: orig.Document,
			Description: fmt.Sprintf("Storno operacji Lp. %d", orig.Seq)}
		err = Append(ctx, tx, out)
		if errors.Is(err, store.ErrConflict) { // the unique index on cancels_id: cancelled already
			return fmt.Errorf("%w: ta operacja została już wycofana", ErrConflict)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ExpireDue writes the expiry rows due now for one customer: points from additions older than
// the validity period that later debits have not consumed (FIFO: debits consume the oldest
// additions first). Safe to run twice: a second run finds nothing due.
func ExpireDue(ctx context.Context, st *store.Store, customerID int64, validityDays int, now time.Time) (int64, error) {
	if validityDays <= 0 {
		return 0, nil
	}
	cutoff := now.AddDate(0, 0, -validityDays)
	var expired int64
	err := st.WithTx(ctx, func(tx *store.Store) error {
		// Take the customer's row lock first, so two expiry runs cannot both count the same points.
		if err := tx.LockCustomer(ctx, customerID); err != nil {
			return err
		}
		due, err := tx.UnconsumedBefore(ctx, customerID, cutoff)
		if err != nil || due <= 0 {
			return err
		}
		op := &store.PointOperation{CustomerID: customerID, Kind: KindExpire, Points: -due,
			Description: "Wygaśnięcie punktów zdobytych przed " + cutoff.Format("02.01.2006")}
		// Expiry never drives a balance negative: it can take at most what is there.
		if err := tx.AppendPoints(ctx, op, false); err != nil {
			if errors.Is(err, store.ErrRefused) {
				return nil
			}
			return err
		}
		expired = due
		return nil
	})
	return expired, err
}

// ExpiringSoon is how many points will expire within the next `within` (0 when validity is off).
func ExpiringSoon(ctx context.Context, st *store.Store, customerID int64, validityDays int, now time.Time, within time.Duration) (int64, time.Time, error) {
	if validityDays <= 0 {
		return 0, time.Time{}, nil
	}
	until := now.Add(within)
	n, err := st.UnconsumedBefore(ctx, customerID, until.AddDate(0, 0, -validityDays))
	return n, until, err
}
