package providers

import (
	"cmp"
	"math"
	"strings"
	"time"
)

// Sort is the field a repository list is ordered by.
type Sort string

// The sorts of the contract's RepositorySort enum.
const (
	SortPushed   Sort = "PUSHED"
	SortUpdated  Sort = "UPDATED"
	SortCreated  Sort = "CREATED"
	SortFullName Sort = "FULL_NAME"
)

// Direction is ascending or descending.
type Direction string

// The directions of the contract's OrderDirection enum.
const (
	Asc  Direction = "ASC"
	Desc Direction = "DESC"
)

// Order is a sort and a direction. Build it with NewOrder so the direction defaults as the contract
// says (DESC for dates, ASC for FULL_NAME).
type Order struct {
	Sort      Sort
	Direction Direction
}

// NewOrder returns the order for sort s and direction d; an empty s means PUSHED and an empty d the
// sort's default direction.
func NewOrder(s Sort, d Direction) Order {
	if s == "" {
		s = SortPushed
	}
	if d == "" {
		d = Desc
		if s == SortFullName {
			d = Asc
		}
	}
	return Order{Sort: s, Direction: d}
}

// Valid reports whether both parts are known values.
func (o Order) Valid() bool {
	switch o.Sort {
	case SortPushed, SortUpdated, SortCreated, SortFullName:
	default:
		return false
	}
	return o.Direction == Asc || o.Direction == Desc
}

// String is a compact form used in cache keys and cursors, e.g. "PUSHED:DESC".
func (o Order) String() string { return string(o.Sort) + ":" + string(o.Direction) }

// dateKey is the sort key of an optional time: unknown times sort as the oldest.
func dateKey(r *Repository, s Sort) int64 {
	var t = r.PushedAt
	switch s {
	case SortUpdated:
		t = r.UpdatedAt
	case SortCreated:
		t = r.CreatedAt
	}
	if t == nil {
		return math.MinInt64
	}
	return t.UnixNano()
}

// dateMillis is dateKey in milliseconds, the resolution cursors keep (math.MinInt64 stays: unknown).
func dateMillis(r *Repository, s Sort) int64 {
	k := dateKey(r, s)
	if k == math.MinInt64 {
		return k
	}
	return k / int64(time.Millisecond)
}

// MarkKey is the key a cursor mark keeps for r (Mark.Key): in date orders, r's date in milliseconds
// since 1970; 0 in the name order, or when r has no such date.
func (o Order) MarkKey(r *Repository) int64 {
	if k := dateMillis(r, o.Sort); o.Sort != SortFullName && k != math.MinInt64 {
		return k
	}
	return 0
}

// SideOf tells where r sorts against a mark's key (MarkKey, not 0) in date orders: negative when r
// comes before it, 0 when r has the same date (to the millisecond), positive when it comes after.
func (o Order) SideOf(r *Repository, key int64) int {
	return o.directed(cmp.Compare(dateMillis(r, o.Sort), key))
}

// CompareKey compares a and b by the order's sort key alone, with the direction applied: negative
// when a comes first. Names compare case-insensitively, as the forges sort them.
func (o Order) CompareKey(a, b *Repository) int {
	if o.Sort == SortFullName {
		return o.directed(strings.Compare(strings.ToLower(a.NameWithOwner), strings.ToLower(b.NameWithOwner)))
	}
	return o.directed(cmp.Compare(dateKey(a, o.Sort), dateKey(b, o.Sort)))
}

// directed applies the order's direction to an ascending comparison.
func (o Order) directed(c int) int {
	if o.Direction == Desc {
		return -c
	}
	return c
}

// Compare is the total order of a locally sorted list: the sort key (with direction), then the full
// path, then the forge id, both ascending.
func (o Order) Compare(a, b *Repository) int {
	if c := o.CompareKey(a, b); c != 0 {
		return c
	}
	if c := strings.Compare(strings.ToLower(a.NameWithOwner), strings.ToLower(b.NameWithOwner)); c != 0 {
		return c
	}
	if c := strings.Compare(a.NameWithOwner, b.NameWithOwner); c != 0 {
		return c
	}
	return strings.Compare(a.ForgeID, b.ForgeID)
}
