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
	// tie gives a repository's tie and the part of it a mark keeps (markTie); nil when the stream
	// declares no tie order or the list is by name. List sets it.
	tie *tieOrder
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
// it cannot be read, and the mark key (Order.MarkKey) and tie (Mark.Tie) of the item at pos-1.
//
// At pos 0 there is no anchor: key and tie are those of the item at 0, the first after the position
// (see Mark.Key), so that what moves before it later is found before the position.
func (r *reader) anchorsBefore(ctx context.Context, pos int, o Order) (a1, a2 uint32, key int64, tie string) {
	if pos == 0 {
		if it, err := r.at(ctx, 0); err == nil && it != nil {
			key, tie = o.MarkKey(it), r.tieOf(it)
		}
		return 0, 0, key, tie
	}
	if it, err := r.at(ctx, pos-1); err == nil && it != nil {
		a1, key, tie = AnchorHash(it), o.MarkKey(it), r.tieOf(it)
	}
	if it, err := r.at(ctx, pos-2); err == nil && it != nil {
		a2 = AnchorHash(it)
	}
	return a1, a2, key, tie
}

// tieOf returns it's Mark.Tie in this stream, "" when the stream declares no tie order.
func (r *reader) tieOf(it *Repository) string {
	if r.tie == nil {
		return ""
	}
	return r.tie.tie(it, false)
}

// wholeTie returns it's whole tie in this stream (markTie), "" when the stream declares no tie
// order.
func (r *reader) wholeTie(it *Repository) string {
	if r.tie == nil {
		return ""
	}
	return r.tie.tie(it, true)
}

// realignWindow is how far from its old place an anchor is looked for.
const realignWindow = 2 * PageSize

// realign returns where the position of mark m is now, in a list sorted by o. When the repository
// just before it (the anchor) is still there, the position follows it. Otherwise, in date orders,
// the position is where the repositories that sort after the mark's key begin (keyset): what was
// shown sorts at or before the key, wherever it moved (pushed to the top, say), and what was not
// shown sorts after it; among repositories with the key's own date, the mark's tie (Mark.Tie, in
// the stream's declared order of ties) tells which come after. Without a key, or when that place
// is out of reach, the anchor and the one
// before it (Anchor2) are looked for near their old places: when both moved together (repositories
// added or deleted above them), the position follows them; when only one is found, it follows that
// one; when they are found apart, one moved alone and the one nearer the old place stayed with the
// list. When neither can be found, m.Pos is kept (or is 0 when the anchor was the only repository
// before it).
func (r *reader) realign(ctx context.Context, m Mark, o Order) (int, error) {
	pos := m.Pos
	if pos == 0 && m.Key != 0 {
		return r.leading(ctx, m, o)
	}
	if pos <= 0 || m.Anchor == 0 {
		return pos, nil
	}
	it, err := r.at(ctx, pos-1)
	if err != nil {
		return pos, err
	}
	if m.holds(it, o) {
		return pos, nil
	}
	if m.Key != 0 {
		if p, ok, err := r.keyset(ctx, m, o); err != nil || ok {
			return p, err
		}
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

// keyset returns, within realignWindow of m.Pos, the position where the repositories that sort after
// m.Key begin; ok is false when it is not within reach. Repositories with the key's own date may lie
// on either side: among them, where the stream declares its order of ties and the mark has a tie,
// the position is the first whose tie comes after the mark's (tieSplit); else the anchors tell
// where the walk was, and when neither is among them ok is false too (realign then goes by the
// anchors alone).
func (r *reader) keyset(ctx context.Context, m Mark, o Order) (int, bool, error) {
	// side of the item at p against the key; ok is false when there is no item there.
	side := func(p int) (int, bool, error) {
		it, err := r.at(ctx, p)
		if err != nil || it == nil {
			return 0, false, err
		}
		return o.SideOf(it, m.Key), true, nil
	}
	lo, hi := max(0, m.Pos-realignWindow), m.Pos+realignWindow
	p := m.Pos
	for ; p > lo; p-- { // back over items before p that sort after the key, or that are gone
		s, ok, err := side(p - 1)
		if err != nil {
			return 0, false, err
		}
		if ok && s <= 0 {
			break
		}
	}
	for ; p < hi; p++ { // on over items at p that sort before the key
		s, ok, err := side(p)
		if err != nil {
			return 0, false, err
		}
		if !ok || s >= 0 {
			break
		}
	}
	if (p == lo && lo > 0) || p == hi {
		return 0, false, nil
	}
	// The run of items with the key's own date around p.
	tied := func(p int) (bool, error) {
		s, ok, err := side(p)
		return ok && s == 0, err
	}
	t0, t1 := p, p
	for t0 > lo {
		ok, err := tied(t0 - 1)
		if err != nil {
			return 0, false, err
		}
		if !ok {
			break
		}
		t0--
	}
	for t1 < hi {
		ok, err := tied(t1)
		if err != nil {
			return 0, false, err
		}
		if !ok {
			break
		}
		t1++
	}
	if t0 == t1 {
		return p, true, nil
	}
	if m.Tie != "" && r.tie != nil {
		if q, ok, err := r.tieSplit(ctx, m, t0, t1, lo, hi); err != nil || ok {
			return q, ok, err
		}
	}
	for _, h := range []uint32{m.Anchor, m.Anchor2} {
		for q := t0; q < t1 && h != 0; q++ {
			if it, err := r.at(ctx, q); err != nil || (it != nil && AnchorHash(it) == h) {
				return q + 1, err == nil, err
			}
		}
	}
	return 0, false, nil
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
