// Package providertest has in-memory streams and sources for tests of the layers above the forge
// packages: they page a fixed slice exactly as a forge client pages its API, count their fetches
// and can be told to fail.
package providertest

import (
	"context"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/forgegraph/forgegraph/providers"
)

// Stream is an in-memory providers.Stream over Items, which it serves in the given order (it does
// not sort them). Fail, when set, is returned by every fetch. Fetches counts FetchPage calls.
type Stream struct {
	Src     string
	K       string
	Q       providers.Query
	mu      sync.RWMutex
	items   []providers.Repository
	Fail    error
	Fetches atomic.Int64
	// NoTotal hides the list's length from page answers, as forges without a count header do.
	NoTotal bool
	// OnFetch, when set, is called on every FetchPage.
	OnFetch func()
	// ByID, when set before Set, orders repositories with the same sort key by their numeric
	// ForgeID in the order's direction, as GitLab does (and the fakes of GitHub and CodeArts v4),
	// instead of by providers.Local's total order (full path, then id). Set it with SetByID.
	ByID bool
}

// NewStream returns a stream of source src and key k over items, sorted by o's total order.
func NewStream(src, k string, o providers.Order, items []providers.Repository) *Stream {
	s := &Stream{Src: src, K: k, Q: providers.Query{Order: o}}
	s.Set(items)
	return s
}

// SetByID makes the stream order ties by id (see ByID) and re-sorts its items.
func (s *Stream) SetByID() {
	s.ByID = true
	s.Set(s.Items())
}

// Set replaces the stream's items (sorted by the stream's order), as a forge's list changes.
func (s *Stream) Set(items []providers.Repository) {
	c := append([]providers.Repository(nil), items...)
	o := s.Q.Order
	less := func(a, b *providers.Repository) bool { return o.Compare(a, b) < 0 }
	if s.ByID {
		less = func(a, b *providers.Repository) bool {
			if k := o.CompareKey(a, b); k != 0 {
				return k < 0
			}
			x, y := numericID(a.ForgeID), numericID(b.ForgeID)
			if o.Direction == providers.Desc {
				return x > y
			}
			return x < y
		}
	}
	sort.SliceStable(c, func(i, j int) bool { return less(&c[i], &c[j]) })
	s.mu.Lock()
	s.items = c
	s.mu.Unlock()
}

// Items returns a copy of the stream's items in order.
func (s *Stream) Items() []providers.Repository {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]providers.Repository(nil), s.items...)
}

// TieKey implements providers.TieOrderer: the stream orders ties by id (ByID) or by
// providers.Local's total order.
func (s *Stream) TieKey(r *providers.Repository) (string, int) {
	s.mu.RLock()
	byID := s.ByID
	s.mu.RUnlock()
	if byID {
		return providers.TieByNumber(r.ForgeID, s.Q.Order.Direction == providers.Desc), 0
	}
	return providers.TieByPath(r)
}

// ID implements providers.Stream.
func (s *Stream) ID() string { return providers.StreamID(s.Src, s.K, s.Q) }

// Key implements providers.Stream.
func (s *Stream) Key() string { return s.K }

// Source implements providers.Stream.
func (s *Stream) Source() string { return s.Src }

// FetchPage implements providers.Stream.
func (s *Stream) FetchPage(ctx context.Context, i int, etag string) (providers.Page, error) {
	s.Fetches.Add(1)
	if s.OnFetch != nil {
		s.OnFetch()
	}
	if s.Fail != nil {
		return providers.Page{}, s.Fail
	}
	if err := ctx.Err(); err != nil {
		return providers.Page{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	lo := i * providers.PageSize
	hi := min(lo+providers.PageSize, len(s.items))
	p := providers.Page{Total: len(s.items), LastIndex: -1}
	if s.NoTotal {
		p.Total = -1
	}
	if lo < len(s.items) {
		p.Items = append([]providers.Repository(nil), s.items[lo:hi]...)
	}
	p.More = hi < len(s.items)
	return p, nil
}

// numericID is id as a number (0 when it is not one): the ids ByID orders by.
func numericID(id string) uint64 {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return 0
	}
	return n
}
