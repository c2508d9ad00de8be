package loaders

import (
	"bytes"
	"encoding/json"
	"sync"
)

// maxDecoded bounds the decoded values decodedMemo keeps; past it the memo starts over.
const maxDecoded = 4096

// decodedMemo keeps the last decoded value of each detail cache key with the JSON it was decoded
// from, so a warm request that finds the same JSON in the cache does not decode it again (decoding
// cached branch pages was ~40% of a warm dashboard page's CPU). A value is reused only when the
// cached JSON is byte for byte the one it came from, so a changed entry, another credential's
// entry (the key holds the credential hash) or another cache's is decoded afresh. Decoded values
// are shared between requests and must not be modified; the resolvers only read them. It is safe
// for concurrent use.
type decodedMemo struct {
	mu sync.Mutex
	m  map[string]decodedEntry
}

type decodedEntry struct {
	raw json.RawMessage
	v   any
}

// decoded is the process's memo: detail values are immutable and keyed by their JSON, so one memo
// serves every Details of the process, whatever cache it reads.
var decoded = &decodedMemo{m: map[string]decodedEntry{}}

// get returns the value decoded from raw under key, false when raw is not what it was decoded
// from.
func (d *decodedMemo) get(key string, raw json.RawMessage) (any, bool) {
	d.mu.Lock()
	e, ok := d.m[key]
	d.mu.Unlock()
	if !ok || !bytes.Equal(e.raw, raw) {
		return nil, false
	}
	return e.v, true
}

// put remembers that raw under key decodes to v.
func (d *decodedMemo) put(key string, raw json.RawMessage, v any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.m) >= maxDecoded {
		clear(d.m)
	}
	d.m[key] = decodedEntry{raw: raw, v: v}
}
