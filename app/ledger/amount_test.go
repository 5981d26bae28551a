package ledger

import "testing"

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"123,45", 12345, true}, {"123.45", 12345, true}, {"1 234,56", 123456, true}, {"1\u00a0234,56", 123456, true},
		{"1234", 123400, true}, {"0,5", 50, true}, {"12,30 zł", 1230, true}, {"0", 0, true},
		{"", 0, false}, {"-5", 0, false}, {"abc", 0, false}, {"1,234", 0, false}, {"1.2.3", 0, false},
		{"12,", 0, false}, {",5", 0, false}, {"1e5", 0, false}, {"99999999999999999999", 0, false},
		{"100000001", 0, false}, {"100000000,00", 10000000000, true},
	} {
		got, ok := ParseAmount(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParsePointsAndRate(t *testing.T) {
	for in, ok := range map[string]bool{"1": true, "250": true, "1 000": true, "0": false, "-3": false, "1.5": false, "x": false, "99999999999": false} {
		if _, got := ParsePoints(in); got != ok {
			t.Errorf("ParsePoints(%q) ok=%v, want %v", in, got, ok)
		}
	}
	for in, want := range map[string]int64{"1": 10000, "1,5": 15000, "0.25": 2500, "2,0001": 20001, "0": 0} {
		if got, ok := ParseRate(in); !ok || got != want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"1,23456", "-1", "abc", "1001", ""} {
		if _, ok := ParseRate(in); ok {
			t.Errorf("ParseRate(%q) accepted", in)
		}
	}
}

func TestPointsFor(t *testing.T) {
	for _, tc := range []struct{ grosze, rate, want int64 }{
		{12345, 10000, 123}, // 123,45 zł × 1 = 123 (floor)
		{12345, 15000, 185}, // × 1,5 = 185,175
		{99, 10000, 0},      // 0,99 zł
		{10000, 2500, 25},   // 100 zł × 0,25
		{MaxAmount, 1000 * 10000, 100_000_000_000},
	} {
		if got := PointsFor(tc.grosze, tc.rate); got != tc.want {
			t.Errorf("PointsFor(%d, %d) = %d, want %d", tc.grosze, tc.rate, got, tc.want)
		}
	}
}
