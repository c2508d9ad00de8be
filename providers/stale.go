package providers

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// Stale says that a source's data in an answer came from a copy kept from an earlier request
// because the forge failed (stale-if-error): which source, the forge it names (empty for an
// aggregator such as OpenHands), when the copy was fetched, and why the forge was not used (the
// error code, e.g. UPSTREAM_UNAVAILABLE).
type Stale struct {
	Provider Provider  `json:"provider,omitempty"`
	Source   string    `json:"source"`
	AsOf     time.Time `json:"asOf"`
	Reason   string    `json:"reason"`
}

// StaleSet collects, for one request, the sources answered from stale copies. It is safe for
// concurrent use; a nil *StaleSet records nothing.
type StaleSet struct {
	mu  sync.Mutex
	all []Stale
}

type staleKey struct{}

// WithStaleSet returns ctx carrying a new, empty StaleSet, and the set: what a request handler calls
// once, before resolving, to learn afterwards which sources were served stale.
func WithStaleSet(ctx context.Context) (context.Context, *StaleSet) {
	s := &StaleSet{}
	return context.WithValue(ctx, staleKey{}, s), s
}

// StaleSetFrom returns the request's StaleSet, nil when ctx has none.
func StaleSetFrom(ctx context.Context) *StaleSet {
	s, _ := ctx.Value(staleKey{}).(*StaleSet)
	return s
}

// MarkStale records in ctx's StaleSet (if any) that source was answered from a copy fetched at asOf
// because of a failure of kind reason. One entry is kept per source: the oldest copy's time.
func MarkStale(ctx context.Context, source string, asOf time.Time, reason Kind) {
	StaleSetFrom(ctx).add(Stale{Provider: ProviderOfSource(source), Source: source, AsOf: asOf.UTC(), Reason: string(reason)})
}

func (s *StaleSet) add(st Stale) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.all {
		if s.all[i].Source == st.Source {
			if st.AsOf.Before(s.all[i].AsOf) {
				s.all[i] = st
			}
			return
		}
	}
	s.all = append(s.all, st)
}

// List returns the recorded entries ordered by source; nil when none (or s is nil).
func (s *StaleSet) List() []Stale {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.all) == 0 {
		return nil
	}
	out := slices.Clone(s.all)
	slices.SortFunc(out, func(a, b Stale) int { return strings.Compare(a.Source, b.Source) })
	return out
}

// ProviderOfSource is the forge a source's name stands for (github is GITHUB), empty for a source
// that fronts several forges (openhands) or an unknown name.
func ProviderOfSource(source string) Provider {
	switch p := Provider(strings.ToUpper(source)); p {
	case GitHub, GitLab, Bitbucket, CodeArts, Gitea:
		return p
	}
	return ""
}

// StaleServable reports whether a failure of this kind may be answered from a kept copy: the forge
// is down, slow or rate limited. Never a rejected or insufficient credential (401, 403), a missing
// repository or bad input: a revoked credential sees nothing.
func StaleServable(err error) bool {
	switch KindOf(err) {
	case KindUnavailable, KindTimeout, KindRateLimited:
		return true
	}
	return false
}
