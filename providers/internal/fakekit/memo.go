// Package fakekit holds what the forges' httptest fakes share. Only the fakes (and so the demo and
// the tests) import it.
package fakekit

import "strings"

// Memo is what a fake serves per repository beyond the list item (its details), keyed by the
// repository's lower-cased full path. It is a plain map with no lock of its own: callers hold their
// fake's lock, as they do for the rest of its state. The zero value (nil) is ready: Set and Get
// make the map when needed.
type Memo[D any] map[string]D

// Set replaces what is served for fullName.
func (m *Memo[D]) Set(fullName string, d D) {
	if *m == nil {
		*m = Memo[D]{}
	}
	(*m)[strings.ToLower(fullName)] = d
}

// Get returns what is served for fullName: what Set gave, else demo() (made once and kept).
func (m *Memo[D]) Get(fullName string, demo func() D) D {
	key := strings.ToLower(fullName)
	d, ok := (*m)[key]
	if !ok {
		d = demo()
		m.Set(key, d)
	}
	return d
}
