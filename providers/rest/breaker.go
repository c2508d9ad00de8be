package rest

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// CircuitState is the state of one source's circuit to one upstream host.
type CircuitState int

// The circuit states, in the values /metrics reports (forgegraph_source_circuit_state).
const (
	// CircuitClosed sends every request.
	CircuitClosed CircuitState = 0
	// CircuitHalfOpen lets one probe through after the cool-down; the others fail fast.
	CircuitHalfOpen CircuitState = 1
	// CircuitOpen sends nothing until the cool-down ends.
	CircuitOpen CircuitState = 2
)

// String is the state's name for log lines.
func (s CircuitState) String() string {
	switch s {
	case CircuitHalfOpen:
		return "half-open"
	case CircuitOpen:
		return "open"
	}
	return "closed"
}

// Breaker defaults.
const (
	DefaultBreakerThreshold = 5
	DefaultCoolDown         = 30 * time.Second
	DefaultMaxCoolDown      = 5 * time.Minute
)

// Breakers are the circuit breakers of every source and upstream host, shared by the clients
// through Options.Breakers. After Threshold consecutive failures of a host (5xx answers, timeouts,
// connection errors) its circuit opens for CoolDown: requests fail at once with KindUnavailable and
// ResetAt set to when it half-opens. Then one probe is let through: success closes the circuit,
// failure opens it again for twice the previous cool-down, up to MaxCoolDown. Any other answer
// (401, 403, 404, 429, ...) shows the host is up: one user's bad token never opens the circuit for
// the others. A request its caller canceled counts for nothing. Zero fields take the defaults; a nil
// *Breakers never opens. Build it with a composite literal; it is safe for concurrent use.
type Breakers struct {
	// Threshold is how many consecutive failures open the circuit; zero: DefaultBreakerThreshold.
	Threshold int
	// CoolDown is how long the circuit first stays open; zero: DefaultCoolDown.
	CoolDown time.Duration
	// MaxCoolDown bounds the doubled cool-downs; zero: DefaultMaxCoolDown.
	MaxCoolDown time.Duration
	// Now is the clock; nil: time.Now. Tests inject a fake one.
	Now func() time.Time
	// OnChange, when set, is called (outside the breaker's lock) after every state change with the
	// source and its new state; it feeds metrics.
	OnChange func(source string, state CircuitState)
	// Logger receives one line per state change; nil: slog.Default().
	Logger *slog.Logger

	mu       sync.Mutex
	circuits map[string]*circuit
}

type circuit struct {
	state     CircuitState
	failures  int
	coolDown  time.Duration // the last cool-down; zero before the first opening
	openUntil time.Time
	probing   bool
}

// outcome is what one request said about its host.
type outcome int

const (
	neutral outcome = iota // says nothing: canceled by the caller, or refused before sending
	answered
	failed
)

func (b *Breakers) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

func (b *Breakers) threshold() int {
	if b.Threshold > 0 {
		return b.Threshold
	}
	return DefaultBreakerThreshold
}

func (b *Breakers) coolDowns() (first, most time.Duration) {
	first, most = b.CoolDown, b.MaxCoolDown
	if first <= 0 {
		first = DefaultCoolDown
	}
	if most <= 0 {
		most = DefaultMaxCoolDown
	}
	return first, max(first, most)
}

// State returns the circuit state of source's requests to host.
func (b *Breakers) State(source, host string) CircuitState {
	if b == nil {
		return CircuitClosed
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if c := b.circuits[source+"|"+host]; c != nil {
		return c.state
	}
	return CircuitClosed
}

// change is a state change to report once the lock is released.
type change struct {
	from, to CircuitState
	resetAt  time.Time
	failures int
}

// allow reports whether a request of source to host may be sent; when not, the error to answer.
func (b *Breakers) allow(source, host string) *providers.Error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	c := b.circuit(source, host)
	var ch *change
	var e *providers.Error
	now := b.now()
	switch c.state {
	case CircuitOpen:
		if now.Before(c.openUntil) {
			e = providers.Errorf(providers.KindUnavailable, source,
				"the forge failed repeatedly; not asking it again until %s", c.openUntil.UTC().Format(time.RFC3339))
			e.ResetAt = c.openUntil
			break
		}
		ch = &change{from: CircuitOpen, to: CircuitHalfOpen}
		c.state, c.probing = CircuitHalfOpen, true
	case CircuitHalfOpen:
		if c.probing {
			e = providers.Errorf(providers.KindUnavailable, source, "the forge failed repeatedly; a probe request is checking whether it is back")
			e.ResetAt = now
			break
		}
		c.probing = true
	}
	b.mu.Unlock()
	b.report(source, host, ch)
	return e
}

// record notes what a request of source to host said about the host.
func (b *Breakers) record(source, host string, o outcome) {
	if b == nil {
		return
	}
	b.mu.Lock()
	c := b.circuit(source, host)
	var ch *change
	switch o {
	case neutral:
		if c.state == CircuitHalfOpen {
			c.probing = false // let another request probe
		}
	case answered:
		if c.state != CircuitClosed {
			ch = &change{from: c.state, to: CircuitClosed}
		}
		c.state, c.failures, c.coolDown, c.probing = CircuitClosed, 0, 0, false
	case failed:
		c.failures++
		if c.state == CircuitHalfOpen || (c.state == CircuitClosed && c.failures >= b.threshold()) {
			first, most := b.coolDowns()
			c.coolDown = min(max(2*c.coolDown, first), most)
			c.openUntil = b.now().Add(c.coolDown)
			ch = &change{from: c.state, to: CircuitOpen, resetAt: c.openUntil, failures: c.failures}
			c.state, c.probing = CircuitOpen, false
		}
	}
	b.mu.Unlock()
	b.report(source, host, ch)
}

func (b *Breakers) circuit(source, host string) *circuit {
	if b.circuits == nil {
		b.circuits = map[string]*circuit{}
	}
	k := source + "|" + host
	c := b.circuits[k]
	if c == nil {
		c = &circuit{}
		b.circuits[k] = c
	}
	return c
}

func (b *Breakers) report(source, host string, ch *change) {
	if ch == nil {
		return
	}
	l := b.Logger
	if l == nil {
		l = slog.Default()
	}
	attrs := []slog.Attr{slog.String("source", source), slog.String("host", host),
		slog.String("from", ch.from.String()), slog.String("to", ch.to.String())}
	if ch.to == CircuitOpen {
		attrs = append(attrs, slog.Int("consecutive_failures", ch.failures), slog.Time("reset_at", ch.resetAt.UTC()))
	}
	l.LogAttrs(context.Background(), slog.LevelWarn, "upstream circuit state changed", attrs...)
	if b.OnChange != nil {
		b.OnChange(source, ch.to)
	}
}

// outcomeOf classifies a finished request for the breaker: a 5xx, timeout or connection failure is
// a failure unless the caller's own context ended; any other answer shows the host is up.
func outcomeOf(ctx context.Context, err error) outcome {
	switch {
	case ctx.Err() != nil:
		return neutral
	case err == nil:
		return answered
	}
	switch providers.KindOf(err) {
	case providers.KindUnavailable, providers.KindTimeout:
		return failed
	case providers.KindBadInput, providers.KindInternal:
		return neutral
	}
	return answered
}
