// Package logbuf batches log output: lines are collected in memory and written to the real output
// at most every interval (or sooner when a batch is large, a record is a warning or worse, or the
// writer is closed), so a busy server does not make one write system call per request line. Under
// load a write per line costs throughput and, on a single core, adds tens of milliseconds to tail
// latency (BENCHMARKS.md, (c)).
package logbuf

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// maxBatch is the size at which a batch is written without waiting for the tick.
const maxBatch = 64 << 10

// maxPending bounds the memory lines may take while the output is slow: past it, Write waits for
// the output (back-pressure) rather than dropping lines or growing without bound.
const maxPending = 8 << 20

// Writer is an io.Writer that batches writes to an output. It is safe for concurrent use. Each
// Write is kept whole (a line is never split between batches) and batches are written in order.
// The output is written outside the lock that Write takes, so a slow output (a full pipe, a disk
// in write-back) does not stall the writers unless maxPending is reached. Errors writing to the
// output are not reported (as with writing to a closed stderr); the batch is dropped. Build it
// with New.
type Writer struct {
	out   io.Writer
	every time.Duration

	wmu sync.Mutex // held while writing to out: one batch at a time, in order

	mu     sync.Mutex // guards what follows
	buf    []byte
	spare  []byte      // the last written batch's memory, reused
	timer  *time.Timer // the pending tick; nil when none
	kicked bool        // a write of a full batch has been started
	closed bool
}

// New returns a Writer that writes to out at most every interval. An interval of 0 or less writes
// every Write through at once.
func New(out io.Writer, every time.Duration) *Writer {
	return &Writer{out: out, every: every}
}

// Write implements io.Writer. It keeps p for the next batch (or, when the writer is closed or
// unbatched, writes it through at once).
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.closed || w.every <= 0 {
		w.mu.Unlock()
		w.wmu.Lock()
		defer w.wmu.Unlock()
		_, err := w.out.Write(p)
		return len(p), err
	}
	w.buf = append(w.buf, p...)
	n := len(w.buf)
	switch {
	case n >= maxPending:
		w.mu.Unlock()
		_ = w.Flush() // back-pressure: the caller waits for the output
		return len(p), nil
	case n >= maxBatch && !w.kicked:
		w.kicked = true
		go func() { _ = w.Flush() }()
	case w.timer == nil:
		w.timer = time.AfterFunc(w.every, func() { _ = w.Flush() })
	}
	w.mu.Unlock()
	return len(p), nil
}

// Flush writes what is batched now, and returns when it is written.
func (w *Writer) Flush() error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	w.mu.Lock()
	b := w.take()
	w.mu.Unlock()
	if len(b) == 0 {
		return nil
	}
	_, err := w.out.Write(b)
	w.mu.Lock()
	if cap(b) <= 4*maxBatch { // a burst's large buffer is not kept
		w.spare = b[:0]
	}
	w.mu.Unlock()
	return err
}

// take returns the batch and starts a new one; w.mu is held.
func (w *Writer) take() []byte {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	w.kicked = false
	b := w.buf
	w.buf, w.spare = w.spare, nil
	return b
}

// Close writes the batch; later writes go through at once. It does not close the output.
func (w *Writer) Close() error {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	return w.Flush()
}

// FlushAt wraps h, which writes to w, so that a record at level or above is written out at once
// (with every line batched before it), not at the next tick.
func FlushAt(h slog.Handler, w *Writer, level slog.Level) slog.Handler {
	return flushing{Handler: h, w: w, level: level}
}

type flushing struct {
	slog.Handler
	w     *Writer
	level slog.Level
}

// Handle implements slog.Handler.
func (f flushing) Handle(ctx context.Context, r slog.Record) error {
	err := f.Handler.Handle(ctx, r)
	if r.Level >= f.level {
		_ = f.w.Flush()
	}
	return err
}

// WithAttrs implements slog.Handler.
func (f flushing) WithAttrs(as []slog.Attr) slog.Handler {
	return flushing{Handler: f.Handler.WithAttrs(as), w: f.w, level: f.level}
}

// WithGroup implements slog.Handler.
func (f flushing) WithGroup(name string) slog.Handler {
	return flushing{Handler: f.Handler.WithGroup(name), w: f.w, level: f.level}
}
