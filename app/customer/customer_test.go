package customer

import (
	"strings"
	"testing"
	"time"
)

// today is fixed so the birth-date rule is deterministic; 23:30 in Warsaw
// checks that only the calendar date counts.
var today = time.Date(2024, 6, 15, 23, 30, 0, 0, mustLoc("Europe/Warsaw"))

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func validForm() Form {
	return Form{FirstName: "Anna", LastName: "Nowak"}
}

func TestValidNIP(t *testing.T) {
	for _, tc := range []struct {
		nip  string
		want bool
	}{
		{"5260250995", true},
		{"7792408541", true},
		{"5250000009", true},
		{"9512345675", true},
		{"1234567802", true},
		{"1234567890", false}, // checksum 10 is never valid
		{"5260250996", false},
		{"526025099", false},
		{"52602509955", false},
		{"526025099a", false},
		{"526-025-09-95", false}, // ValidNIP expects a normalised value
		{"", false},
	} {
		if got := ValidNIP(tc.nip); got != tc.want {
			t.Errorf("ValidNIP(%q) = %v, want %v", tc.nip, got, tc.want)
		}
	}
}

func TestNormalizeAndFormatNIP(t *testing.T) {
	for _, tc := range []struct{ in, norm, format string }{
		{"5260250995", "5260250995", "5260250995"},
		{"526-025-09-95", "5260250995", "5260250995"},
		{" 526 025 09 95 ", "5260250995", "5260250995"},
		{"PL5260250995", "5260250995", "5260250995"},
		{"pl 526-025-09-95", "5260250995", "5260250995"},
		{"12-34", "1234", "12-34"},
		{"", "", ""},
	} {
		if got := NormalizeNIP(tc.in); got != tc.norm {
			t.Errorf("NormalizeNIP(%q) = %q, want %q", tc.in, got, tc.norm)
		}
		if got := FormatNIP(tc.in); got != tc.format {
			t.Errorf("FormatNIP(%q) = %q, want %q", tc.in, got, tc.format)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"+48 600 100 200", "+48600100200"},
		{"600100200", "+48600100200"},
		{"600-100-200", "+48600100200"},
		{"(22) 628 12 34", "+48226281234"},
		{"0048600100200", "+48600100200"},
		{"+49 30 901820", "+4930901820"},
		{"12345", ""},
		{"600 1OO 2OO", ""}, // letters must not be turned into digits
		{"600100200 ext. 5", ""},
		{"abc", ""},
		{"", ""},
	} {
		got, err := NormalizePhone(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("NormalizePhone(%q) = %q, want error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestConsent(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  ConsentStatus
		ok    bool
		label string
	}{
		{"", ConsentUnknown, true, "Nieustalona"},
		{"unknown", ConsentUnknown, true, "Nieustalona"},
		{"granted", ConsentGranted, true, "Wyrażona"},
		{" Refused ", ConsentRefused, true, "Niewyrażona"},
		{"withdrawn", ConsentWithdrawn, true, "Wycofana"},
		{"yes", "", false, ""},
	} {
		got, ok := ParseConsent(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseConsent(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && got.Label() != tc.label {
			t.Errorf("%q.Label() = %q, want %q", got, got.Label(), tc.label)
		}
	}
	if len(ConsentStatuses) != 4 || ConsentStatuses[0] != ConsentUnknown || ConsentStatuses[3] != ConsentWithdrawn {
		t.Errorf("ConsentStatuses = %v", ConsentStatuses)
	}
}

func TestSexLabel(t *testing.T) {
	for in, want := range map[string]string{"K": "Kobieta", "M": "Mężczyzna", "": "—"} {
		if got := SexLabel(in); got != want {
			t.Errorf("SexLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateValid(t *testing.T) {
	f := Form{
		Number: " ABC-123 ", GroupID: "7", FirstName: " Anna ", LastName: "Nowak",
		Address: "ul. Długa 1", City: "Łódź", Voivodeship: "  ŁÓDZKIE ", PostalCode: " 90-001 ",
		Sex: "k", BirthDate: "1990-02-28", Company: "ACME", NIP: "PL 526-025-09-95",
		Phone: "600 100 200", Email: " Anna.Nowak@Example.PL ", ReferredBy: " 0001 ",
		ConsentEmail: "granted", ConsentSMS: "",
	}
	c, errs := f.Validate(today)
	if errs != nil {
		t.Fatalf("unexpected errors: %v", errs)
	}
	bd := time.Date(1990, 2, 28, 0, 0, 0, 0, time.UTC)
	want := Clean{
		Number: "ABC-123", GroupID: 7, FirstName: "Anna", LastName: "Nowak",
		Address: "ul. Długa 1", City: "Łódź", Voivodeship: "łódzkie", PostalCode: "90-001",
		Sex: "K", BirthDate: &bd, Company: "ACME", NIP: "5260250995",
		Phone: "+48600100200", Email: "anna.nowak@example.pl", ReferredBy: "0001",
		ConsentEmail: ConsentGranted, ConsentSMS: ConsentUnknown,
	}
	if c.BirthDate == nil || !c.BirthDate.Equal(bd) {
		t.Errorf("BirthDate = %v, want %v", c.BirthDate, bd)
	}
	c.BirthDate, want.BirthDate = nil, nil
	if c != want {
		t.Errorf("Clean =\n%+v\nwant\n%+v", c, want)
	}

	// Only the two names are required.
	c, errs = validForm().Validate(today)
	if errs != nil || c.BirthDate != nil || c.ConsentEmail != ConsentUnknown {
		t.Errorf("minimal form: %+v, %v", c, errs)
	}
}

func TestValidateFields(t *testing.T) {
	long := func(n int) string { return strings.Repeat("ż", n) }
	for _, tc := range []struct {
		name  string
		edit  func(*Form)
		field string // "" means the form must be valid
		check func(Clean) bool
	}{
		{"first name missing", func(f *Form) { f.FirstName = "  " }, "first_name", nil},
		{"last name missing", func(f *Form) { f.LastName = "" }, "last_name", nil},
		{"first name 100 runes", func(f *Form) { f.FirstName = long(100) }, "", nil},
		{"first name too long", func(f *Form) { f.FirstName = long(101) }, "first_name", nil},
		{"last name too long", func(f *Form) { f.LastName = long(101) }, "last_name", nil},
		{"address too long", func(f *Form) { f.Address = long(201) }, "address", nil},
		{"city too long", func(f *Form) { f.City = long(201) }, "city", nil},
		{"company 200 runes", func(f *Form) { f.Company = long(200) }, "", nil},
		{"company too long", func(f *Form) { f.Company = long(201) }, "company", nil},

		{"number empty", func(f *Form) { f.Number = " " }, "", func(c Clean) bool { return c.Number == "" }},
		{"number too long", func(f *Form) { f.Number = strings.Repeat("1", 33) }, "number", nil},
		{"number bad chars", func(f *Form) { f.Number = "AB 12" }, "number", nil},
		{"number polish letter", func(f *Form) { f.Number = "Ż12" }, "number", nil},

		{"group zero", func(f *Form) { f.GroupID = "0" }, "group_id", nil},
		{"group negative", func(f *Form) { f.GroupID = "-3" }, "group_id", nil},
		{"group text", func(f *Form) { f.GroupID = "abc" }, "group_id", nil},
		{"group ok", func(f *Form) { f.GroupID = " 12 " }, "", func(c Clean) bool { return c.GroupID == 12 }},

		{"voivodeship case", func(f *Form) { f.Voivodeship = "Śląskie" }, "", func(c Clean) bool { return c.Voivodeship == "śląskie" }},
		{"voivodeship upper", func(f *Form) { f.Voivodeship = " WARMIŃSKO-MAZURSKIE\t" }, "", func(c Clean) bool { return c.Voivodeship == "warmińsko-mazurskie" }},
		{"voivodeship unknown", func(f *Form) { f.Voivodeship = "bawaria" }, "voivodeship", nil},
		{"voivodeship no diacritics", func(f *Form) { f.Voivodeship = "slaskie" }, "voivodeship", nil},

		{"postal ok", func(f *Form) { f.PostalCode = " 00-950 " }, "", func(c Clean) bool { return c.PostalCode == "00-950" }},
		{"postal without dash", func(f *Form) { f.PostalCode = "00950" }, "postal_code", nil}, // CONTRACT.md: XX-XXX only
		{"postal short", func(f *Form) { f.PostalCode = "00-95" }, "postal_code", nil},
		{"postal letters", func(f *Form) { f.PostalCode = "AB-123" }, "postal_code", nil},
		{"postal space", func(f *Form) { f.PostalCode = "00 950" }, "postal_code", nil},
		{"postal six digits", func(f *Form) { f.PostalCode = "009501" }, "postal_code", nil},

		{"sex M", func(f *Form) { f.Sex = "m" }, "", func(c Clean) bool { return c.Sex == "M" }},
		{"sex bad", func(f *Form) { f.Sex = "X" }, "sex", nil},

		{"birth today", func(f *Form) { f.BirthDate = "2024-06-15" }, "", func(c Clean) bool { return c.BirthDate != nil }},
		{"birth 1900", func(f *Form) { f.BirthDate = "1900-01-01" }, "", nil},
		{"birth tomorrow", func(f *Form) { f.BirthDate = "2024-06-16" }, "birth_date", nil},
		{"birth far future", func(f *Form) { f.BirthDate = "2090-01-01" }, "birth_date", nil},
		{"birth before 1900", func(f *Form) { f.BirthDate = "1899-12-31" }, "birth_date", nil},
		{"birth not a date", func(f *Form) { f.BirthDate = "2023-02-29" }, "birth_date", nil},
		{"birth leap day", func(f *Form) { f.BirthDate = "2020-02-29" }, "", nil},
		{"birth wrong format", func(f *Form) { f.BirthDate = "15.06.1990" }, "birth_date", nil},
		{"birth no padding", func(f *Form) { f.BirthDate = "1990-6-5" }, "birth_date", nil},

		{"nip dashed", func(f *Form) { f.NIP = "779-240-85-41" }, "", func(c Clean) bool { return c.NIP == "7792408541" }},
		{"nip checksum", func(f *Form) { f.NIP = "1234567890" }, "nip", nil},
		{"nip short", func(f *Form) { f.NIP = "123456789" }, "nip", nil},
		{"nip letters", func(f *Form) { f.NIP = "52602509x5" }, "nip", nil},

		{"phone intl", func(f *Form) { f.Phone = "+48 600 100 200" }, "", func(c Clean) bool { return c.Phone == "+48600100200" }},
		{"phone bad", func(f *Form) { f.Phone = "123" }, "phone", nil},

		{"email bare only", func(f *Form) { f.Email = "Jan <jan@example.pl>" }, "email", nil},
		{"email no dot", func(f *Form) { f.Email = "jan@localhost" }, "email", nil},
		{"email no at", func(f *Form) { f.Email = "jan.example.pl" }, "email", nil},
		{"email too long", func(f *Form) { f.Email = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 187) + ".pl" }, "email", nil}, // 255 bytes
		{"email 254 bytes", func(f *Form) {
			f.Email = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 60) + "." + strings.Repeat("c", 60) + "." + strings.Repeat("d", 60) + "." + strings.Repeat("e", 3) + ".pl"
		}, "", nil},
		{"email plus", func(f *Form) { f.Email = "jan+promo@sklep.com.pl" }, "", func(c Clean) bool { return c.Email == "jan+promo@sklep.com.pl" }},

		{"referred ok", func(f *Form) { f.ReferredBy = " X-1 " }, "", func(c Clean) bool { return c.ReferredBy == "X-1" }},
		{"referred too long", func(f *Form) { f.ReferredBy = strings.Repeat("1", 33) }, "referred_by", nil},

		{"consent email bad", func(f *Form) { f.ConsentEmail = "tak" }, "consent_email", nil},
		{"consent sms bad", func(f *Form) { f.ConsentSMS = "1" }, "consent_sms", nil},
		{"consent sms withdrawn", func(f *Form) { f.ConsentSMS = "withdrawn" }, "", func(c Clean) bool { return c.ConsentSMS == ConsentWithdrawn }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := validForm()
			tc.edit(&f)
			c, errs := f.Validate(today)
			if tc.field == "" {
				if len(errs) != 0 {
					t.Fatalf("unexpected errors: %v", errs)
				}
				if tc.check != nil && !tc.check(c) {
					t.Errorf("unexpected Clean: %+v", c)
				}
				return
			}
			if len(errs) != 1 || errs[tc.field] == "" {
				t.Errorf("errors = %v, want exactly one for %q", errs, tc.field)
			}
		})
	}
}

func TestValidateMessages(t *testing.T) {
	f := Form{NIP: "1234567890", PostalCode: "1", Voivodeship: "x", Phone: "1", Email: "x", BirthDate: "2030-01-01"}
	_, errs := f.Validate(today)
	for field, want := range map[string]string{
		"first_name":  "Podaj imię.",
		"nip":         "Nieprawidłowy NIP: błędna suma kontrolna.",
		"postal_code": "Kod pocztowy ma format XX-XXX, np. 00-950.",
		"voivodeship": "Wybierz województwo z listy.",
		"phone":       "Nieprawidłowy numer telefonu.",
		"email":       "Nieprawidłowy adres e-mail.",
		"birth_date":  "Data urodzin nie może być z przyszłości.",
	} {
		if errs[field] != want {
			t.Errorf("errs[%q] = %q, want %q", field, errs[field], want)
		}
	}
	if _, errs := (Form{FirstName: "A", LastName: "B", NIP: "12345"}).Validate(today); errs["nip"] == "" || errs["nip"] == "Nieprawidłowy NIP: błędna suma kontrolna." {
		t.Errorf("wrong-length NIP needs its own message, got %q", errs["nip"])
	}
}
