package providers_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// tieSeeds is how many seeds TestListDriftTies runs: 150, or DRIFT_TIE_SEEDS when set (e.g. 1000
// for a longer local run).
func tieSeeds(t *testing.T) uint64 {
	if v := os.Getenv("DRIFT_TIE_SEEDS"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n == 0 {
			t.Fatalf("DRIFT_TIE_SEEDS=%q: want a positive number of seeds", v)
		}
		return n
	}
	return 150
}

// tieStream is one stream of the tie-heavy drift test and the data behind it: a providertest.Stream
// (ties by full path like providers.Local, or by id like GitLab), or a providers.Local stream with a
// filter (keep), rebuilt on every page so that it reads the changed data.
type tieStream struct {
	src  string
	raw  []providers.Repository
	pt   *providertest.Stream
	keep func(*providers.Repository) bool // Local streams only
}

// stream returns the stream to list now.
func (ts *tieStream) stream(o providers.Order) providers.Stream {
	if ts.pt != nil {
		return ts.pt
	}
	raw := ts.raw
	read := func(context.Context, int) ([]providers.Repository, error) { return raw, nil }
	return providers.NewLocal(nil, 0, 0).Stream(ts.src, "", providers.Query{Order: o, Token: "t"}, "", read, ts.keep)
}

// view returns the stream's list as it serves it now.
func (ts *tieStream) view(ctx context.Context, o providers.Order) []providers.Repository {
	if ts.pt != nil {
		return ts.pt.Items()
	}
	var out []providers.Repository
	st := ts.stream(o)
	for i := 0; ; i++ {
		p, err := st.FetchPage(ctx, i, "")
		if err != nil {
			panic(err)
		}
		out = append(out, p.Items...)
		if !p.More {
			return out
		}
	}
}

// set replaces the data behind the stream.
func (ts *tieStream) set(items []providers.Repository) {
	ts.raw = items
	if ts.pt != nil {
		ts.pt.Set(items)
	}
}

// tieWorld is the random state of one seed: shared dates, fresh ids, what was shown.
type tieWorld struct {
	rng     *rand.Rand
	dates   []time.Time
	nextID  map[uint32]bool
	shows   map[string]int  // every time a repository was shown
	since   map[string]int  // shows since it last moved (or since the start)
	moved   map[string]bool // pushed at least once during the walk
	fresh   map[string]bool // created during the walk
	toggled map[string]bool // left or entered the filtered list during the walk (filtered walks only)
	fw      *filterWalk     // the filtered walk's filter and list cache; nil: unfiltered
	pushAt  time.Time       // the newest push so far; every push is newer than every date
	created int
}

// id returns a new unique numeric forge id, unrelated to names and creation order.
func (w *tieWorld) id() string {
	for {
		v := w.rng.Uint32N(1 << 30)
		if !w.nextID[v] {
			w.nextID[v] = true
			return strconv.FormatUint(uint64(v), 10)
		}
	}
}

// date is one of the few shared dates (nine times in ten), else a date of its own.
func (w *tieWorld) date() time.Time {
	if w.rng.IntN(10) != 0 {
		return w.dates[w.rng.IntN(len(w.dates))]
	}
	return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(w.rng.IntN(48*3600)) * time.Second)
}

func (w *tieWorld) repo(p providers.Provider, owner, name string) providers.Repository {
	t := w.date()
	r := providers.Repository{ForgeID: w.id(), Provider: p, Name: name, NameWithOwner: owner + "/" + name,
		Owner: owner, PushedAt: &t}
	if w.fw != nil {
		w.fw.attributes(w.rng, &r)
	}
	return r
}

// TestListDriftTies walks random merged lists in which most repositories share a few exact push
// dates (some of them apart by microseconds only, inside one millisecond), in both sort directions
// and both walk directions (first/after and last/before), with random page sizes. Between pages a
// bot pushes several repositories at once (among them the one or two shown last and the one or two
// shown next in some streams), repositories are created (most with one of the shared dates, so they
// land inside a tie) and deleted. Streams order ties as providers.Local does (full path, then id),
// by id like GitLab, or are Local streams with a filter.
//
// A push makes a repository newer than every other. It then lies either behind the walk (a forward
// walk in descending order, as TestListDrift, or a backward walk in ascending order) or ahead of it
// (a forward walk in ascending order: README "Order", a repository pushed after it was shown moves
// ahead of the walk and comes again at its new place; or a backward walk in descending order).
// Demanded, for every repository:
//   - a repository that was never pushed and was not created during the walk, and that is still
//     listed at the end (it stayed in place), is shown exactly once: no repeat, no skip;
//   - behind: no repository is shown twice (a pushed one is not shown again, one pushed before it
//     was reached is not shown at all, a created one at most once);
//   - ahead: no repository is shown twice without being pushed in between, and one pushed and
//     still listed at the end is shown exactly once after its last push.
func TestListDriftTies(t *testing.T) {
	start := time.Now()
	n := tieSeeds(t)
	for seed := uint64(1); seed <= n; seed++ {
		if err := driftTies(seed, false); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
	t.Logf("%d seeds in %v", n, time.Since(start).Round(time.Millisecond))
}

// driftTies walks seed's random world and returns the first broken rule. filtered walks the lists
// through providers.FilterStreams with a random non-zero filter (see TestListDriftTiesFiltered),
// from a random stream of its own.
func driftTies(seed uint64, filtered bool) error {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 14))
	if filtered {
		rng = rand.New(rand.NewPCG(seed, 1414))
	}
	dir := []providers.Direction{providers.Desc, providers.Asc}[rng.IntN(2)]
	o := providers.NewOrder(providers.SortPushed, dir)
	backward := rng.IntN(2) == 0
	ahead := (dir == providers.Desc) == backward
	w := &tieWorld{rng: rng, nextID: map[uint32]bool{}, shows: map[string]int{}, since: map[string]int{},
		moved: map[string]bool{}, fresh: map[string]bool{}, toggled: map[string]bool{},
		pushAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	if filtered {
		w.fw = newFilterWalk(rng, o)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 1 + rng.IntN(4) {
		d := base.Add(time.Duration(rng.IntN(48)) * time.Hour)
		w.dates = append(w.dates, d)
		if rng.IntN(2) == 0 { // another date within the same millisecond
			w.dates = append(w.dates, d.Add(time.Duration(1+rng.IntN(999))*time.Microsecond))
		}
	}
	provs := []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket, providers.CodeArts}
	var tss []*tieStream
	for i := range 1 + rng.IntN(4) {
		p := provs[rng.IntN(len(provs))]
		owner := fmt.Sprintf("owner-%d", i)
		items := make([]providers.Repository, rng.IntN(250))
		for j := range items {
			items[j] = w.repo(p, owner, fmt.Sprintf("repo-%04d", j))
		}
		ts := &tieStream{src: fmt.Sprintf("src%d", i)}
		switch rng.IntN(3) {
		case 0:
			ts.pt = providertest.NewStream(ts.src, "", o, nil)
		case 1:
			ts.pt = providertest.NewStream(ts.src, "", o, nil)
			ts.pt.SetByID()
		default:
			ts.keep = func(r *providers.Repository) bool { return !strings.HasSuffix(r.Name, "3") }
		}
		if ts.pt != nil {
			ts.pt.NoTotal = rng.IntN(2) == 0
		}
		ts.set(items)
		tss = append(tss, ts)
	}
	what := fmt.Sprintf("%s, backward %v", o, backward)
	if w.fw != nil {
		what += fmt.Sprintf(", filter %s", w.fw.q.Filter.Key())
	}

	var cursor *providers.Cursor
	for page := 0; ; page++ {
		if page > 5000 {
			return fmt.Errorf("%s: the walk does not end", what)
		}
		streams := make([]providers.Stream, len(tss))
		for i, ts := range tss {
			streams[i] = ts.stream(o)
		}
		if w.fw != nil {
			streams = providers.FilterStreams(w.fw.local, w.fw.q, streams)
		}
		n := 1 + rng.IntN(25)
		if w.fw != nil { // filtered lists are shorter: smaller pages, so as many pages drift
			n = 1 + rng.IntN(10)
		}
		win := providers.Window{First: &n, After: cursor}
		if backward {
			win = providers.Window{Last: &n, Before: cursor}
		}
		res := providers.List(ctx, streams, o, providers.FetchDirect, win)
		if len(res.Failed) > 0 {
			return res.Failed[0]
		}
		for _, e := range res.Edges {
			id := e.Node.Identity()
			if (ahead && w.since[id] > 0) || (!ahead && w.shows[id] > 0) {
				return fmt.Errorf("%s, page %d: %s shown again (moved %v, created %v, toggled %v)", what, page, id, w.moved[id], w.fresh[id], w.toggled[id])
			}
			w.shows[id]++
			w.since[id]++
		}
		more, edge := res.HasNextPage, len(res.Edges)-1
		if backward {
			more, edge = res.HasPreviousPage, 0
		}
		if !more {
			break
		}
		if len(res.Edges) == 0 {
			return fmt.Errorf("%s, page %d: more promised without edges", what, page)
		}
		cursor = &res.Edges[edge].Cursor
		if page < 60 && rng.IntN(10) < 7 {
			w.drift(ctx, o, tss, cursor)
		}
	}
	for _, ts := range tss {
		for _, r := range w.view(ctx, o, ts) {
			id := r.Identity()
			switch {
			case w.toggled[id]:
				// It left the filtered list or entered it during the walk: like a deleted or created
				// repository, it is only held to the rule that it is not shown twice (above).
			case !w.moved[id] && !w.fresh[id] && w.shows[id] != 1:
				return fmt.Errorf("%s: %s stayed in place and was shown %d times", what, id, w.shows[id])
			case ahead && w.moved[id] && !w.fresh[id] && w.since[id] != 1:
				return fmt.Errorf("%s: %s was pushed ahead of the walk and shown %d times since", what, id, w.since[id])
			}
		}
	}
	return nil
}

// drift changes the lists between two pages: in some streams it pushes the repositories next to
// the cursor's position (the one or two shown last, the one or two shown next) and a few others,
// all at one new instant (some a few microseconds apart), creates repositories and deletes some.
// In a filtered walk the positions are those of the filtered list, a few repositories' filtered
// attributes flip (so they leave or enter it), and every whole list kept expires: the next page
// reads the changed lists.
func (w *tieWorld) drift(ctx context.Context, o providers.Order, tss []*tieStream, c *providers.Cursor) {
	rng := w.rng
	w.pushAt = w.pushAt.Add(time.Minute)
	for _, ts := range tss {
		if rng.IntN(3) == 0 {
			continue
		}
		view := w.view(ctx, o, ts)
		pos := -1
		for _, m := range c.Marks {
			if m.Stream == providers.StreamHash(ts.src, "") {
				pos = m.Pos
			}
		}
		push := map[string]bool{}
		for _, d := range []int{-2, -1, 0, 1} {
			if q := pos + d; pos >= 0 && q >= 0 && q < len(view) && rng.IntN(2) == 0 {
				push[view[q].Identity()] = true
			}
		}
		for range rng.IntN(3) {
			if len(view) > 0 {
				push[view[rng.IntN(len(view))].Identity()] = true
			}
		}
		del := map[string]bool{}
		for range rng.IntN(3) {
			if len(view) > 0 {
				if id := view[rng.IntN(len(view))].Identity(); !push[id] {
					del[id] = true
				}
			}
		}
		items := make([]providers.Repository, 0, len(ts.raw)+3)
		for _, r := range ts.raw {
			id := r.Identity()
			switch {
			case del[id]:
				continue
			case push[id]:
				t := w.pushAt
				if rng.IntN(4) == 0 {
					t = t.Add(time.Duration(rng.IntN(1000)) * time.Microsecond)
				}
				r.PushedAt = &t
				w.moved[id] = true
				w.since[id] = 0
			}
			items = append(items, r)
		}
		if len(items) > 0 {
			for range rng.IntN(4) {
				w.created++
				r := w.repo(items[0].Provider, items[0].Owner, fmt.Sprintf("new-%04d", w.created))
				if rng.IntN(4) == 0 {
					t := w.pushAt
					r.PushedAt = &t
				}
				w.fresh[r.Identity()] = true
				items = append(items, r)
			}
		}
		if w.fw != nil {
			w.fw.toggle(rng, items, w.toggled)
		}
		ts.set(items)
	}
	if w.fw != nil {
		w.fw.cache.expire()
	}
}

// view returns ts's list as the walk sees it now: ts.view, or for a filtered walk the repositories
// of it that pass the filter, in the order's total order (what providers.Local.Filtered serves).
func (w *tieWorld) view(ctx context.Context, o providers.Order, ts *tieStream) []providers.Repository {
	if w.fw == nil {
		return ts.view(ctx, o)
	}
	return w.fw.view(ts.view(ctx, o), o)
}
