package messaging

import (
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// ugc is bluemonday's policy for user-written HTML: formatting, links and images stay; scripts,
// event handlers, styles, forms and frames go. A built policy is safe for concurrent use.
var ugc = bluemonday.UGCPolicy()

// looksLikeHTML tells a body typed as HTML from plain text.
var looksLikeHTML = regexp.MustCompile(`(?i)<\s*/?\s*[a-z][a-z0-9]*(\s[^>]*)?/?>|&[a-z]+;|&#[0-9]+;`)

var paragraphBreak = regexp.MustCompile(`\n\s*\n`)

// SafeHTML is the HTML a message body becomes wherever it is shown or sent: staff's HTML
// sanitised with the UGC policy, or plain text turned into paragraphs (a blank line between
// paragraphs, a line break within one). The preview, the e-mail and the customer's page all
// use it, so what staff see is what the customer gets.
func SafeHTML(body string) string {
	if !looksLikeHTML.MatchString(body) {
		body = textToHTML(body)
	}
	return ugc.Sanitize(body)
}

func textToHTML(text string) string {
	text = strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n")
	var b strings.Builder
	for _, para := range paragraphBreak.Split(text, -1) {
		if strings.TrimSpace(para) == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(strings.TrimSpace(para)), "\n", "<br>"))
		b.WriteString("</p>\n")
	}
	return b.String()
}
