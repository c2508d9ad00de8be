package logbuf_test

import (
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/logbuf"
	"github.com/forgegraph/forgegraph/internal/testkit"
)

// writes counts the writes that reach the real output.
type writes struct {
	testkit.SyncBuffer
	mu sync.Mutex
	n  int
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.n++
	w.mu.Unlock()
	return w.SyncBuffer.Write(p)
}

func (w *writes) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

var whole = regexp.MustCompile(`^line [0-9]+-[0-9]+ x{40}$`)

func TestBatchesAndKeepsEveryLine(t *testing.T) {
	out := &writes{}
	w := logbuf.New(out, 30*time.Millisecond)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				fmt.Fprintf(w, "line %d-%d %s\n", g, i, strings.Repeat("x", 40))
			}
		}()
	}
	wg.Wait()
	if got := out.count(); got > 8*500/10 {
		t.Fatalf("%d writes for 4,000 lines: not batched", got)
	}
	deadline := time.Now().Add(2 * time.Second)
	for strings.Count(out.String(), "\n") < 4000 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 4000 {
		t.Fatalf("%d lines written after the interval, want 4000", len(lines))
	}
	seen := map[string]bool{}
	for _, l := range lines {
		if !whole.MatchString(l) {
			t.Fatalf("a line was split or mixed: %q", l)
		}
		seen[l] = true
	}
	if len(seen) != 4000 {
		t.Fatalf("%d distinct lines, want 4000", len(seen))
	}
}

func TestWarningsAndCloseWriteAtOnce(t *testing.T) {
	out := &writes{}
	w := logbuf.New(out, time.Hour)
	log := slog.New(logbuf.FlushAt(slog.NewTextHandler(w, nil), w, slog.LevelWarn))
	log.Info("first")
	if strings.Contains(out.String(), "first") {
		t.Fatal("an info line was written before its batch was due")
	}
	log.Warn("second")
	if s := out.String(); !strings.Contains(s, "first") || !strings.Contains(s, "second") {
		t.Fatalf("a warning did not write the batch out: %q", s)
	}
	log.With("k", "v").WithGroup("g").Info("third")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "third") {
		t.Fatal("Close did not write the batch")
	}
	log.Info("fourth")
	if !strings.Contains(out.String(), "fourth") {
		t.Fatal("a line after Close was not written through")
	}
}

func TestUnbatched(t *testing.T) {
	out := &writes{}
	w := logbuf.New(out, 0)
	fmt.Fprintln(w, "now")
	if out.String() != "now\n" {
		t.Fatalf("interval 0 did not write through: %q", out.String())
	}
}

// blocked is an output that does not return until released, as a full pipe would.
type blocked struct {
	writes
	release chan struct{}
}

func (b *blocked) Write(p []byte) (int, error) {
	<-b.release
	return b.writes.Write(p)
}

func TestSlowOutputDoesNotStallWriters(t *testing.T) {
	out := &blocked{release: make(chan struct{})}
	w := logbuf.New(out, time.Millisecond)
	line := strings.Repeat("y", 99) + "\n"
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 20000; i++ { // 2 MB: several full batches, under the back-pressure bound
			_, _ = w.Write([]byte(line))
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("writers waited for an output that does not answer")
	}
	close(out.release)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "\n"); got != 20000 {
		t.Fatalf("%d lines reached the output, want 20000", got)
	}
}
