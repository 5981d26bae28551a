package messaging

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/loyalty/backoffice/app/channel/sms"
	"github.com/loyalty/backoffice/app/store"
)

// ApplyDelivery applies an SMS gateway's delivery report: a final failure turns the message to
// failed with the reason; a delivery keeps it sent. Reports that are not final, or that match
// no message of ours, change nothing. A message sent through SMSAPI whose send was answered
// "duplicate" has no provider id yet; its report is matched by idx (our id).
func (s *Service) ApplyDelivery(ctx context.Context, r sms.Report) error {
	if !r.Delivered && !r.Failed {
		return nil
	}
	m, err := s.Store.MessageByProvider(ctx, store.ChannelSMS, r.ProviderID)
	learnt := ""
	if errors.Is(err, store.ErrNotFound) && r.Idx != "" {
		id, perr := strconv.ParseInt(r.Idx, 10, 64)
		if perr != nil {
			return nil
		}
		m, err = s.Store.Message(ctx, id)
		if err == nil && (m.Channel != store.ChannelSMS || m.ProviderID != "") {
			err = store.ErrNotFound
		}
		learnt = r.ProviderID
	}
	if errors.Is(err, store.ErrNotFound) {
		s.log().Info("delivery report for an unknown message", "provider_id", r.ProviderID, "idx", r.Idx)
		return nil
	}
	if err != nil {
		return err
	}
	reason := ""
	if r.Failed {
		detail := r.Status
		if r.ErrorCode != "" {
			detail += ", kod " + r.ErrorCode
		}
		reason = "SMS nie został doręczony (" + strings.TrimSpace(detail) + ")"
	}
	if _, err := s.Store.RecordDelivery(ctx, m.ID, learnt, r.Failed, reason, s.now()); err != nil {
		return err
	}
	return nil
}
