package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const (
	adminLogin    = "admin"
	adminPassword = "e2e-Secret-123"

	healthTimeout = 60 * time.Second // the server must answer /healthz within this
	stopGrace     = 10 * time.Second // SIGTERM, then SIGKILL after this
)

// Set up once by TestMain and shared by every test.
var (
	skipReason string          // non-empty: the tests skip with this reason
	baseURL    string          // http://127.0.0.1:PORT of the server under test
	serverLog  string          // the file the server writes its log to
	browserCtx context.Context // the one Chromium; each test opens its own tab in a fresh profile
	shotDir    string          // where screenshots go
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("E2E") != "1" {
		skipReason = "browser tests are off: set E2E=1 to run them (they build ./app, start it and drive headless Chromium)"
		fmt.Println("e2e:", skipReason)
		return m.Run()
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "e2e: FAIL: "+format+"\n", args...)
		return 1
	}

	chromium, err := findChromium()
	if err != nil {
		return fail("E2E=1 but %v", err)
	}
	root, err := moduleRoot()
	if err != nil {
		return fail("%v", err)
	}
	tmp, err := os.MkdirTemp("", "backoffice-e2e-")
	if err != nil {
		return fail("temp dir: %v", err)
	}
	keepTmp := false
	defer func() {
		if !keepTmp {
			os.RemoveAll(tmp)
		}
	}()

	wd, err := os.Getwd()
	if err != nil {
		return fail("getwd: %v", err)
	}
	shotDir = filepath.Join(wd, "screenshots")
	if err := os.MkdirAll(shotDir, 0o755); err != nil {
		return fail("screenshots dir: %v", err)
	}

	start := time.Now()
	bin := filepath.Join(tmp, "app")
	if out, err := buildApp(root, bin); err != nil {
		return fail("go build ./app: %v\n%s", err, out)
	}
	fmt.Printf("e2e: built ./app in %s\n", time.Since(start).Round(time.Millisecond))

	srv, err := startServer(bin, filepath.Join(tmp, "data"), filepath.Join(tmp, "server.log"))
	if err != nil {
		keepTmp = true
		fmt.Fprint(os.Stderr, logTail(filepath.Join(tmp, "server.log"), 60))
		return fail("start server: %v (log kept in %s)", err, tmp)
	}
	serverLog = srv.logPath
	baseURL = srv.url
	fmt.Printf("e2e: server %s up in %s (log %s)\n", baseURL, time.Since(start).Round(time.Millisecond), serverLog)

	cancelBrowser, err := startBrowser(chromium, tmp)
	if err != nil {
		srv.stop()
		return fail("start chromium %s: %v", chromium, err)
	}

	code := m.Run()

	cancelBrowser()
	if err := srv.stop(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: server stop: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	if code != 0 {
		keepTmp = true
		fmt.Fprintf(os.Stderr, "e2e: tests failed; server log kept at %s; its tail:\n%s", serverLog, logTail(serverLog, 80))
	}
	return code
}

// findChromium is /usr/bin/chromium or the first chromium on PATH.
func findChromium() (string, error) {
	if p := "/usr/bin/chromium"; isExecutable(p) {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium is not installed (no /usr/bin/chromium, none on PATH): apt-get install -y chromium")
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// moduleRoot walks up from the working directory to the directory holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

func buildApp(root, bin string) ([]byte, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	cmd := exec.Command(goTool, "build", "-o", bin, "./app")
	cmd.Dir = root
	return cmd.CombinedOutput()
}

// server is the app under test, running as a child process.
type server struct {
	cmd     *exec.Cmd
	url     string
	logPath string
	logFile *os.File
	done    chan struct{} // closed when the process has exited
	waitErr error
}

// startServer runs the app on a free port with a fresh DATA_DIR and waits for /healthz.
func startServer(bin, dataDir, logPath string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Dir = filepath.Dir(dataDir)
	cmd.Env = append(cleanEnv(os.Environ()),
		"PORT="+strconv.Itoa(port),
		"DATA_DIR="+dataDir,
		"ADMIN_PASSWORD="+adminPassword,
		"DEMO_DATA=0",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	s := &server{cmd: cmd, url: "http://127.0.0.1:" + strconv.Itoa(port), logPath: logPath, logFile: logFile, done: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(healthTimeout)
	last := "no answer yet"
	for {
		select {
		case <-s.done:
			logFile.Close()
			return nil, fmt.Errorf("the server exited before it was healthy: %v", s.waitErr)
		default:
		}
		resp, err := client.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("GET /healthz not 200 after %s (last: %s)", healthTimeout, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends SIGTERM, and SIGKILL if the server is still there after stopGrace.
func (s *server) stop() error {
	defer s.logFile.Close()
	select {
	case <-s.done:
		return fmt.Errorf("the server had already exited: %v", s.waitErr)
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return nil
	case <-time.After(stopGrace):
		_ = s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("the server ignored SIGTERM for %s and was killed", stopGrace)
	}
}

// cleanEnv drops every variable that would point the app away from its embedded default.
func cleanEnv(env []string) []string {
	drop := map[string]bool{
		"PORT": true, "DATA_DIR": true, "DATABASE_URL": true, "REDIS_URL": true, "SMTP_URL": true,
		"MAIL_FROM": true, "ADMIN_PASSWORD": true, "DEMO_DATA": true, "SMS_PROVIDER": true,
		"TZ_DISPLAY": true, "BASE_URL": true, "COOKIE_SECURE": true, "PROXY_HEADER": true,
	}
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if drop[k] || strings.HasPrefix(k, "SMSAPI_") || strings.HasPrefix(k, "TWILIO_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// logTail is the last n lines of a file, for failure messages.
func logTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)\n", err)
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    | " + string(bytes.Join(lines, []byte("\n    | "))) + "\n"
}

// startBrowser starts the one headless Chromium the tests share.
func startBrowser(chromium, tmp string) (context.CancelFunc, error) {
	profile := filepath.Join(tmp, "chromium-profile")
	chromeLog, err := os.Create(filepath.Join(tmp, "chromium.log"))
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1366, 900),
		chromedp.Flag("lang", "pl-PL"), // Polish staff (Accept-Language); headless still draws date inputs as mm/dd/yyyy
		chromedp.CombinedOutput(chromeLog),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	// The first Do starts the browser; it lives as long as ctx (no timeout on it).
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(60 * time.Second):
		err = errors.New("chromium did not start within 60 s")
	}
	if err != nil {
		cancelCtx()
		cancelAlloc()
		chromeLog.Close()
		return nil, fmt.Errorf("%w (chromium log: %s)", err, chromeLog.Name())
	}
	browserCtx = ctx
	return func() {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = chromedp.Cancel(cctx)
		cancelCtx()
		cancelAlloc()
		chromeLog.Close()
	}, nil
}
