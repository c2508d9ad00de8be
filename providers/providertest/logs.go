package providertest

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// Logs keeps what a logger wrote, each record as one line of "message key=value ..." with values
// unquoted, so tests can look for a forge's words in it. The zero value is ready; it is safe for
// concurrent use.
type Logs struct {
	mu    sync.Mutex
	lines []string
}

// Logger returns a logger writing into l (for rest.Options.Logger).
func (l *Logs) Logger() *slog.Logger { return slog.New(logsHandler{l: l}) }

// String returns every line logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

type logsHandler struct {
	l     *Logs
	attrs []slog.Attr
}

func (h logsHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h logsHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return logsHandler{l: h.l, attrs: append(append([]slog.Attr(nil), h.attrs...), as...)}
}

func (h logsHandler) WithGroup(string) slog.Handler { return h }

func (h logsHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	add := func(a slog.Attr) bool { fmt.Fprintf(&b, " %s=%s", a.Key, a.Value.String()); return true }
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	h.l.mu.Lock()
	h.l.lines = append(h.l.lines, b.String())
	h.l.mu.Unlock()
	return nil
}

// ForgeTextLogged fails t when err's message quotes text (a forge's own words, which must never
// reach a client) or when logs do not hold it (the operator still sees them).
func ForgeTextLogged(t testing.TB, err error, text string, logs *Logs) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one whose forge text %q is logged", text)
	}
	if strings.Contains(err.Error(), text) {
		t.Fatalf("error %q quotes the forge's words %q", err, text)
	}
	if !strings.Contains(logs.String(), text) {
		t.Fatalf("the logs lack the forge's words %q:\n%s", text, logs)
	}
}
