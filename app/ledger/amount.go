package ledger

import (
	"strconv"
	"strings"
)

// MaxAmount caps a purchase at 100 000 000,00 zł: far above any till, far below an overflow
// of grosze × rate.
const MaxAmount = int64(100_000_000_00)

// MaxPoints caps one manual operation.
const MaxPoints = int64(1_000_000_000)

// ParseAmount reads a PLN amount as staff type it ("123,45", "123.45", "1 234,56", "1234")
// into grosze. ok is false for anything else: signs, letters, three decimals, overflow.
func ParseAmount(s string) (grosze int64, ok bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "zł"), "PLN")
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return 0, false
	}
	whole, frac := s, ""
	if i := strings.IndexAny(s, ",."); i >= 0 {
		whole, frac = s[:i], s[i+1:]
		if strings.ContainsAny(frac, ",.") || len(frac) == 0 || len(frac) > 2 {
			return 0, false
		}
	}
	if whole == "" || len(whole) > 9 || !digits(whole) || !digits(frac) {
		return 0, false
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	g := w*100 + f
	if g > MaxAmount {
		return 0, false
	}
	return g, true
}

// ParsePoints reads a positive whole number of points.
func ParsePoints(s string) (int64, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" || len(s) > 10 || !digits(s) {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > MaxPoints {
		return 0, false
	}
	return n, true
}

// ParseRate reads a conversion rate with up to 4 decimals ("1", "1,5", "0.2500") into the
// fixed-point form (× 10 000). Between 0 and 1000 points per złoty.
func ParseRate(s string) (int64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, " ", ""))
	whole, frac := s, ""
	if i := strings.IndexAny(s, ",."); i >= 0 {
		whole, frac = s[:i], s[i+1:]
	}
	if whole == "" || len(whole) > 4 || len(frac) > 4 || !digits(whole) || !digits(frac) {
		return 0, false
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 4-len(frac)), 10, 64)
	}
	r := w*10000 + f
	if r < 0 || r > 1000*10000 {
		return 0, false
	}
	return r, true
}

// PointsFor is floor(amount × rate): grosze and a rate × 10 000, in integers only.
func PointsFor(grosze, rate int64) int64 {
	return grosze * rate / (100 * 10000)
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
