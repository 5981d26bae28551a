// Package format turns stored values into the strings Polish staff read: money as
// "1 234,56 zł", points with thin grouping, times in the display time zone.
package format

import (
	"strconv"
	"strings"
	"time"
)

// nbsp groups thousands the Polish way without letting a number break across lines.
const nbsp = "\u00a0"

// Int formats an integer with Polish thousands grouping: 1234567 -> "1 234 567".
func Int(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	// Polish style leaves four-digit numbers ungrouped ("1234"), but tables read better when
	// every number groups the same way, so group from 1 000 up.
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteString(nbsp)
		}
		b.WriteString(s[i : i+3])
	}
	if neg {
		return "−" + b.String()
	}
	return b.String()
}

// Signed formats points with an explicit sign: "+120", "−40".
func Signed(n int64) string {
	if n > 0 {
		return "+" + Int(n)
	}
	return Int(n)
}

// Money formats grosze as "1 234,56 zł".
func Money(grosze int64) string { return Amount(grosze) + nbsp + "zł" }

// Amount formats grosze as "1 234,56" (no currency, for table columns headed [PLN]).
func Amount(grosze int64) string {
	neg := grosze < 0
	if neg {
		grosze = -grosze
	}
	s := Int(grosze/100) + "," + pad2(grosze%100)
	if neg {
		return "−" + s
	}
	return s
}

// Rate formats a conversion rate kept × 10 000 as "1,25" (trailing zeros dropped, at least one decimal
// kept off when whole: "1").
func Rate(scaled int64) string {
	whole := scaled / 10000
	frac := scaled % 10000
	if frac == 0 {
		return strconv.FormatInt(whole, 10)
	}
	f := strings.TrimRight(pad4(frac), "0")
	return strconv.FormatInt(whole, 10) + "," + f
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

func pad4(n int64) string {
	s := strconv.FormatInt(n, 10)
	return strings.Repeat("0", 4-len(s)) + s
}

// Clock formats times for one display time zone.
type Clock struct{ Loc *time.Location }

// DateTime is "04.12.2026 14:05" in the display zone; "—" for a zero time.
func (c Clock) DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(c.Loc).Format("02.01.2006 15:04")
}

// DateTimePtr is DateTime for an optional time.
func (c Clock) DateTimePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return c.DateTime(*t)
}

// Date is "04.12.2026" in the display zone.
func (c Clock) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(c.Loc).Format("02.01.2006")
}

// ISODate turns a stored "YYYY-MM-DD" into "DD.MM.YYYY"; "—" when empty.
func ISODate(s string) string {
	if len(s) != 10 {
		return "—"
	}
	return s[8:10] + "." + s[5:7] + "." + s[0:4]
}

// Dash shows an empty value as "—".
func Dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// Phone shows a Polish E.164 number in groups: "+48600100200" -> "+48 600 100 200"; others as stored.
func Phone(e164 string) string {
	if len(e164) == 12 && strings.HasPrefix(e164, "+48") {
		return e164[:3] + " " + e164[3:6] + " " + e164[6:9] + " " + e164[9:]
	}
	return Dash(e164)
}
