package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/store"
)

// exportBatch is how many ledger rows each keyset query of the export reads.
const exportBatch = 1000

// pointsExport streams the points history (with the tab's filters) as CSV for spreadsheets:
// semicolons and decimal commas as Polish Excel expects, a UTF-8 BOM so it opens the letters
// right. Rows are read in keyset batches and written as they come, so any length streams in
// constant memory.
func (s *Server) pointsExport(c *fiber.Ctx) error {
	cust, err := s.store.CustomerByNumber(c.UserContext(), c.Params("number"))
	if err != nil {
		return err
	}
	var f pointsFilter
	filter, _ := s.parsePointsFilter(c, &f)
	filter.BeforeSeq = 0
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="punkty-`+cust.Number+`.csv"`)
	st, clock, log := s.store, s.clock, s.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		w.WriteString("\ufeff")
		cw := csv.NewWriter(w)
		cw.Comma = ';'
		cw.Write([]string{"Lp.", "Numer klienta", "Operacja", "Data", "Kwota [PLN]", "Liczba punktów", "Saldo po operacji",
			"Nagroda", "Użytkownik", "Lokalizacja", "Dokument", "Opis"})
		for {
			rows, err := st.PointRows(ctx, cust.ID, filter, exportBatch)
			if err != nil {
				log.Error("points export", "customer", cust.Number, "err", err)
				return
			}
			more := len(rows) > exportBatch
			if more {
				rows = rows[:exportBatch]
			}
			for _, r := range rows {
				cw.Write(csvRow(cust.Number, r, clock))
			}
			cw.Flush()
			if cw.Error() != nil || w.Flush() != nil || !more {
				return
			}
			filter.BeforeSeq = rows[len(rows)-1].Seq
		}
	})
	return nil
}

func csvRow(number string, r store.PointRow, clock format.Clock) []string {
	amount := ""
	if r.Amount != nil {
		amount = format.Amount(*r.Amount)
	}
	user := r.StaffName
	if user == "" {
		user = "automatycznie"
	}
	return []string{strconv.FormatInt(r.Seq, 10), number, pointKinds[r.Kind], clock.DateTime(r.OccurredAt), plain(amount),
		strconv.FormatInt(r.Points, 10), strconv.FormatInt(r.BalanceAfter, 10), r.RewardName, user, r.LocationName, r.Document, r.Description}
}

// plain drops the non-breaking spaces used on screen; spreadsheets read "1234,56".
func plain(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r != '\u00a0' {
			out = append(out, r)
		}
	}
	return string(out)
}
