package providertest

import (
	"context"
	"strings"
	"sync"

	"github.com/forgegraph/forgegraph/providers"
)

// Source is an in-memory providers.Source of one or more forges. Its streams are Streams over its
// repositories sorted by the order asked, one per provider. Token, when not "", is the only
// credential it accepts; Fail, when set, fails every fetch. Latency hooks may be set on each stream
// through OnStream.
type Source struct {
	SourceName string
	Token      string
	mu         sync.Mutex
	repos      map[providers.Provider][]providers.Repository
	Fail       error
	// OnStream, when set, is called with every stream the source makes.
	OnStream func(*Stream)
}

// NewSource returns a source named name over repos (their providers decide its Providers()).
func NewSource(name string, repos []providers.Repository) *Source {
	s := &Source{SourceName: name, repos: map[providers.Provider][]providers.Repository{}}
	for _, r := range repos {
		s.repos[r.Provider] = append(s.repos[r.Provider], r)
	}
	return s
}

// Name implements providers.Source.
func (s *Source) Name() string { return s.SourceName }

// Providers implements providers.Source.
func (s *Source) Providers() []providers.Provider {
	var out []providers.Provider
	for _, p := range providers.AllProviders {
		if _, ok := s.repos[p]; ok {
			out = append(out, p)
		}
	}
	return out
}

// Streams implements providers.Source.
func (s *Source) Streams(_ context.Context, q providers.Query) ([]providers.Stream, error) {
	if s.Token != "" && q.Token != s.Token {
		return nil, providers.Errorf(providers.KindUnauth, s.SourceName, "token rejected")
	}
	var out []providers.Stream
	multi := len(s.Providers()) > 1
	for _, p := range s.Providers() {
		if !q.Allows(p) {
			continue
		}
		key := ""
		if multi {
			key = strings.ToLower(string(p))
		}
		st := NewStream(s.SourceName, key, q.Order, s.repos[p])
		st.Q = q
		st.Fail = s.Fail
		if s.OnStream != nil {
			s.OnStream(st)
		}
		out = append(out, st)
	}
	return out, nil
}

// Repository implements providers.Source.
func (s *Source) Repository(_ context.Context, token string, id providers.GlobalID) (*providers.Repository, error) {
	if s.Token != "" && token != s.Token {
		return nil, providers.Errorf(providers.KindUnauth, s.SourceName, "token rejected")
	}
	for _, r := range s.repos[id.Provider] {
		if (id.NameWithOwner != "" && strings.EqualFold(r.NameWithOwner, id.NameWithOwner)) || (id.NameWithOwner == "" && r.ForgeID == id.ForgeID) {
			return &r, nil
		}
	}
	return nil, providers.Errorf(providers.KindNotFound, s.SourceName, "no repository %s", id)
}
