// Package customer holds the rules for customer data: Polish validation (NIP, postal code, phone, voivodeship) and consents.
package customer

import (
	"errors"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Form is what staff type into the add/edit customer form (strings as posted).
type Form struct {
	Number, GroupID, FirstName, LastName, Address, City, Voivodeship, PostalCode, Sex, BirthDate,
	Company, NIP, Phone, Email, ReferredBy, ConsentEmail, ConsentSMS string
}

// Clean is the validated, normalised form.
type Clean struct {
	Number                             string // trimmed; "" means "generate one"
	GroupID                            int64  // 0 = none
	FirstName, LastName, Address, City string
	Voivodeship                        string     // "" or one of Voivodeships (lower-case Polish name)
	PostalCode                         string     // "" or "NN-NNN"
	Sex                                string     // "", "K" or "M"
	BirthDate                          *time.Time // date only (UTC midnight), nil when empty
	Company                            string
	NIP                                string // "" or 10 digits (dashes/spaces stripped)
	Phone                              string // "" or E.164, e.g. "+48600100200"
	Email                              string // "" or lower-cased trimmed address
	ReferredBy                         string // card number as typed (trimmed); existence is checked elsewhere
	ConsentEmail, ConsentSMS           ConsentStatus
}

// Errors maps a field name as posted (e.g. "nip", "postal_code") to a Polish message.
type Errors map[string]string

// ConsentStatus is the state of a marketing consent (RODO requires telling
// "never asked" apart from "refused" and "withdrawn").
type ConsentStatus string

const (
	ConsentUnknown   ConsentStatus = "unknown"   // Nieustalona
	ConsentGranted   ConsentStatus = "granted"   // Wyrażona
	ConsentRefused   ConsentStatus = "refused"   // Niewyrażona
	ConsentWithdrawn ConsentStatus = "withdrawn" // Wycofana
)

// ConsentStatuses lists every status in display order, for select boxes.
var ConsentStatuses = []ConsentStatus{ConsentUnknown, ConsentGranted, ConsentRefused, ConsentWithdrawn}

// Label returns the Polish label shown to staff.
func (s ConsentStatus) Label() string {
	switch s {
	case ConsentUnknown:
		return "Nieustalona"
	case ConsentGranted:
		return "Wyrażona"
	case ConsentRefused:
		return "Niewyrażona"
	case ConsentWithdrawn:
		return "Wycofana"
	}
	return string(s)
}

// ParseConsent accepts a status as posted; an empty value means the consent
// was never established, so it maps to ConsentUnknown.
func ParseConsent(s string) (ConsentStatus, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return ConsentUnknown, true
	}
	for _, c := range ConsentStatuses {
		if string(c) == s {
			return c, true
		}
	}
	return "", false
}

// Voivodeships are the 16 Polish voivodeships in their official lower-case form.
var Voivodeships = []string{
	"dolnośląskie", "kujawsko-pomorskie", "lubelskie", "lubuskie", "łódzkie", "małopolskie",
	"mazowieckie", "opolskie", "podkarpackie", "podlaskie", "pomorskie", "śląskie",
	"świętokrzyskie", "warmińsko-mazurskie", "wielkopolskie", "zachodniopomorskie",
}

// SexLabel returns the Polish label for a stored sex code.
func SexLabel(s string) string {
	switch s {
	case "K":
		return "Kobieta"
	case "M":
		return "Mężczyzna"
	case "":
		return "—"
	}
	return s
}

var nipWeights = [9]int{6, 5, 7, 2, 3, 4, 5, 6, 7}

// ValidNIP reports whether nip is 10 digits with a correct checksum. A
// checksum of 10 can never match a single digit, so such numbers are invalid.
func ValidNIP(nip string) bool {
	if !isDigits(nip, 10) {
		return false
	}
	sum := 0
	for i, w := range nipWeights {
		sum += int(nip[i]-'0') * w
	}
	return sum%11 == int(nip[9]-'0')
}

// NormalizeNIP strips the separators people copy from invoices ("526-025-09-95",
// "PL 5260250995") so only the digits remain.
func NormalizeNIP(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && strings.EqualFold(s[:2], "PL") {
		s = s[2:]
	}
	return strings.NewReplacer(" ", "", "-", "").Replace(s)
}

// FormatNIP returns the NIP as 10 bare digits; anything that does not
// normalise to 10 digits is shown as stored so staff can see what is wrong.
func FormatNIP(s string) string {
	if n := NormalizeNIP(s); isDigits(n, 10) {
		return n
	}
	return s
}

var (
	errInvalidPhone = errors.New("nieprawidłowy numer telefonu")
	// phoneChars guards against phonenumbers silently turning letters into
	// digits (vanity numbers), which would store a number nobody typed.
	phoneChars = regexp.MustCompile(`^\+?[0-9 ()./-]+$`)
)

// NormalizePhone parses a phone number (Polish if no country code is given)
// and returns it in E.164 form.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !phoneChars.MatchString(s) {
		return "", errInvalidPhone
	}
	num, err := phonenumbers.Parse(s, "PL")
	// E.164 has no room for an extension, so refuse rather than drop it.
	if err != nil || !phonenumbers.IsValidNumber(num) || num.GetExtension() != "" {
		return "", errInvalidPhone
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

var (
	numberRe     = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
	postalRe     = regexp.MustCompile(`^\d{2}-\d{3}$`)
	dateRe       = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	minBirthDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Validate trims and checks every field; today is the current date in
// Europe/Warsaw (for the birth-date rule). Errors is nil when the form is
// valid; Clean is only meant to be saved in that case.
func (f Form) Validate(today time.Time) (Clean, Errors) {
	var c Clean
	errs := Errors{}
	maxLen := func(field, v string, n int) string {
		if utf8.RuneCountInString(v) > n {
			errs[field] = "Maksymalnie " + strconv.Itoa(n) + " znaków."
		}
		return v
	}

	c.Number = maxLen("number", strings.TrimSpace(f.Number), 32)
	if c.Number != "" && !numberRe.MatchString(c.Number) {
		errs["number"] = "Numer karty może zawierać tylko litery, cyfry i myślnik."
	}

	if v := strings.TrimSpace(f.GroupID); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			errs["group_id"] = "Wybierz grupę z listy."
		} else {
			c.GroupID = id
		}
	}

	c.FirstName = maxLen("first_name", strings.TrimSpace(f.FirstName), 100)
	if c.FirstName == "" {
		errs["first_name"] = "Podaj imię."
	}
	c.LastName = maxLen("last_name", strings.TrimSpace(f.LastName), 100)
	if c.LastName == "" {
		errs["last_name"] = "Podaj nazwisko."
	}
	c.Address = maxLen("address", strings.TrimSpace(f.Address), 200)
	c.City = maxLen("city", strings.TrimSpace(f.City), 200)
	c.Company = maxLen("company", strings.TrimSpace(f.Company), 200)

	if v := strings.ToLower(strings.Join(strings.Fields(f.Voivodeship), " ")); v != "" {
		errs["voivodeship"] = "Wybierz województwo z listy."
		for _, w := range Voivodeships {
			if v == w {
				c.Voivodeship = w
				delete(errs, "voivodeship")
				break
			}
		}
	}

	switch v := strings.TrimSpace(f.PostalCode); {
	case v == "" || postalRe.MatchString(v):
		c.PostalCode = v
	default:
		errs["postal_code"] = "Kod pocztowy ma format XX-XXX, np. 00-950."
	}

	switch v := strings.ToUpper(strings.TrimSpace(f.Sex)); v {
	case "", "K", "M":
		c.Sex = v
	default:
		errs["sex"] = "Wybierz płeć z listy."
	}

	if v := strings.TrimSpace(f.BirthDate); v != "" {
		y, m, d := today.Date()
		todayUTC := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		bd, err := time.Parse(time.DateOnly, v)
		switch {
		case !dateRe.MatchString(v):
			errs["birth_date"] = "Data urodzin ma format RRRR-MM-DD."
		case err != nil:
			errs["birth_date"] = "Taka data nie istnieje."
		case bd.After(todayUTC):
			errs["birth_date"] = "Data urodzin nie może być z przyszłości."
		case bd.Before(minBirthDate):
			errs["birth_date"] = "Data urodzin nie może być wcześniejsza niż 1900-01-01."
		default:
			c.BirthDate = &bd
		}
	}

	if v := NormalizeNIP(f.NIP); v != "" {
		switch {
		case !isDigits(v, 10):
			errs["nip"] = "NIP składa się z 10 cyfr."
		case !ValidNIP(v):
			errs["nip"] = "Nieprawidłowy NIP: błędna suma kontrolna."
		default:
			c.NIP = v
		}
	}

	if v := strings.TrimSpace(f.Phone); v != "" {
		if p, err := NormalizePhone(v); err != nil {
			errs["phone"] = "Nieprawidłowy numer telefonu."
		} else {
			c.Phone = p
		}
	}

	if v := strings.TrimSpace(f.Email); v != "" {
		if validEmail(v) {
			c.Email = strings.ToLower(v)
		} else {
			errs["email"] = "Nieprawidłowy adres e-mail."
		}
	}

	c.ReferredBy = maxLen("referred_by", strings.TrimSpace(f.ReferredBy), 32)

	var ok bool
	if c.ConsentEmail, ok = ParseConsent(f.ConsentEmail); !ok {
		errs["consent_email"] = "Wybierz status zgody z listy."
	}
	if c.ConsentSMS, ok = ParseConsent(f.ConsentSMS); !ok {
		errs["consent_sms"] = "Wybierz status zgody z listy."
	}

	if len(errs) > 0 {
		return c, errs
	}
	return c, nil
}

// validEmail accepts a bare address only: ParseAddress alone would also take
// "Jan <jan@x.pl>" or a trailing comment, and a dot-less domain is never a
// real customer mailbox.
func validEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	domain := s[strings.LastIndexByte(s, '@')+1:]
	return strings.Contains(domain, ".")
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
