package format

import (
	"strings"
	"testing"
	"time"
)

// sp shows non-breaking spaces as plain ones, so the expectations stay readable.
func sp(s string) string { return strings.ReplaceAll(s, "\u00a0", " ") }

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		grosze int64
		want   string
	}{
		{0, "0,00 zł"}, {5, "0,05 zł"}, {12345, "123,45 zł"}, {123456, "1 234,56 zł"},
		{123456789, "1 234 567,89 zł"}, {-150, "−1,50 zł"},
	} {
		if got := sp(Money(tc.grosze)); got != tc.want {
			t.Errorf("Money(%d) = %q, want %q", tc.grosze, got, tc.want)
		}
	}
}

func TestIntAndRate(t *testing.T) {
	if got := sp(Int(1234567)); got != "1 234 567" {
		t.Errorf("Int = %q", got)
	}
	if got := Signed(-40); got != "−40" {
		t.Errorf("Signed = %q", got)
	}
	for in, want := range map[int64]string{10000: "1", 12500: "1,25", 5: "0,0005", 1234567: "123,4567"} {
		if got := Rate(in); got != want {
			t.Errorf("Rate(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestClockWarsaw(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Fatal(err)
	}
	c := Clock{Loc: loc}
	summer := time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)
	winter := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if got := c.DateTime(summer); got != "01.07.2026 12:00" {
		t.Errorf("summer = %q", got)
	}
	if got := c.DateTime(winter); got != "01.12.2026 11:00" {
		t.Errorf("winter = %q", got)
	}
	if got := ISODate("1990-05-17"); got != "17.05.1990" {
		t.Errorf("ISODate = %q", got)
	}
}
