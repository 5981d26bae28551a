// shot logs in and screenshots pages: go run ./.shot BASE OUTDIR path...
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

func main() {
	base, out := os.Args[1], os.Args[2]
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.WindowSize(1366, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.SendKeys(chromedp.CSS(`input[name=login]`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "admin-Secret-1"), chromedp.Submit(chromedp.CSS(`input[name=password]`)), chromedp.Sleep(time.Second)); err != nil {
		panic(err)
	}
	for _, p := range os.Args[3:] {
		name := strings.NewReplacer("/", "_", "?", "_", "=", "_", "&", "_").Replace(strings.Trim(p, "/"))
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p), chromedp.Sleep(700*time.Millisecond)); err != nil {
			panic(err)
		}
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			panic(err)
		}
		f := out + "/" + name + ".png"
		os.WriteFile(f, buf, 0o644)
		fmt.Println(f)
	}
}
