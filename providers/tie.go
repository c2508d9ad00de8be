package providers

import (
	"context"
	"encoding/binary"
	"strconv"
	"strings"
	"time"
)

// TieOrderer is implemented by a stream whose forge fixes the order of repositories that share the
// sort key (the same date): GitLab orders them by project id (in the sort's direction), the fakes
// of GitHub, Bitbucket and CodeArts v4 by repository id, providers.Local by the rest of its total
// order (full path, then id). A stream that does not implement it (Gitea: the database's order;
// OpenHands) is placed by the anchors alone where a tie straddles a cursor (see reader.realign).
//
// TieKey returns r's tie key in the stream's current order: among repositories with the same date,
// the stream lists them in ascending strings.Compare order of their tie keys (build them with
// TieByNumber, TieByText or TieByPath, which keep the order of what they encode, and none of which
// is a prefix of another). keep is how many of the key's first bytes a cursor keeps (0: all; at
// most maxTieLen are kept): repositories whose keys share the kept part are told apart by the
// anchors, so keep what tells one repository from the others of its date. key "" means the key is
// unknown for r (e.g. an id that is not a number): the walk then goes by the anchors there. It is
// only asked in date orders.
type TieOrderer interface {
	TieKey(r *Repository) (key string, keep int)
}

// maxTieLen bounds the tie a cursor mark keeps (Mark.Tie): a longer one is cut to this length, and
// repositories whose ties share the kept part are told apart by the anchors.
const maxTieLen = 48

// TieByNumber returns the tie key of a decimal id (a GitHub, GitLab or CodeArts id) for a stream
// that orders ties by that number, descending when desc. It is "" when id is not a number up to
// 2^64-1.
func TieByNumber(id string, desc bool) string {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return ""
	}
	return string(appendTieNumber(make([]byte, 0, 9), n, desc))
}

// appendTieNumber appends n in an order-keeping form: its length in bytes (0 to 8), then its
// big-endian bytes without leading zeros; when desc, every byte inverted, which reverses the order.
func appendTieNumber(b []byte, n uint64, desc bool) []byte {
	var be [8]byte
	binary.BigEndian.PutUint64(be[:], n)
	lead := 0
	for lead < 8 && be[lead] == 0 {
		lead++
	}
	start := len(b)
	b = append(b, byte(8-lead))
	b = append(b, be[lead:]...)
	if desc {
		for i := start; i < len(b); i++ {
			b[i] = ^b[i]
		}
	}
	return b
}

// TieByText returns the tie key of a stream that orders ties by the bytes of s (e.g. Bitbucket's
// uuids), descending when desc. It is order-keeping for text without NUL bytes, and for strings of
// one fixed length whatever their bytes.
func TieByText(s string, desc bool) string {
	b := make([]byte, 0, len(s)+1)
	b = append(b, s...)
	if !desc {
		return string(append(b, 0))
	}
	for i := range b {
		b[i] = ^b[i]
	}
	return string(append(b, 0xff))
}

// TieByPath returns the tie key of providers.Local's total order (Order.Compare past the sort key):
// the full path ignoring case, then the full path, then the forge id, all ascending whatever the
// direction, and how much of it a cursor keeps: the full path ignoring case, which tells one
// repository of a forge from the others (the rest orders one path on two forges, in a merged list).
// A stream that sorts with Order.Compare (filtered or not) declares its ties with it.
func TieByPath(r *Repository) (key string, keep int) {
	var b strings.Builder
	b.Grow(2*len(r.NameWithOwner) + len(r.ForgeID) + 3)
	b.WriteString(strings.ToLower(r.NameWithOwner))
	b.WriteByte(0)
	keep = b.Len()
	b.WriteString(r.NameWithOwner)
	b.WriteByte(0)
	b.WriteString(r.ForgeID)
	b.WriteByte(0)
	return b.String(), keep
}

// TieKey implements TieOrderer: a Local list is sorted by Order.Compare.
func (s *localStream) TieKey(r *Repository) (string, int) { return TieByPath(r) }

// tieOrder gives the ties of one stream's repositories in one order (markTie).
type tieOrder struct {
	t    TieOrderer
	o    Order
	desc bool
}

// markTie returns the ties of stream s in order o, nil when s declares no tie order (TieOrderer)
// or o is by name.
func markTie(s Stream, o Order) *tieOrder {
	t, ok := s.(TieOrderer)
	if !ok || o.Sort == SortFullName {
		return nil
	}
	return &tieOrder{t: t, o: o, desc: o.Direction == Desc}
}

// tie returns r's tie: the part of its date below the millisecond (cursor keys keep milliseconds;
// Bitbucket's dates have microseconds) in the order's direction, then the stream's TieKey. whole
// gives all of it, what realign compares; else the part a mark keeps (Mark.Tie): the key's kept
// bytes, at most maxTieLen in all. It is "" when r has no date or no tie key.
func (x *tieOrder) tie(r *Repository, whole bool) string {
	if x.o.MarkKey(r) == 0 {
		return ""
	}
	k, keep := x.t.TieKey(r)
	if k == "" {
		return ""
	}
	if whole || keep <= 0 || keep > len(k) {
		keep = len(k)
	}
	sub := dateKey(r, x.o.Sort) % int64(time.Millisecond)
	if sub < 0 {
		sub += int64(time.Millisecond)
	}
	var num [9]byte
	head := appendTieNumber(num[:0], uint64(sub), x.desc)
	n := len(head) + keep
	if !whole {
		n = min(n, maxTieLen)
	}
	var b strings.Builder
	b.Grow(n)
	b.Write(head)
	b.WriteString(k[:n-len(head)])
	return b.String()
}

// compareTie compares the whole tie of a repository (markTie) with a mark's (Mark.Tie): negative
// when the repository comes first in the stream, positive when it comes after. ok is false when it
// cannot tell: the repository's tie is unknown, or it begins with the mark's (the mark's own
// repository, or another that shares the part the mark kept), which only the anchors tell apart.
func compareTie(tie, mark string) (c int, ok bool) {
	if tie == "" || strings.HasPrefix(tie, mark) {
		return 0, false
	}
	return strings.Compare(tie, mark), true
}

// leading realigns a mark at position 0 that names the repository then first in the stream (its key
// and tie, Mark.Key): the position is where the repositories that do not sort before it begin, so
// that those that moved before it since (pushed to the top of a list by date, descending) lie before
// the position: a backward walk that had shown the whole stream shows them. Repositories with its
// date count as before it only by their tie, where the stream declares ties. Beyond realignWindow
// the position stays 0.
func (r *reader) leading(ctx context.Context, m Mark, o Order) (int, error) {
	for p := 0; p < realignWindow; p++ {
		it, err := r.at(ctx, p)
		if err != nil || it == nil {
			return p, err
		}
		s := o.SideOf(it, m.Key)
		if s == 0 && m.Anchor != 0 && AnchorHash(it) == m.Anchor {
			continue // a kept boundary's own repository lies before it (see boundary)
		}
		if s == 0 && m.Tie != "" && r.tie != nil {
			if c, ok := compareTie(r.wholeTie(it), m.Tie); ok && c < 0 {
				continue
			}
		}
		if s >= 0 {
			return p, nil
		}
	}
	return 0, nil
}

// boundary reports whether cursor mark m, realigned to pos, still tells the place exactly: the
// repository at pos-1 sorts before m's key and tie (or is m's anchor) and the one at pos after
// them. The mark issued there then keeps m's key and tie (and at position 0 m's anchor, which
// leading counts as before the position) rather than those of the repository now next to the
// position: where the repositories between the walk's place and that one left the list (pushed
// away, deleted, no longer matching a filter), one that comes back between them (unarchived, say,
// after it was shown) must stay on the side it was on. ok is false when m has no key (orders by
// name) or no tie where the stream declares ties, its anchor still holds (nothing moved), or the
// place is not exact.
func (r *reader) boundary(ctx context.Context, m Mark, pos int, o Order) (key int64, tie string, anchor uint32, ok bool) {
	if m.Key == 0 || (r.tie != nil && m.Tie == "") || (m.Pos > 0 && m.Anchor == 0) {
		return 0, "", 0, false
	}
	// side is -1 when it sorts before the mark's place, 1 after, 0 when it cannot tell.
	side := func(it *Repository) int {
		s := o.SideOf(it, m.Key)
		if s != 0 {
			return s
		}
		if m.Anchor != 0 && AnchorHash(it) == m.Anchor {
			return -1
		}
		if r.tie == nil {
			return 0
		}
		if c, ok := compareTie(r.wholeTie(it), m.Tie); ok {
			return c
		}
		return 0
	}
	if pos > 0 {
		it, err := r.at(ctx, pos-1)
		if err != nil || it == nil || m.holds(it, o) || side(it) >= 0 {
			return 0, "", 0, false
		}
	}
	if it, err := r.at(ctx, pos); err != nil || (it != nil && side(it) <= 0) {
		return 0, "", 0, false
	}
	return m.Key, m.Tie, m.Anchor, true
}

// tieSplit returns the first position in [t0, t1), a run of repositories with m's date (within
// [lo, hi), the reach of keyset), whose tie comes after m's (t1 when none does): the exact keyset
// position among them. A repository whose tie begins with the mark's (compareTie) is the mark's own
// when it is its anchor. ok is false when it cannot tell: a tie in the run is unknown, or begins
// with the mark's and is not the anchor; the run is not in ascending tie order (the forge does not
// order ties as the stream declares); or the position may lie beyond the reach, where the run
// goes on.
func (r *reader) tieSplit(ctx context.Context, m Mark, t0, t1, lo, hi int) (int, bool, error) {
	split, prev := t1, ""
	for q := t0; q < t1; q++ {
		it, err := r.at(ctx, q)
		if err != nil || it == nil {
			return 0, false, err
		}
		t := r.wholeTie(it)
		c, ok := compareTie(t, m.Tie)
		if !ok && t != "" && AnchorHash(it) == m.Anchor {
			c, ok = 0, true
		}
		if !ok || t < prev {
			return 0, false, nil
		}
		prev = t
		if c > 0 && split == t1 {
			split = q
		}
	}
	if (split == t0 && t0 == lo && lo > 0) || (split == t1 && t1 == hi) {
		return 0, false, nil
	}
	return split, true, nil
}
