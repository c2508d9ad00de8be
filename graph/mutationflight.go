package graph

// This file makes two identical mutations sent at once (same operation, input, clientMutationId and
// credential) reach the forge once: in one process the second waits for the first's answer; across
// replicas the first takes a lock in the shared replay cache (Redis) and the others wait for its
// answer to appear there.

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// InProgressWait is how long a mutation waits for an identical one in progress (Flight.Wait's
// default) before answering CONFLICT.
const InProgressWait = 30 * time.Second

// flightLockTTL bounds how long a replica holds the lock of a mutation it runs (it releases it at
// once when done); a replica that died holding it blocks identical mutations for at most this long.
const flightLockTTL = 2 * time.Minute

// Flight configures how identical concurrent mutations wait for one another. The zero value waits
// InProgressWait.
type Flight struct {
	// Wait bounds how long a mutation waits for an identical one in progress; 0 means InProgressWait.
	Wait time.Duration
	// OnWait, when set, is called each time a mutation starts waiting for an identical one (in this
	// process or on another replica); for tests and instrumentation.
	OnWait func()
}

// flight is one mutation in progress in this process; done closes once raw and err are set.
type flight struct {
	done chan struct{}
	raw  json.RawMessage
	err  error
}

// flights are the mutations in progress in this process, by replay key.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

// errInProgress is the answer of a mutation whose identical twin did not finish within the wait.
func errInProgress() error {
	return providers.Errorf(providers.KindConflict, "",
		"a mutation with this clientMutationId is in progress: send it again in a moment to get its answer")
}

// once runs the mutation under key (a replayKey) at most once: it answers the kept answer when
// there is one (replayed), joins an identical mutation in progress in this process or on another
// replica (replayed when it succeeded), or runs run and keeps its answer for ReplayTTL. A waiter
// whose twin is still running after Flight.Wait gets a KindConflict error; one whose twin on
// another replica failed gets a KindConflict error saying so (failed mutations are not kept).
func (r *Resolver) once(ctx context.Context, token, key string, run func(context.Context) (json.RawMessage, error)) (json.RawMessage, bool, error) {
	replays := r.replays()
	if raw, ok := replays.GetSealed(ctx, token, key); ok {
		return raw, true, nil
	}
	r.flights.mu.Lock()
	if f := r.flights.m[key]; f != nil {
		r.flights.mu.Unlock()
		r.waiting()
		t := time.NewTimer(r.flightWait())
		defer t.Stop()
		select {
		case <-f.done:
			return f.raw, f.err == nil, f.err
		case <-t.C:
			return nil, false, errInProgress()
		case <-ctx.Done():
			return nil, false, providers.Errorf(providers.KindUnavailable, "", "request canceled while an identical mutation was in progress")
		}
	}
	if r.flights.m == nil {
		r.flights.m = map[string]*flight{}
	}
	f := &flight{done: make(chan struct{}), err: providers.Errorf(providers.KindInternal, "", "the mutation did not complete")}
	r.flights.m[key] = f
	r.flights.mu.Unlock()
	defer func() {
		r.flights.mu.Lock()
		delete(r.flights.m, key)
		r.flights.mu.Unlock()
		close(f.done)
	}()
	var replayed bool
	f.raw, replayed, f.err = r.lead(ctx, token, key, run)
	return f.raw, replayed, f.err
}

// lead runs the mutation for this process: under the shared replay cache's lock when it has one,
// waiting for another replica's answer when that replica holds it.
func (r *Resolver) lead(ctx context.Context, token, key string, run func(context.Context) (json.RawMessage, error)) (json.RawMessage, bool, error) {
	replays := r.replays()
	if l, ok := replays.(cache.Locker); ok {
		lockKey := "lock|" + key
		got, err := l.Lock(ctx, lockKey, flightLockTTL)
		switch {
		case err != nil: // Redis unreachable: this replica alone keeps its twins apart
		case got:
			defer l.Unlock(context.WithoutCancel(ctx), lockKey)
			if raw, ok := replays.GetSealed(ctx, token, key); ok { // a replica finished meanwhile
				return raw, true, nil
			}
		default:
			return r.awaitPeer(ctx, l, token, key, lockKey)
		}
	}
	raw, err := run(ctx)
	if err != nil {
		return nil, false, err
	}
	replays.SetSealed(ctx, token, key, raw, ReplayTTL)
	return raw, false, nil
}

// awaitPeer waits, polling 10 ms doubling to 200 ms, for the answer of the identical mutation
// another replica runs (it holds lockKey): replayed when it appears; KindConflict when the wait ends
// first, or when the lock is free again without an answer (the twin failed).
func (r *Resolver) awaitPeer(ctx context.Context, l cache.Locker, token, key, lockKey string) (json.RawMessage, bool, error) {
	r.waiting()
	replays := r.replays()
	deadline := time.Now().Add(r.flightWait())
	for delay := 10 * time.Millisecond; ; delay = min(delay*2, 200*time.Millisecond) {
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, false, providers.Errorf(providers.KindUnavailable, "", "request canceled while an identical mutation was in progress")
		case <-t.C:
		}
		if raw, ok := replays.GetSealed(ctx, token, key); ok {
			return raw, true, nil
		}
		if got, err := l.Lock(ctx, lockKey, time.Second); err == nil && got {
			raw, ok := replays.GetSealed(ctx, token, key) // stored just before the release
			l.Unlock(context.WithoutCancel(ctx), lockKey)
			if ok {
				return raw, true, nil
			}
			return nil, false, providers.Errorf(providers.KindConflict, "",
				"an identical mutation with this clientMutationId ran at the same time on another replica and did not succeed: check the repository, then send it again to retry")
		}
		if time.Now().After(deadline) {
			return nil, false, errInProgress()
		}
	}
}

func (r *Resolver) flightWait() time.Duration {
	if r.Writes.Flight.Wait > 0 {
		return r.Writes.Flight.Wait
	}
	return InProgressWait
}

func (r *Resolver) waiting() {
	if r.Writes.Flight.OnWait != nil {
		r.Writes.Flight.OnWait()
	}
}
