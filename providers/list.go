package providers

import (
	"context"
	"sort"
	"sync"
)

// MaxPageSize is the largest first or last a client may ask for.
const MaxPageSize = 100

// DefaultPageSize is used when a client gives neither first nor last.
const DefaultPageSize = 20

// parallelStreams bounds how many streams one list reads at once.
const parallelStreams = 8

// Window is what a client asked for: at most one of First and Last, and the decoded cursors (nil
// when not given).
type Window struct {
	First, Last   *int
	After, Before *Cursor
	// Warm says the caller found the first page of every stream at hand (fetch answers it without
	// waiting): List then reads its lanes one after another, not each on its own goroutine, which
	// for in-memory pages costs more than the reading. A lane that needs a page not at hand still
	// reads it, only not in parallel with the others.
	Warm bool
}

// Edge is one repository of a list and its cursor.
type Edge struct {
	Node   *Repository
	Cursor Cursor
}

// Result is one page of a list. Failed has one error per source whose streams could not be read;
// the other sources' repositories are still in Edges.
type Result struct {
	Edges           []Edge
	HasNextPage     bool
	HasPreviousPage bool
	Failed          []*Error
}

// lane is one stream's part in a list.
type lane struct {
	r       *reader
	hash    uint32
	lo, hi  int // the range the cursors allow; hi < 0 is unbounded
	start   int // position of the lane's first item in the result
	items   []*Repository
	more    bool
	taken   int
	err     error
	anchor0 uint32 // anchors at start
	anchor1 uint32
	key0    int64  // the mark key at start (Mark.Key)
	tie0    string // the mark tie at start (Mark.Tie)
}

// SortStreams orders streams by source and key, the order ties between streams are broken in.
func SortStreams(streams []Stream) {
	sort.SliceStable(streams, func(i, j int) bool {
		if streams[i].Source() != streams[j].Source() {
			return streams[i].Source() < streams[j].Source()
		}
		return streams[i].Key() < streams[j].Key()
	})
}

// List returns one page of the merge of streams (sorted with SortStreams) in order o: every
// repository of every stream exactly once across pages, forward and backward, in one order: the sort
// key, then the provider, then the stream, then each stream's own order.
//
// At most MaxStreams streams are merged (a cursor names each): beyond that, the sources with the most
// streams fail, one error each, and their streams are left out, so no cursor is issued that Decode
// would refuse.
func List(ctx context.Context, streams []Stream, o Order, fetch Fetcher, w Window) Result {
	streams, tooMany := boundStreams(streams)
	lanes := make([]*lane, len(streams))
	for i, s := range streams {
		lanes[i] = &lane{r: newReader(s, fetch), hash: StreamHash(s.Source(), s.Key()), hi: -1}
		lanes[i].r.tie = markTie(s, o)
	}
	backward := w.Last != nil
	n := DefaultPageSize
	if w.First != nil {
		n = *w.First
	} else if w.Last != nil {
		n = *w.Last
	}

	// Place every lane: realign the cursors' positions, then read its window.
	eachLane(ctx, w.Warm, lanes, func(ctx context.Context, i int, l *lane) {
		if m, ok := findMark(w.After, l.hash); ok {
			l.lo, l.err = l.r.realign(ctx, m, o)
		}
		if m, ok := findMark(w.Before, l.hash); ok && l.err == nil {
			l.hi, l.err = l.r.realign(ctx, m, o)
			if e := w.Before.Edge; l.err == nil && e >= 0 && w.Before.Marks[e].Stream == l.hash && l.hi > 0 {
				// The before cursor's own repository is not part of the page, where it still is.
				var it *Repository
				if it, l.err = l.r.at(ctx, l.hi-1); m.holds(it, o) {
					l.hi--
				}
			}
			if l.hi < l.lo {
				l.hi = l.lo
			}
		}
		if l.err != nil {
			return
		}
		if !backward {
			l.start = l.lo
			l.items, l.more, l.err = l.r.forward(ctx, l.lo, n, l.hi)
		} else {
			if l.hi < 0 {
				l.hi, l.err = l.r.count(ctx)
				if l.err != nil {
					return
				}
			}
			l.items, l.err = l.r.backward(ctx, l.lo, n, l.hi)
			l.start = l.hi - len(l.items)
		}
	})

	res := Result{Failed: tooMany}
	live := make([]*lane, 0, len(lanes))
	failed := map[string]bool{}
	for i, l := range lanes {
		if l.err != nil {
			src := streams[i].Source()
			if !failed[src] {
				failed[src] = true
				res.Failed = append(res.Failed, AsError(l.err, src))
			}
			continue
		}
		live = append(live, l)
	}

	var picked []*lane
	if !backward {
		picked = mergeForward(live, o, n)
		for _, l := range live {
			if l.lo > 0 {
				res.HasPreviousPage = true
			}
			if l.taken < len(l.items) || l.more {
				res.HasNextPage = true
			}
		}
	} else {
		picked = mergeBackward(live, o, n)
		for _, l := range live {
			// Items the lane read but the page did not keep lie before the page.
			l.start += len(l.items) - l.taken
			l.items = l.items[len(l.items)-l.taken:]
			if l.start > l.lo {
				res.HasPreviousPage = true
			}
		}
		res.HasNextPage = w.Before != nil
	}
	// Each lane's anchor at its first position in the page, for the cursors of edges before the
	// lane's first item (the page is usually already read).
	eachLane(ctx, w.Warm, live, func(ctx context.Context, _ int, l *lane) {
		l.anchor0, l.anchor1, l.key0, l.tie0 = l.r.anchorsBefore(ctx, l.start, o)
		// A realigned position keeps the place the cursor gave it (see reader.boundary).
		c := w.After
		if backward {
			c = w.Before
		}
		if m, ok := findMark(c, l.hash); ok && (!backward || l.taken == 0) {
			if k, t, a, ok := l.r.boundary(ctx, m, l.start, o); ok {
				l.key0, l.tie0 = k, t
				if l.start == 0 {
					l.anchor0 = a
				}
			}
		}
	})
	res.Edges = edges(picked, lanes, w, o)
	return res
}

// mergeForward takes up to n items from the lanes' heads, smallest first, and returns the lane of
// each in order.
func mergeForward(lanes []*lane, o Order, n int) []*lane {
	out := make([]*lane, 0, n)
	for len(out) < n {
		var best *lane
		for _, l := range lanes {
			if l.taken >= len(l.items) {
				continue
			}
			if best == nil || before(o, l.items[l.taken], best.items[best.taken]) {
				best = l
			}
		}
		if best == nil {
			break
		}
		best.taken++
		out = append(out, best)
	}
	return out
}

// mergeBackward takes up to n items from the lanes' tails, largest first, and returns the lane of
// each in ascending order.
func mergeBackward(lanes []*lane, o Order, n int) []*lane {
	out := make([]*lane, 0, n)
	for len(out) < n {
		var best *lane
		for _, l := range lanes {
			k := len(l.items) - 1 - l.taken
			if k < 0 {
				continue
			}
			if best == nil || !before(o, l.items[k], best.items[len(best.items)-1-best.taken]) {
				best = l
			}
		}
		if best == nil {
			break
		}
		best.taken++
		out = append(out, best)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// before is the merge order between items of different lanes: the sort key, then the provider. Lanes
// are scanned in stream order and a tie keeps the earlier lane, so ties fall to the stream order, and
// within a lane to the lane's own order.
func before(o Order, a, b *Repository) bool {
	if c := o.CompareKey(a, b); c != 0 {
		return c < 0
	}
	return a.Provider < b.Provider
}

// edges builds the page's edges with their cursors, walking the picked lanes in order from each
// lane's start.
func edges(picked []*lane, lanes []*lane, w Window, o Order) []Edge {
	// Marks of streams the cursors name that are not in this list (a source that is down, a
	// workspace gone) are carried unchanged, so their place is not lost.
	var carried []Mark
	known := map[uint32]bool{}
	for _, l := range lanes {
		known[l.hash] = true
	}
	c := w.After
	if c == nil {
		c = w.Before
	}
	if c != nil {
		for _, m := range c.Marks {
			// A cursor names at most MaxStreams streams: the list's own come first.
			if !known[m.Stream] && len(lanes)+len(carried) < MaxStreams {
				carried = append(carried, m)
			}
		}
	}
	marks := make([]Mark, 0, len(lanes)+len(carried))
	index := map[*lane]int{}
	for _, l := range lanes {
		index[l] = len(marks)
		if l.err != nil {
			// A failed lane keeps the place the client's cursor gave it.
			m, ok := findMark(w.After, l.hash)
			if !ok {
				m, ok = findMark(w.Before, l.hash)
			}
			if !ok {
				m = Mark{Stream: l.hash}
			}
			marks = append(marks, m)
			continue
		}
		marks = append(marks, Mark{Stream: l.hash, Pos: l.start, Anchor: l.anchor0, Anchor2: l.anchor1, Key: l.key0, Tie: l.tie0})
	}
	marks = append(marks, carried...)

	out := make([]Edge, len(picked))
	next := map[*lane]int{}
	for i, l := range picked {
		k := next[l]
		next[l] = k + 1
		item := l.items[k]
		j := index[l]
		marks[j].Pos++
		marks[j].Anchor2 = marks[j].Anchor
		marks[j].Anchor = AnchorHash(item)
		marks[j].Key = o.MarkKey(item)
		marks[j].Tie = l.r.tieOf(item)
		out[i] = Edge{Node: item, Cursor: Cursor{Marks: append([]Mark(nil), marks...), Edge: j}}
	}
	return out
}

// boundStreams returns streams without the streams of the sources that have the most of them, as
// long as there are more than MaxStreams, and one error for each source left out.
func boundStreams(streams []Stream) ([]Stream, []*Error) {
	var failed []*Error
	for len(streams) > MaxStreams {
		per := map[string]int{}
		for _, s := range streams {
			per[s.Source()]++
		}
		worst := ""
		for src, n := range per {
			if n > per[worst] || (n == per[worst] && src < worst) {
				worst = src
			}
		}
		failed = append(failed, Errorf(KindBadResponse, worst, "%d lists (one per workspace or forge) are more than the %d one answer can merge: "+
			"reduce them (leave workspaces you do not need) or ask for another forge with provider:", per[worst], MaxStreams))
		kept := make([]Stream, 0, len(streams)-per[worst])
		for _, s := range streams {
			if s.Source() != worst {
				kept = append(kept, s)
			}
		}
		streams = kept
	}
	return streams, failed
}

func findMark(c *Cursor, hash uint32) (Mark, bool) {
	if c == nil {
		return Mark{}, false
	}
	for _, m := range c.Marks {
		if m.Stream == hash {
			return m, true
		}
	}
	return Mark{}, false
}

// eachLane runs f for every lane, at most parallelStreams at once; in order on the caller's
// goroutine when inline (see Window.Warm) or when there is one lane.
func eachLane(ctx context.Context, inline bool, lanes []*lane, f func(context.Context, int, *lane)) {
	if inline || len(lanes) == 1 {
		for i, l := range lanes {
			f(ctx, i, l)
		}
		return
	}
	sem := make(chan struct{}, parallelStreams)
	var wg sync.WaitGroup
	for i, l := range lanes {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f(ctx, i, l)
		}()
	}
	wg.Wait()
}

// Count returns the total length of the merged list: the sum of every stream's length. It fails
// when any stream cannot be counted.
func Count(ctx context.Context, streams []Stream, fetch Fetcher) (int, error) {
	counts := make([]int, len(streams))
	errs := make([]error, len(streams))
	lanes := make([]*lane, len(streams))
	for i, s := range streams {
		lanes[i] = &lane{r: newReader(s, fetch)}
	}
	eachLane(ctx, false, lanes, func(ctx context.Context, i int, l *lane) {
		counts[i], errs[i] = l.r.count(ctx)
	})
	total := 0
	for i, err := range errs {
		if err != nil {
			return 0, AsError(err, streams[i].Source())
		}
		total += counts[i]
	}
	return total, nil
}
