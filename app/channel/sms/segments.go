package sms

import "unicode/utf8"

// gsmBasic is the GSM 03.38 default alphabet (3GPP TS 23.038), without the
// escape code 0x1B.
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension holds the characters sent as escape + code: two septets each.
const gsmExtension = "\f^{}\\[~]|€"

var gsmWidth = func() map[rune]int {
	m := make(map[rune]int, 140)
	for _, r := range gsmBasic {
		m[r] = 1
	}
	for _, r := range gsmExtension {
		m[r] = 2
	}
	return m
}()

// Segments returns the encoding a phone network will use for body ("GSM-7"
// or "UCS-2"), its length in that encoding (GSM-7 septets, where the
// extension characters such as € [ ] { } count 2; UCS-2 code units, where
// an emoji counts 2) and the number of SMS parts it costs: one part holds
// 160 GSM-7 / 70 UCS-2 characters, a multi-part message 153 / 67 per part
// (the rest is the concatenation header). An escape pair or a surrogate pair
// is never split across parts. An empty body has 0 parts.
//
// Any character outside the GSM-7 alphabet (the Polish ą ć ę ł ń ó ś ź ż,
// for instance) switches the whole message to UCS-2.
func Segments(body string) (encoding string, chars, parts int) {
	gsm := true
	for _, r := range body {
		if gsmWidth[r] == 0 {
			gsm = false
			break
		}
	}
	single, multi := 160, 153
	width := func(r rune) int { return gsmWidth[r] }
	encoding = "GSM-7"
	if !gsm {
		single, multi = 70, 67
		width = func(r rune) int {
			if r > 0xFFFF && r <= utf8.MaxRune {
				return 2 // UTF-16 surrogate pair
			}
			return 1
		}
		encoding = "UCS-2"
	}
	for _, r := range body {
		chars += width(r)
	}
	switch {
	case chars == 0:
		return encoding, 0, 0
	case chars <= single:
		return encoding, chars, 1
	}
	parts, used := 1, 0
	for _, r := range body {
		w := width(r)
		if used+w > multi {
			parts++
			used = 0
		}
		used += w
	}
	return encoding, chars, parts
}
