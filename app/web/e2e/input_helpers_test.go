package e2e

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// insertText focuses a field and inserts text at the caret as one input (DevTools
// Input.insertText, what an IME or a paste does): the page sees beforeinput and input events.
// Use it for Polish text: chromedp's SendKeys (typeInto) cannot type ą, Ą, ć or Ć, because its
// kb table maps U+0104–U+0107 to CapsLock, Control, Fn and FnLock and silently drops them.
func (p *page) insertText(css, text string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(css)), chromedp.Focus(chromedp.CSS(css))); err != nil {
		p.t.Fatalf("focus %s: %v\npage: %s", css, err, debugState(p.ctx))
	}
	if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text}); err != nil {
		p.t.Fatalf("insert text into %s: %v", css, err)
	}
}

// waitWithin is waitFor with a timeout of its own (waitFor's is waitTimeout).
func waitWithin[T any](p *page, timeout time.Duration, what, expr string, ok func(T) bool) T {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	var (
		last    T
		have    bool
		lastErr error
	)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, evalTimeout)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
		cancel()
		if err == nil {
			if ok(v) {
				return v
			}
			last, have, lastErr = v, true, nil
		} else {
			lastErr = err
		}
		if time.Now().After(deadline) || p.ctx.Err() != nil {
			lastText := "none"
			if have {
				lastText = fmt.Sprintf("%+v", last)
			}
			p.t.Fatalf("timed out after %s waiting for %s\nlast value: %s (last error: %v)\npage: %s",
				timeout, what, lastText, lastErr, debugState(p.ctx))
		}
		select {
		case <-time.After(pollInterval):
		case <-p.ctx.Done():
		}
	}
}

// clickSettled clicks an element once htmx has finished with it. htmx processes swapped-in
// content (hx-* handlers) only when it settles, 20 ms after the swap, and marks it with the
// class htmx-added until then: a click in that window reaches an unprocessed element (a form
// then submits natively, an hx-delete button does nothing).
func (p *page) clickSettled(css string) {
	p.t.Helper()
	p.waitTrue(css+" settled by htmx", `(() => { const e = document.querySelector(`+jsString(css)+`);
		return !!e && !e.closest(".htmx-added, .htmx-settling, .htmx-swapping") && !e.querySelector(".htmx-added"); })()`)
	p.click(css)
}
