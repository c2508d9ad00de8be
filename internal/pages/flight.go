package pages

import (
	"context"
	"sync"
)

// flight runs one fetch per key (a page, or a repository lookup) for all callers that want it at the
// same time. The fetch keeps the first caller's context values but not its cancellation: it is
// canceled only when every caller waiting for it has gone (a client that disconnects cancels its
// upstream requests unless another request still waits for them).
type flight[V any] struct {
	mu    sync.Mutex
	calls map[string]*call[V]
}

type call[V any] struct {
	done    chan struct{}
	value   V
	err     error
	waiters int
	cancel  context.CancelFunc
}

func (f *flight[V]) do(ctx context.Context, key string, fn func(context.Context) (V, error)) (V, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]*call[V]{}
	}
	c, ok := f.calls[key]
	if !ok {
		cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		c = &call[V]{done: make(chan struct{}), cancel: cancel}
		f.calls[key] = c
		go func() {
			c.value, c.err = fn(cctx)
			f.mu.Lock()
			if f.calls[key] == c {
				delete(f.calls, key)
			}
			f.mu.Unlock()
			cancel()
			close(c.done)
		}()
	}
	c.waiters++
	f.mu.Unlock()
	select {
	case <-c.done:
		return c.value, c.err
	case <-ctx.Done():
		f.mu.Lock()
		c.waiters--
		if c.waiters == 0 {
			c.cancel()
			if f.calls[key] == c {
				delete(f.calls, key) // a later caller starts afresh
			}
		}
		f.mu.Unlock()
		var zero V
		return zero, ctx.Err()
	}
}
