// Package reward is the reward catalogue and reward orders: issuing a reward debits the points,
// takes the stock and creates the order in one transaction; an order then moves through its
// statuses, and cancelling it refunds the points as a new ledger row. No HTTP here.
package reward

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/loyalty/backoffice/app/ledger"
	"github.com/loyalty/backoffice/app/store"
)

// Order statuses and the moves allowed between them.
const (
	StatusNew        = "new"
	StatusProcessing = "processing"
	StatusShipped    = "shipped"
	StatusIssued     = "issued"
	StatusCancelled  = "cancelled"
)

// Labels are the Polish names of the statuses.
var Labels = map[string]string{
	StatusNew: "Nowe", StatusProcessing: "W realizacji", StatusShipped: "Wysłane", StatusIssued: "Wydane", StatusCancelled: "Anulowane",
}

// Next lists where an order in a status may go.
var Next = map[string][]string{
	StatusNew:        {StatusProcessing, StatusIssued, StatusCancelled},
	StatusProcessing: {StatusShipped, StatusIssued, StatusCancelled},
	StatusShipped:    {StatusIssued, StatusCancelled},
}

// ErrConflict is a move the order's current status does not allow, or a lost race.
var ErrConflict = errors.New("reward: conflict")

// Errors maps a form field to a Polish message.
type Errors map[string]string

// MaxQuantity caps one order.
const MaxQuantity = 1000

// Service issues rewards and moves orders.
type Service struct {
	Store *store.Store
	// OnIssued, when set, runs after a committed issue (automation hooks in here).
	OnIssued func(ctx context.Context, customerID int64, order *store.RewardOrder)
}

// IssueInput is the "Wydaj nagrodę" form.
type IssueInput struct {
	RewardID, Quantity, LocationID string
	StaffID                        *int64
}

// Issue debits the points and creates the order, all or nothing.
func (s *Service) Issue(ctx context.Context, number string, in IssueInput) (*store.RewardOrder, Errors, error) {
	c, err := s.Store.CustomerByNumber(ctx, number)
	if err != nil {
		return nil, nil, err
	}
	errs := Errors{}
	rewardID, err := strconv.ParseInt(strings.TrimSpace(in.RewardID), 10, 64)
	if err != nil || rewardID <= 0 {
		errs["reward_id"] = "Wybierz nagrodę z katalogu."
	}
	qty := 1
	if q := strings.TrimSpace(in.Quantity); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > MaxQuantity {
			errs["quantity"] = fmt.Sprintf("Liczba sztuk musi być liczbą od 1 do %d.", MaxQuantity)
		}
		qty = n
	}
	var locationID *int64
	if v := strings.TrimSpace(in.LocationID); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			errs["location_id"] = "Wybierz lokalizację z listy."
		} else if _, err := s.Store.Location(ctx, id); errors.Is(err, store.ErrNotFound) {
			errs["location_id"] = "Wybierz lokalizację z listy."
		} else if err != nil {
			return nil, nil, err
		} else {
			locationID = &id
		}
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	r, err := s.Store.Reward(ctx, rewardID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !r.Active) {
		return nil, Errors{"reward_id": "Tej nagrody nie ma w aktywnym katalogu."}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	cost := r.Points * int64(qty)
	var order *store.RewardOrder
	err = s.Store.WithTx(ctx, func(tx *store.Store) error {
		// Locks are always taken customer → order → reward, here and in Move, so concurrent
		// issues and cancellations queue instead of deadlocking.
		if err := tx.LockCustomer(ctx, c.ID); err != nil {
			return err
		}
		ok, err := tx.TakeStock(ctx, r.ID, qty)
		if err != nil {
			return err
		}
		if !ok {
			errs["quantity"] = "Brak wystarczającej liczby sztuk tej nagrody w magazynie."
			return errRollback
		}
		now := store.Now()
		order = &store.RewardOrder{CustomerID: c.ID, RewardID: r.ID, Quantity: qty, Points: cost, Status: StatusNew,
			StatusAt: now, LocationID: locationID, StaffUserID: in.StaffID, CreatedAt: now}
		if err := tx.InsertRewardOrder(ctx, order); err != nil {
			return err
		}
		if err := tx.InsertOrderEvent(ctx, &store.RewardOrderEvent{OrderID: order.ID, Status: StatusNew, StaffUserID: in.StaffID, CreatedAt: now}); err != nil {
			return err
		}
		oid := order.ID
		op := &store.PointOperation{CustomerID: c.ID, Kind: ledger.KindReward, Points: -cost, RewardOrderID: &oid,
			StaffUserID: in.StaffID, LocationID: locationID, Description: fmt.Sprintf("Nagroda: %s × %d", r.Name, qty)}
		if err := ledger.Append(ctx, tx, op); err != nil {
			if errors.Is(err, ledger.ErrInsufficient) {
				errs["reward_id"] = fmt.Sprintf("Za mało punktów: nagroda kosztuje %d pkt, saldo wynosi %d pkt.", cost, c.Balance)
				return errRollback
			}
			return err
		}
		order.PointOperationID = &op.ID
		return tx.LinkOrderOperation(ctx, order.ID, op.ID)
	})
	if errors.Is(err, errRollback) {
		return nil, errs, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reward: issue %d to %s: %w", rewardID, number, err)
	}
	if s.OnIssued != nil {
		s.OnIssued(ctx, c.ID, order)
	}
	return order, nil, nil
}

// errRollback undoes the transaction when validation fails inside it.
var errRollback = errors.New("reward: rolled back")

// Move changes an order's status; cancelling refunds its points and returns its stock, in the
// same transaction. A move the current status does not allow, or that lost a race, is ErrConflict.
func (s *Service) Move(ctx context.Context, number string, orderID int64, to string, staffID *int64) (*store.RewardOrder, error) {
	c, err := s.Store.CustomerByNumber(ctx, number)
	if err != nil {
		return nil, err
	}
	var order *store.RewardOrder
	err = s.Store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.LockCustomer(ctx, c.ID); err != nil { // lock order: see Issue
			return err
		}
		o, err := tx.RewardOrder(ctx, orderID)
		if err != nil {
			return err
		}
		if o.CustomerID != c.ID {
			return fmt.Errorf("reward: order %d: %w", orderID, store.ErrNotFound)
		}
		if !allowed(o.Status, to) {
			return fmt.Errorf("%w: nie można zmienić statusu z „%s” na „%s”", ErrConflict, Labels[o.Status], Labels[to])
		}
		moved, err := tx.MoveOrderStatus(ctx, o.ID, o.Status, to, staffID)
		if err != nil {
			return err
		}
		if !moved {
			return fmt.Errorf("%w: status zamówienia zmienił się w międzyczasie; odśwież kartę", ErrConflict)
		}
		if to == StatusCancelled {
			oid := o.ID
			refund := &store.PointOperation{CustomerID: c.ID, Kind: ledger.KindRefund, Points: o.Points, RewardOrderID: &oid,
				StaffUserID: staffID, Description: "Zwrot punktów za anulowane zamówienie nagrody"}
			if err := ledger.Append(ctx, tx, refund); err != nil {
				return err
			}
			if err := tx.ReturnStock(ctx, o.RewardID, o.Quantity); err != nil {
				return err
			}
		}
		order, err = tx.RewardOrder(ctx, o.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return order, nil
}

func allowed(from, to string) bool {
	for _, n := range Next[from] {
		if n == to {
			return true
		}
	}
	return false
}
