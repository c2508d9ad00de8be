package providers

import "context"

// FilterStreams returns q's filtered streams over inner, the streams a source returned for q: each
// becomes one stream of the repositories of its whole list that pass q.Filter.Match, in q.Order,
// with an exact Total. The whole list is read once per credential and stream (its ID holds the
// filter, so a source that narrows natively is read narrowed) and kept by l, bounded by l.Max; the
// exact predicate is applied here whatever the forge did, so a source may narrow natively to any
// superset of the answer, or not at all. With the zero filter inner comes back unchanged: the
// unfiltered path costs what it did. l must not be nil.
func FilterStreams(l *Local, q Query, inner []Stream) []Stream {
	if q.Filter.IsZero() {
		return inner
	}
	out := make([]Stream, len(inner))
	for i, st := range inner {
		out[i] = l.Filtered(st.Source(), st.Key(), q, "filtered|"+st.ID(), ReadStream(st))
	}
	return out
}

// ReadStream reads st whole, page after page from page 0 until a page says no more follows; it
// fails with KindBadResponse once the list holds more than max repositories, and with st's error
// when a page cannot be read.
func ReadStream(st Stream) ReadAll {
	return func(ctx context.Context, max int) ([]Repository, error) {
		var all []Repository
		for i := 0; ; i++ {
			p, err := st.FetchPage(ctx, i, "")
			if err != nil {
				return nil, AsError(err, st.Source())
			}
			all = append(all, p.Items...)
			if len(all) > max {
				return nil, Errorf(KindBadResponse, st.Source(), "a filtered list reads the whole list, and it has more than %d repositories: narrow the filter, raise MAX_REPOSITORIES_PER_SOURCE or list without filters", max)
			}
			if !p.More {
				return all, nil
			}
		}
	}
}
