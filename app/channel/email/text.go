package email

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlToText derives a readable plain-text alternative from an HTML body:
// tags are dropped, block elements become line breaks, list items get a
// "- " bullet, links keep their target ("label (https://...)"), the content
// of <head>, <script> and <style> is skipped and entities are decoded.
func htmlToText(src string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(src))
	skip := 0          // depth inside head/script/style
	var hrefs []string // open <a> targets, "" when not worth printing
	var linkText []int // b.Len() when each <a> opened
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			// io.EOF: a strings.Reader has no other read errors.
			return tidyText(b.String())
		case html.TextToken:
			if skip == 0 {
				b.WriteString(collapseSpace(string(z.Text())))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			end := tt == html.EndTagToken
			switch a {
			case atom.Head, atom.Script, atom.Style, atom.Title:
				if tt == html.StartTagToken {
					skip++
				} else if end && skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 {
				continue
			}
			switch a {
			case atom.Br:
				b.WriteString("\n")
			case atom.Hr:
				b.WriteString("\n----------\n")
			case atom.Li:
				if !end {
					b.WriteString("\n- ")
				}
			case atom.P, atom.Div, atom.Tr, atom.Table, atom.Ul, atom.Ol,
				atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
				atom.Section, atom.Article, atom.Header, atom.Footer,
				atom.Blockquote, atom.Pre, atom.Center:
				b.WriteString("\n")
				if end && (a == atom.P || a == atom.Table || isHeading(a)) {
					b.WriteString("\n")
				}
			case atom.Td, atom.Th:
				if end {
					b.WriteString(" ")
				}
			case atom.A:
				if !end && tt == html.StartTagToken {
					href := ""
					for hasAttr {
						var k, v []byte
						k, v, hasAttr = z.TagAttr()
						if string(k) == "href" {
							href = strings.TrimSpace(string(v))
						}
					}
					if !(strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://") ||
						strings.HasPrefix(href, "mailto:")) {
						href = ""
					}
					hrefs = append(hrefs, href)
					linkText = append(linkText, b.Len())
				} else if end && len(hrefs) > 0 {
					href := hrefs[len(hrefs)-1]
					start := linkText[len(linkText)-1]
					hrefs, linkText = hrefs[:len(hrefs)-1], linkText[:len(linkText)-1]
					label := strings.TrimSpace(b.String()[start:])
					target := strings.TrimPrefix(href, "mailto:")
					if href != "" && label != target && label != href {
						b.WriteString(" (" + href + ")")
					}
				}
			}
		}
	}
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// collapseSpace turns every run of white space into a single space.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\u00a0':
			if !space {
				b.WriteByte(' ')
			}
			space = true
		default:
			b.WriteRune(r)
			space = false
		}
	}
	return b.String()
}

// tidyText trims every line and keeps at most one empty line in a row.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := true // drop leading blank lines
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, l)
		blank = false
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
