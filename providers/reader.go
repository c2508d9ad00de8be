package providers

import (
	"context"
	"sync"
)

// Fetcher reads page i of stream s. The graph layer passes one that goes through the request's
// dataloader and the shared page cache; FetchDirect reads the forge every time.
type Fetcher func(ctx context.Context, s Stream, i int) (Page, error)

// FetchDirect is a Fetcher without caching.
func FetchDirect(ctx context.Context, s Stream, i int) (Page, error) {
	return s.FetchPage(ctx, i, "")
}

// maxCountPages bounds how many pages Count walks for a forge that reports no total.
const maxCountPages = 2000

// reader gives positional access to one stream, remembering the pages it read.
type reader struct {
	s     Stream
	fetch Fetcher
	mu    sync.Mutex
	pages map[int]Page
}

func newReader(s Stream, f Fetcher) *reader {
	return &reader{s: s, fetch: f, pages: map[int]Page{}}
}

// page returns page i, reading it at most once.
func (r *reader) page(ctx context.Context, i int) (Page, error) {
	r.mu.Lock()
	p, ok := r.pages[i]
	r.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := r.fetch(ctx, r.s, i)
	if err != nil {
		return Page{}, err
	}
	r.mu.Lock()
	r.pages[i] = p
	r.mu.Unlock()
	return p, nil
}

// at returns the repository at position pos, or nil when the list is shorter.
func (r *reader) at(ctx context.Context, pos int) (*Repository, error) {
	if pos < 0 {
		return nil, nil
	}
	i := pos / PageSize
	// A page the list does not have is not asked for: the page before it said it was the last.
	if i > 0 {
		r.mu.Lock()
		prev, ok := r.pages[i-1]
		r.mu.Unlock()
		if ok && !prev.More {
			return nil, nil
		}
	}
	p, err := r.page(ctx, i)
	if err != nil {
		return nil, err
	}
	off := pos % PageSize
	if off >= len(p.Items) {
		return nil, nil
	}
	return &p.Items[off], nil
}

// forward returns the items at positions [from, min(from+n, hi)) and whether an item exists after
// them below hi. hi < 0 means no bound.
func (r *reader) forward(ctx context.Context, from, n, hi int) ([]*Repository, bool, error) {
	end := from + n
	if hi >= 0 && end > hi {
		end = hi
	}
	var out []*Repository
	for pos := from; pos <= end; pos++ {
		if hi >= 0 && pos >= hi {
			return out, false, nil
		}
		it, err := r.at(ctx, pos)
		if err != nil {
			return nil, false, err
		}
		if it == nil {
			return out, false, nil
		}
		if pos == end {
			return out, true, nil
		}
		out = append(out, it)
	}
	return out, false, nil
}

// backward returns the items at positions [max(lo, hi-n), hi), hi being a valid position or the
// length of the list.
func (r *reader) backward(ctx context.Context, lo, n, hi int) ([]*Repository, error) {
	from := hi - n
	if from < lo {
		from = lo
	}
	out := make([]*Repository, 0, hi-from)
	for pos := from; pos < hi; pos++ {
		it, err := r.at(ctx, pos)
		if err != nil {
			return nil, err
		}
		if it == nil {
			break
		}
		out = append(out, it)
	}
	return out, nil
}

// count returns the exact length of the stream: from the forge's total when it gives one, from its
// last page when it names it, else by reading pages until the last.
func (r *reader) count(ctx context.Context) (int, error) {
	p, err := r.page(ctx, 0)
	if err != nil {
		return 0, err
	}
	if p.Total >= 0 {
		return p.Total, nil
	}
	if !p.More {
		return len(p.Items), nil
	}
	if p.LastIndex > 0 {
		last, err := r.page(ctx, p.LastIndex)
		if err != nil {
			return 0, err
		}
		if !last.More {
			return p.LastIndex*PageSize + len(last.Items), nil
		}
	}
	for i := 1; i < maxCountPages; i++ {
		q, err := r.page(ctx, i)
		if err != nil {
			return 0, err
		}
		if !q.More {
			return i*PageSize + len(q.Items), nil
		}
	}
	return 0, Errorf(KindBadResponse, r.s.Source(), "list has more than %d pages; cannot count it", maxCountPages)
}

// anchorsBefore returns the anchor hashes of the items at pos-1 and pos-2, 0 where there is none or
// it cannot be read.
func (r *reader) anchorsBefore(ctx context.Context, pos int) (a1, a2 uint32) {
	hash := func(p int) uint32 {
		if p < 0 {
			return 0
		}
		it, err := r.at(ctx, p)
		if err != nil || it == nil {
			return 0
		}
		return AnchorHash(it)
	}
	return hash(pos - 1), hash(pos - 2)
}

// realignWindow is how far from its old place an anchor is looked for.
const realignWindow = 2 * PageSize

// realign returns where the position of mark m is now. The repository just before it (the anchor)
// and the one before that (Anchor2) are looked for near their old places. When both moved together
// (repositories pushed to the top or deleted above them), the position follows them. When only one
// of them is found, the position follows it. When they are found apart, one of them moved alone (the
// last repository shown was pushed to the top, say) and the one nearer the old place stayed with the
// rest of the list: the position follows that one, so what was shown is not shown again. When
// neither can be found, m.Pos is kept (or is 0 when the anchor was the only repository before it).
func (r *reader) realign(ctx context.Context, m Mark) (int, error) {
	pos := m.Pos
	if pos <= 0 || m.Anchor == 0 {
		return pos, nil
	}
	it, err := r.at(ctx, pos-1)
	if err != nil {
		return pos, err
	}
	if it != nil && AnchorHash(it) == m.Anchor {
		return pos, nil
	}
	qa, err := r.find(ctx, pos-1, m.Anchor)
	if err != nil {
		return pos, err
	}
	qa2 := -1
	if m.Anchor2 != 0 {
		if qa2, err = r.find(ctx, pos-2, m.Anchor2); err != nil {
			return pos, err
		}
	}
	switch {
	case qa >= 0 && qa2 >= 0 && qa2 != qa-1:
		if abs(qa+1-pos) <= abs(qa2+1-pos) {
			return qa + 1, nil
		}
		return qa2 + 1, nil
	case qa >= 0:
		return qa + 1, nil
	case qa2 >= 0:
		return qa2 + 1, nil
	case pos == 1:
		// The anchor was the only repository before the position and it is gone (deleted, or moved
		// out of reach): nothing that was shown comes before the position now.
		return 0, nil
	}
	return pos, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// find looks for the item with hash h near position near, nearest first, reading at most the pages
// next to it; it returns -1 when h is not there.
func (r *reader) find(ctx context.Context, near int, h uint32) (int, error) {
	for d := 0; d <= realignWindow; d++ {
		for _, q := range []int{near + d, near - d} {
			if q < 0 || (d == 0 && q != near+d) {
				continue
			}
			r.mu.Lock()
			_, loaded := r.pages[q/PageSize]
			r.mu.Unlock()
			if !loaded && d > PageSize/2 {
				continue
			}
			it, err := r.at(ctx, q)
			if err != nil {
				return -1, err
			}
			if it != nil && AnchorHash(it) == h {
				return q, nil
			}
		}
	}
	return -1, nil
}
