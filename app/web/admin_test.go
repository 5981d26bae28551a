package web

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/loyalty/backoffice/app/store"
)

// upload is a file part of a multipart form.
type upload struct {
	field, filename string
	data            []byte
}

// multipartBody builds a multipart/form-data body with the fields (in order, as name/value
// pairs) and the files.
func multipartBody(t *testing.T, fields []string, files ...upload) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		part, err := w.CreateFormFile(f.field, f.filename)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &buf
}

// postMultipart sends the reward form as a browser does: multipart with the _csrf field.
func (c *client) postMultipart(path string, fields []string, files ...upload) resp {
	c.t.Helper()
	ct, body := multipartBody(c.t, append([]string{"_csrf", c.csrf}, fields...), files...)
	return c.send(http.MethodPost, path, ct, body, nil)
}

func loggedInOperator(t *testing.T, srv *Server) *client {
	t.Helper()
	c := newClient(t, srv)
	c.ip = "10.0.0.7"
	if r := c.login("operator", testPassword); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("operator login answered %d", r.StatusCode)
	}
	return c
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := 0; x < 8; x++ {
		img.Set(x, x, color.RGBA{R: 200, G: 30, B: 30, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wantInvalid checks a 422 answer marks the named field with the message.
func wantInvalid(t *testing.T, r resp, field, msg string) {
	t.Helper()
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("%s: status %d, want 422", field, r.StatusCode)
	}
	in := r.Doc.Find(`[name="` + field + `"]`)
	if v, _ := in.Attr("aria-invalid"); v != "true" {
		t.Fatalf("%s: not marked aria-invalid", field)
	}
	if got := text(in.Parent().Find("small.field-error")); !strings.Contains(got, msg) {
		t.Fatalf("%s: message %q, want %q", field, got, msg)
	}
	if r.Doc.Find(".form-errors").Length() == 0 {
		t.Fatalf("%s: no form summary", field)
	}
}

func TestAdminPagesOperatorForbidden(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		op := loggedInOperator(t, srv)
		for _, p := range []string{"/settings", "/groups", "/rewards", "/locations", "/groups/1", "/rewards/1"} {
			if r := op.get(p); r.StatusCode != http.StatusForbidden {
				t.Fatalf("operator GET %s: %d, want 403", p, r.StatusCode)
			}
		}
		if r := op.get("/customers"); r.Doc.Find(`header a[href="/settings"]`).Length() != 0 {
			t.Fatal("operator sees the administration links")
		}
		before, _ := st.Settings(t.Context())
		if r := op.postForm("/settings", url.Values{"conversion_rate": {"5"}, "points_validity_days": {"0"}}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("operator POST /settings: %d, want 403", r.StatusCode)
		}
		if r := op.postForm("/groups", url.Values{"name": {"Hakerzy"}}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("operator POST /groups: %d, want 403", r.StatusCode)
		}
		if r := op.postForm("/locations", url.Values{"name": {"Sklep"}}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("operator POST /locations: %d, want 403", r.StatusCode)
		}
		if r := op.postMultipart("/rewards", []string{"name", "Kubek", "points", "10"}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("operator POST /rewards: %d, want 403", r.StatusCode)
		}
		after, _ := st.Settings(t.Context())
		groups, _ := st.Groups(t.Context())
		locs, _ := st.Locations(t.Context())
		rewards, _ := st.Rewards(t.Context(), false)
		if after.ConversionRate != before.ConversionRate || len(groups)+len(locs)+len(rewards) != 0 {
			t.Fatal("an operator's post changed something")
		}

		admin := loggedIn(t, srv)
		r := admin.get("/customers")
		for _, l := range []string{"Ustawienia", "Grupy", "Nagrody", "Lokalizacje"} {
			if !strings.Contains(text(r.Doc.Find("header nav")), l) {
				t.Fatalf("admin top bar lacks %q", l)
			}
		}
	})
}

func TestSettingsPage(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		ctx := t.Context()
		c := loggedIn(t, srv)
		r := c.get("/settings")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET /settings: %d", r.StatusCode)
		}
		body := text(r.Doc.Find("main"))
		for _, l := range []string{"Ustawienia programu", "Przelicznik punktów", "Ważność punktów (dni, 0 = bez wygasania)",
			"Dopuszczaj ujemne saldo", "Nadawca e-maili", "Nadpis nadawcy SMS", "To 100 punktów za 100 zł"} {
			if !strings.Contains(body, l) {
				t.Fatalf("settings page lacks %q", l)
			}
		}
		if v, _ := r.Doc.Find(`input[name="conversion_rate"]`).Attr("value"); v != "1" {
			t.Fatalf("fresh rate shown as %q, want 1", v)
		}
		if cur, _ := r.Doc.Find(`header a[href="/settings"]`).Attr("aria-current"); cur != "page" {
			t.Fatal("top bar does not mark Ustawienia as current")
		}

		valid := url.Values{"conversion_rate": {"1,25"}, "points_validity_days": {"365"}, "allow_negative": {"1"},
			"mail_from": {"Sklep Kowalski <sklep@example.pl>"}, "sms_from": {"SKLEP24"}}
		with := func(k, v string) url.Values {
			f := url.Values{}
			for kk, vv := range valid {
				f[kk] = vv
			}
			f.Set(k, v)
			return f
		}
		before, err := st.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ field, value, msg string }{
			{"conversion_rate", "1,23456", "najwyżej 4 miejsca po przecinku"},
			{"conversion_rate", "-1", "Podaj liczbę punktów za 1 zł"},
			{"conversion_rate", "abc", "Podaj liczbę punktów za 1 zł"},
			{"conversion_rate", "", "Podaj przelicznik"},
			{"conversion_rate", "0", "większy od zera"},
			{"conversion_rate", "5000", "najwyżej 1000"},
			{"points_validity_days", "-5", "od 0 do 3650"},
			{"points_validity_days", "x", "od 0 do 3650"},
			{"points_validity_days", "3651", "od 0 do 3650"},
			{"mail_from", "nie adres", "Podaj adres nadawcy"},
			{"sms_from", "SKLEP KOWALSKI", "najwyżej 11 liter lub cyfr"},
			{"sms_from", "Łódź", "najwyżej 11 liter lub cyfr"},
		} {
			r := c.postForm("/settings", with(tc.field, tc.value))
			wantInvalid(t, r, tc.field, tc.msg)
			if v, _ := r.Doc.Find(`input[name="` + tc.field + `"]`).Attr("value"); v != tc.value {
				t.Fatalf("%s: typed %q not kept (got %q)", tc.field, tc.value, v)
			}
			if v, _ := r.Doc.Find(`input[name="sms_from"]`).Attr("value"); tc.field != "sms_from" && v != "SKLEP24" {
				t.Fatalf("%s: other typed values not kept", tc.field)
			}
			after, _ := st.Settings(ctx)
			if *after != *before {
				t.Fatalf("%s=%q changed the settings: %+v", tc.field, tc.value, after)
			}
		}
		// htmx gets the bare form back.
		r = c.post("/settings", with("conversion_rate", "abc"))
		if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("html header").Length() != 0 || r.Doc.Find("form#settings-form").Length() != 1 {
			t.Fatalf("htmx 422: %d, want the bare form", r.StatusCode)
		}

		r = c.postForm("/settings", valid)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/settings" {
			t.Fatalf("valid save: %d %q", r.StatusCode, r.Header.Get("Location"))
		}
		got, _ := st.Settings(ctx)
		if got.ConversionRate != 12500 || got.PointsValidityDays != 365 || !got.AllowNegative ||
			got.MailFrom != "Sklep Kowalski <sklep@example.pl>" || got.SMSFrom != "SKLEP24" {
			t.Fatalf("saved settings: %+v", got)
		}
		r = c.get("/settings")
		if !strings.Contains(text(r.Doc.Find(".flash")), "Zapisano ustawienia.") {
			t.Fatal("no flash after saving")
		}
		if v, _ := r.Doc.Find(`input[name="conversion_rate"]`).Attr("value"); v != "1,25" {
			t.Fatalf("rate shown as %q", v)
		}
		if !strings.Contains(text(r.Doc.Find("main")), "To 125 punktów za 100 zł") {
			t.Fatal("no per-100 hint for 1,25")
		}
		if _, ok := r.Doc.Find(`input[name="allow_negative"]`).Attr("checked"); !ok {
			t.Fatal("allow_negative not shown checked")
		}

		// "1.5" with a dot; the unchecked box turns negative balances off; htmx gets HX-Redirect.
		r = c.post("/settings", url.Values{"conversion_rate": {"1.5"}, "points_validity_days": {"0"}})
		if r.StatusCode != http.StatusOK || r.Header.Get("HX-Redirect") != "/settings" {
			t.Fatalf("htmx save: %d HX-Redirect=%q", r.StatusCode, r.Header.Get("HX-Redirect"))
		}
		got, _ = st.Settings(ctx)
		if got.ConversionRate != 15000 || got.PointsValidityDays != 0 || got.AllowNegative || got.SMSFrom != "" {
			t.Fatalf("second save: %+v", got)
		}
	})
}

func TestGroupsPage(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		ctx := t.Context()
		c := loggedIn(t, srv)
		r := c.get("/groups")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET /groups: %d", r.StatusCode)
		}
		body := text(r.Doc.Find("main"))
		for _, l := range []string{"Grupy klientów", "Nie ma jeszcze żadnych grup klientów.", "Nazwa grupy", "Przelicznik punktów", "Rabat (%)", "Dodaj grupę"} {
			if !strings.Contains(body, l) {
				t.Fatalf("groups page lacks %q", l)
			}
		}

		if r := c.postForm("/groups", url.Values{"name": {"Standard"}, "conversion_rate": {""}, "discount_pct": {""}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add Standard: %d", r.StatusCode)
		}
		if r := c.postForm("/groups", url.Values{"name": {"Złota"}, "conversion_rate": {"1,5"}, "discount_pct": {"5"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add Złota: %d", r.StatusCode)
		}
		groups, _ := st.Groups(ctx)
		if len(groups) != 2 || groups[0].Name != "Standard" || groups[0].ConversionRate != nil || groups[1].Name != "Złota" ||
			groups[1].ConversionRate == nil || *groups[1].ConversionRate != 15000 || groups[1].DiscountPct != 5 {
			t.Fatalf("groups stored: %+v", groups)
		}
		gold := groups[1]
		if r := c.get("/groups"); !strings.Contains(text(r.Doc.Find(".flash")), "Dodano grupę Złota.") {
			t.Fatal("no flash after adding")
		}
		// One customer in the gold group.
		if r := c.postForm("/customers", url.Values{"first_name": {"Jan"}, "last_name": {"Złoty"}, "number": {"7001"}, "group_id": {strconv.FormatInt(gold.ID, 10)}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add customer: %d", r.StatusCode)
		}

		r = c.get("/groups")
		row := func(id int64) []string {
			var cells []string
			r.Doc.Find(`tr[data-id="` + strconv.FormatInt(id, 10) + `"] td`).Each(func(_ int, s *goquery.Selection) { cells = append(cells, text(s)) })
			return cells
		}
		if got := row(groups[0].ID); len(got) < 4 || got[1] != "globalny (1)" || got[2] != "0%" || got[3] != "0" {
			t.Fatalf("Standard row: %q", got)
		}
		if got := row(gold.ID); len(got) < 4 || got[1] != "1,5" || got[2] != "5%" || got[3] != "1" {
			t.Fatalf("Złota row: %q", got)
		}

		bad := []struct {
			form       url.Values
			field, msg string
		}{
			{url.Values{"name": {"Standard"}}, "name", "Grupa o tej nazwie już istnieje."},
			{url.Values{"name": {"standard"}}, "name", "Grupa o tej nazwie już istnieje."},
			{url.Values{"name": {"  "}}, "name", "Podaj nazwę grupy."},
			{url.Values{"name": {"Nowa"}, "conversion_rate": {"1,23456"}}, "conversion_rate", "najwyżej 4 miejsca"},
			{url.Values{"name": {"Nowa"}, "conversion_rate": {"-1"}}, "conversion_rate", "Podaj liczbę punktów za 1 zł"},
			{url.Values{"name": {"Nowa"}, "conversion_rate": {"abc"}}, "conversion_rate", "Podaj liczbę punktów za 1 zł"},
			{url.Values{"name": {"Nowa"}, "discount_pct": {"101"}}, "discount_pct", "od 0 do 100"},
			{url.Values{"name": {"Nowa"}, "discount_pct": {"-1"}}, "discount_pct", "od 0 do 100"},
			{url.Values{"name": {"Nowa"}, "discount_pct": {"x"}}, "discount_pct", "od 0 do 100"},
		}
		for _, tc := range bad {
			r := c.postForm("/groups", tc.form)
			wantInvalid(t, r, tc.field, tc.msg)
			if v, _ := r.Doc.Find(`input[name="name"]`).Attr("value"); v != strings.TrimSpace(tc.form.Get("name")) {
				t.Fatalf("typed name not kept: %q", v)
			}
			if got, _ := st.Groups(ctx); len(got) != 2 {
				t.Fatalf("%v added a group", tc.form)
			}
		}

		// Edit: the form is filled, then the gold group gets the global rate and 10%.
		goldURL := "/groups/" + strconv.FormatInt(gold.ID, 10)
		r = c.get(goldURL)
		if v, _ := r.Doc.Find(`#group-form input[name="conversion_rate"]`).Attr("value"); r.StatusCode != http.StatusOK || v != "1,5" {
			t.Fatalf("edit form: %d rate %q", r.StatusCode, v)
		}
		if a, _ := r.Doc.Find("#group-form").Attr("action"); a != goldURL {
			t.Fatalf("edit form posts to %q", a)
		}
		r = c.postForm(goldURL, url.Values{"name": {"Standard"}, "conversion_rate": {"2"}, "discount_pct": {"10"}})
		wantInvalid(t, r, "name", "Grupa o tej nazwie już istnieje.")
		if g, _ := st.Group(ctx, gold.ID); g.Name != "Złota" || *g.ConversionRate != 15000 {
			t.Fatalf("a refused edit changed the group: %+v", g)
		}
		r = c.postForm(goldURL, url.Values{"name": {"Złota"}, "conversion_rate": {""}, "discount_pct": {"10"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", r.StatusCode)
		}
		if g, _ := st.Group(ctx, gold.ID); g.Name != "Złota" || g.ConversionRate != nil || g.DiscountPct != 10 {
			t.Fatalf("edited group: %+v", g)
		}
		for _, p := range []string{"/groups/99999", "/groups/abc"} {
			if r := c.get(p); r.StatusCode != http.StatusNotFound {
				t.Fatalf("GET %s: %d, want 404", p, r.StatusCode)
			}
		}
		if r := c.postForm("/groups/99999", url.Values{"name": {"Nowa"}}); r.StatusCode != http.StatusNotFound {
			t.Fatalf("POST /groups/99999: %d, want 404", r.StatusCode)
		}
	})
}

func TestRewardsPage(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		ctx := t.Context()
		srv.cfg.DataDir = t.TempDir()
		photos := filepath.Join(srv.cfg.DataDir, "photos")
		photoFiles := func() []string {
			entries, _ := os.ReadDir(photos)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			return names
		}
		c := loggedIn(t, srv)
		r := c.get("/rewards")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET /rewards: %d", r.StatusCode)
		}
		body := text(r.Doc.Find("main"))
		for _, l := range []string{"Katalog nagród", "Nie ma jeszcze żadnych nagród w katalogu.", "Nazwa nagrody", "Punkty", "Liczba sztuk", "Zdjęcie", "Aktywna"} {
			if !strings.Contains(body, l) {
				t.Fatalf("rewards page lacks %q", l)
			}
		}
		if et, _ := r.Doc.Find("#reward-form").Attr("enctype"); et != "multipart/form-data" {
			t.Fatalf("reward form enctype %q", et)
		}

		valid := []string{"name", "Kubek termiczny", "type", "Gadżet", "points", "300", "stock", "", "active", "1", "description", "Stalowy, 450 ml."}
		with := func(k, v string) []string {
			f := append([]string(nil), valid...)
			for i := 0; i < len(f); i += 2 {
				if f[i] == k {
					f[i+1] = v
				}
			}
			return f
		}
		pngData := tinyPNG(t)
		big := append(append([]byte(nil), pngData...), make([]byte, 5<<20)...) // a PNG of 5 MB and a bit

		for _, tc := range []struct {
			name, field, msg string
			fields           []string
			files            []upload
		}{
			{"points zero", "points", "dodatnią liczbę całkowitą", with("points", "0"), nil},
			{"points text", "points", "dodatnią liczbę całkowitą", with("points", "dużo"), nil},
			{"stock negative", "stock", "od 0 wzwyż", with("stock", "-1"), nil},
			{"stock text", "stock", "od 0 wzwyż", with("stock", "pięć"), nil},
			{"no name", "name", "Podaj nazwę nagrody.", with("name", ""), nil},
			{"text as jpg", "photo", "JPEG, PNG lub WebP", valid, []upload{{"photo", "kubek.jpg", []byte("to nie jest zdjęcie, tylko tekst\n")}}},
			{"too big", "photo", "najwyżej 5 MB", valid, []upload{{"photo", "kubek.png", big}}},
		} {
			r := c.postMultipart("/rewards", tc.fields, tc.files...)
			wantInvalid(t, r, tc.field, tc.msg)
			if v, _ := r.Doc.Find(`input[name="name"]`).Attr("value"); tc.field != "name" && v != "Kubek termiczny" {
				t.Fatalf("%s: typed name not kept: %q", tc.name, v)
			}
			if v := r.Doc.Find(`textarea[name="description"]`).Text(); v != "Stalowy, 450 ml." {
				t.Fatalf("%s: typed description not kept: %q", tc.name, v)
			}
			if got, _ := st.Rewards(ctx, false); len(got) != 0 {
				t.Fatalf("%s: a reward was stored", tc.name)
			}
			if f := photoFiles(); len(f) != 0 {
				t.Fatalf("%s: files stored: %v", tc.name, f)
			}
		}
		// Only the reward form's multipart posts may pass 1 MB.
		ct, bigBody := multipartBody(t, []string{"_csrf", c.csrf, "name", "Nowa"}, upload{"photo", "x.png", big})
		if r := c.send(http.MethodPost, "/groups", ct, bigBody, nil); r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("2 MB multipart to /groups: %d, want 413", r.StatusCode)
		}
		if r := c.postForm("/rewards", url.Values{"name": {strings.Repeat("x", 2<<20)}}); r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("2 MB urlencoded to /rewards: %d, want 413", r.StatusCode)
		}

		// A reward with a real PNG.
		r = c.postMultipart("/rewards", valid, upload{"photo", "kubek.jpg", pngData}) // the name lies; the bytes decide
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/rewards" {
			t.Fatalf("valid add: %d %q %s", r.StatusCode, r.Header.Get("Location"), text(r.Doc.Find(".field-error")))
		}
		rewards, _ := st.Rewards(ctx, false)
		if len(rewards) != 1 {
			t.Fatalf("%d rewards stored", len(rewards))
		}
		kubek := rewards[0]
		if kubek.Name != "Kubek termiczny" || kubek.Type != "Gadżet" || kubek.Points != 300 || kubek.Stock != nil || !kubek.Active ||
			kubek.Description != "Stalowy, 450 ml." || !photoNameRe.MatchString(kubek.Photo) || !strings.HasSuffix(kubek.Photo, ".png") {
			t.Fatalf("stored reward: %+v", kubek)
		}
		onDisk, err := os.ReadFile(filepath.Join(photos, kubek.Photo))
		if err != nil || !bytes.Equal(onDisk, pngData) {
			t.Fatalf("photo file: %v", err)
		}

		r = c.get("/rewards")
		if !strings.Contains(text(r.Doc.Find(".flash")), "Dodano nagrodę Kubek termiczny.") {
			t.Fatal("no flash after adding")
		}
		row := r.Doc.Find(`tr[data-id="` + strconv.FormatInt(kubek.ID, 10) + `"]`)
		if src, _ := row.Find("img").Attr("src"); src != "/photos/"+kubek.Photo {
			t.Fatalf("thumbnail src %q", src)
		}
		if s := text(row); !strings.Contains(s, "bez limitu") || !strings.Contains(s, "aktywna") || !strings.Contains(s, "300") {
			t.Fatalf("row text %q", s)
		}

		// The photo is served to every staff member, as an image, privately cached.
		for _, who := range []*client{c, loggedInOperator(t, srv)} {
			r = who.get("/photos/" + kubek.Photo)
			if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/png" || !bytes.Equal([]byte(r.Body), pngData) {
				t.Fatalf("GET photo: %d %q", r.StatusCode, r.Header.Get("Content-Type"))
			}
			if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "private") || !strings.Contains(cc, "max-age") {
				t.Fatalf("photo Cache-Control %q", cc)
			}
		}
		if r := newClient(t, srv).get("/photos/" + kubek.Photo); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("anonymous photo: %d, want 303 to login", r.StatusCode)
		}
		os.WriteFile(filepath.Join(srv.cfg.DataDir, "secret.txt"), []byte("secret"), 0o600)
		for _, p := range []string{"/photos/../etc/passwd", "/photos/..%2F..%2Fetc%2Fpasswd", "/photos/..%2Fsecret.txt",
			"/photos/" + strings.Repeat("0", 32) + ".png", "/photos/" + strings.ToUpper(kubek.Photo), "/photos/" + strings.TrimSuffix(kubek.Photo, ".png") + ".txt"} {
			if r := c.get(p); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "secret") || strings.Contains(r.Body, "root:") {
				t.Fatalf("GET %s: %d, want 404", p, r.StatusCode)
			}
		}

		// Edit: stock 0, inactive (no "active" field), a new photo replaces the old file.
		editURL := "/rewards/" + strconv.FormatInt(kubek.ID, 10)
		r = c.get(editURL)
		if v, _ := r.Doc.Find(`#reward-form input[name="points"]`).Attr("value"); r.StatusCode != http.StatusOK || v != "300" {
			t.Fatalf("edit form: %d points %q", r.StatusCode, v)
		}
		r = c.postMultipart(editURL, []string{"name", "Kubek termiczny", "type", "Gadżet", "points", "0"})
		wantInvalid(t, r, "points", "dodatnią liczbę całkowitą")
		if got, _ := st.Reward(ctx, kubek.ID); got.Points != 300 {
			t.Fatal("a refused edit changed the reward")
		}
		r = c.postMultipart(editURL, []string{"name", "Kubek termiczny", "type", "Gadżet", "points", "350", "stock", "0"}, upload{"photo", "nowy.png", pngData})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.StatusCode, text(r.Doc.Find(".field-error")))
		}
		got, _ := st.Reward(ctx, kubek.ID)
		if got.Points != 350 || got.Stock == nil || *got.Stock != 0 || got.Active || got.Photo == kubek.Photo || got.Photo == "" {
			t.Fatalf("edited reward: %+v", got)
		}
		if f := photoFiles(); len(f) != 1 || f[0] != got.Photo {
			t.Fatalf("photo files after replacing: %v", f)
		}
		// Edit without a file keeps the photo; remove_photo drops it and its file.
		if r := c.postMultipart(editURL, []string{"name", "Kubek", "points", "350", "active", "1"}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit without photo: %d", r.StatusCode)
		}
		if g, _ := st.Reward(ctx, kubek.ID); g.Photo != got.Photo || g.Name != "Kubek" || !g.Active || g.Stock != nil {
			t.Fatalf("edit without photo: %+v", g)
		}
		if r := c.postMultipart(editURL, []string{"name", "Kubek", "points", "350", "remove_photo", "1"}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove photo: %d", r.StatusCode)
		}
		if g, _ := st.Reward(ctx, kubek.ID); g.Photo != "" || len(photoFiles()) != 0 {
			t.Fatalf("remove photo: %+v files %v", g, photoFiles())
		}
		if r := c.get("/rewards/99999"); r.StatusCode != http.StatusNotFound {
			t.Fatalf("GET /rewards/99999: %d", r.StatusCode)
		}
	})
}

func TestLocationsPage(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		ctx := t.Context()
		c := loggedIn(t, srv)
		r := c.get("/locations")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET /locations: %d", r.StatusCode)
		}
		body := text(r.Doc.Find("main"))
		for _, l := range []string{"Lokalizacje", "Nie ma jeszcze żadnych lokalizacji.", "Nazwa", "Miejscowość", "Dodaj lokalizację"} {
			if !strings.Contains(body, l) {
				t.Fatalf("locations page lacks %q", l)
			}
		}
		r = c.postForm("/locations", url.Values{"name": {" "}, "city": {"Kraków"}})
		wantInvalid(t, r, "name", "Podaj nazwę lokalizacji.")
		if v, _ := r.Doc.Find(`input[name="city"]`).Attr("value"); v != "Kraków" {
			t.Fatalf("typed city not kept: %q", v)
		}
		r = c.postForm("/locations", url.Values{"name": {"Sklep"}, "city": {strings.Repeat("x", 101)}})
		wantInvalid(t, r, "city", "najwyżej 100 znaków")
		if got, _ := st.Locations(ctx); len(got) != 0 {
			t.Fatal("a refused form added a location")
		}
		r = c.postForm("/locations", url.Values{"name": {"Sklep Kraków Galeria"}, "city": {"Kraków"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/locations" {
			t.Fatalf("add: %d %q", r.StatusCode, r.Header.Get("Location"))
		}
		locs, _ := st.Locations(ctx)
		if len(locs) != 1 || locs[0].Name != "Sklep Kraków Galeria" || locs[0].City != "Kraków" || !locs[0].Active {
			t.Fatalf("stored: %+v", locs)
		}
		r = c.get("/locations")
		if !strings.Contains(text(r.Doc.Find(".flash")), "Dodano lokalizację") ||
			!strings.Contains(text(r.Doc.Find(`tr[data-id="`+strconv.FormatInt(locs[0].ID, 10)+`"] td`).First()), "Sklep Kraków Galeria") {
			t.Fatalf("new location not listed: %s", text(r.Doc.Find("main")))
		}
	})
}
