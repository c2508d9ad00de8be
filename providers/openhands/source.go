// Package openhands is forgegraph's source for OpenHands (GET /api/user/repositories), an upstream
// that itself fronts the user's GitHub, GitLab and Bitbucket accounts. Each repository keeps the
// forge it lives on as its Provider; the source returns one stream per forge.
//
// How OpenHands answers decides how it is read:
//   - With selected_provider=<forge> it pages (page from 1, per_page up to 100) and passes sort on to
//     the forge in the forge's own way. Only GitHub receives sort as is, in GitHub's default
//     direction (desc for pushed/updated/created, asc for full_name), so GitHub in PUSHED DESC,
//     UPDATED DESC, CREATED DESC and FULL_NAME ASC is paged natively. GitLab always gets sort=desc and
//     full_name becomes order_by=name (the project's name, not its path); Bitbucket pages only within
//     one workspace. Every other order is read whole and sorted here (providers.Local).
//   - Without selected_provider it ignores page and per_page and returns every connected forge's
//     whole list concatenated. That list is never paged: it is read once per credential and shared
//     by every stream that needs it, each stream keeping its own forge.
//   - Bitbucket is always read from that unpaged list: with selected_provider=bitbucket OpenHands
//     answers an empty list unless installation_id names a workspace.
//
// OpenHands reports only id, full_name, git_provider, is_public, stargazers_count, pushed_at and
// main_branch: URL, SSHURL, CloneURL, Description, IsFork, IsArchived, ForkCount, PrimaryLanguage,
// CreatedAt and UpdatedAt are always nil. Lists sorted here by UPDATED or CREATED therefore tie on
// every repository and come out in full-name order; GitHub's native UPDATED/CREATED lists follow
// GitHub's order.
//
// Items whose git_provider is enterprise_sso (an identity provider, not a forge) or any value
// forgegraph has no Provider for are skipped.
package openhands

import (
	"context"
	"slices"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// Source reads one user's repositories through OpenHands. It is safe for concurrent use.
type Source struct {
	c     *rest.Client
	local *providers.Local
}

// New returns a Source for cfg. It fails only when cfg.BaseURL is not an absolute http(s) URL
// without query or fragment.
func New(cfg Config) (*Source, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	return &Source{c: c, local: providers.LocalOr(cfg.Local)}, nil
}

// Name returns "openhands".
func (s *Source) Name() string { return SourceName }

// forges are the providers OpenHands fronts, in Providers' order.
var forges = []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket}

// Providers returns GITHUB, GITLAB and BITBUCKET.
func (s *Source) Providers() []providers.Provider {
	return append([]providers.Provider(nil), forges...)
}

// streamKey is a stream's Key: the forge in lower case (github, gitlab, bitbucket), whether the
// stream is alone or merged with the others.
func streamKey(p providers.Provider) string { return strings.ToLower(string(p)) }

// Streams returns one stream per forge q allows, each holding only that forge's repositories. When
// q allows exactly one forge, GitHub in its native orders is paged with selected_provider; other
// single-forge lists are read whole and sorted. When q allows several, every stream is served from
// the one unpaged list of every forge. It fails with KindInternal for an invalid order (a server bug); it makes no
// request (errors of the reads come from the streams' FetchPage).
func (s *Source) Streams(_ context.Context, q providers.Query) ([]providers.Stream, error) {
	if err := q.Check(SourceName); err != nil {
		return nil, err
	}
	var allowed []providers.Provider
	for _, p := range forges {
		if q.Allows(p) {
			allowed = append(allowed, p)
		}
	}
	if len(allowed) == 1 {
		p := allowed[0]
		if native(p, q.Order) {
			return []providers.Stream{&nativeStream{s: s, q: q, p: p, id: providers.StreamID(SourceName, streamKey(p), q)}}, nil
		}
		return []providers.Stream{s.localStream(q, p, false)}, nil
	}
	out := make([]providers.Stream, len(allowed))
	for i, p := range allowed {
		out[i] = s.localStream(q, p, true)
	}
	return out, nil
}

// native reports whether OpenHands pages p's list in exactly order o: only GitHub, which receives
// sort as is and applies its default direction.
func native(p providers.Provider, o providers.Order) bool {
	return p == providers.GitHub && o == providers.NewOrder(o.Sort, "")
}

// List keys of the whole lists the source reads (see providers.Local.Stream).
const listKeyAll = "all"

func listKeyProvider(p providers.Provider) string { return "provider:" + wireProvider(p) }

// localStream returns a stream of p's repositories in q's order, sorted here. merged streams (and
// Bitbucket always) read the unpaged list of every forge; a lone GitHub or GitLab stream pages its
// forge's list with selected_provider.
func (s *Source) localStream(q providers.Query, p providers.Provider, merged bool) providers.Stream {
	keep := func(r *providers.Repository) bool { return r.Provider == p }
	if merged || p == providers.Bitbucket {
		return s.local.Stream(SourceName, streamKey(p), q, listKeyAll, s.readAll(q.Token), keep)
	}
	return s.local.Stream(SourceName, streamKey(p), q, listKeyProvider(p), s.readProvider(q.Token, p), keep)
}

// Repository finds id among the repositories of id.Provider that OpenHands lists for token (there
// is no single-repository route): by forge id, else by full path. The list read is the one the
// list streams share, kept per credential. An id whose path cannot be a repository path (fewer
// than two parts, an empty, "." or ".." part, control characters) is a KindBadInput error, as on
// every forge, before any request. A repository that is not there, or a provider OpenHands does not
// front, is a KindNotFound error; other errors are those of the read.
func (s *Source) Repository(ctx context.Context, token string, id providers.GlobalID) (*providers.Repository, error) {
	if !slices.Contains(forges, id.Provider) {
		return nil, providers.Errorf(providers.KindNotFound, SourceName, "OpenHands does not list %s repositories", id.Provider)
	}
	if _, err := s.c.IDPath(id.NameWithOwner, 0); err != nil {
		return nil, err
	}
	q := providers.Query{Token: token, Order: providers.NewOrder(providers.SortFullName, ""), Providers: []providers.Provider{id.Provider}}
	st := s.localStream(q, id.Provider, false)
	var byPath *providers.Repository
	for i := 0; ; i++ {
		page, err := st.FetchPage(ctx, i, "")
		if err != nil {
			return nil, err
		}
		for k := range page.Items {
			r := page.Items[k]
			if r.ForgeID == id.ForgeID {
				return &r, nil
			}
			if byPath == nil && strings.EqualFold(r.NameWithOwner, id.NameWithOwner) {
				byPath = &r
			}
		}
		if !page.More {
			break
		}
	}
	if byPath != nil {
		return byPath, nil
	}
	return nil, providers.Errorf(providers.KindNotFound, SourceName, "%s repository %q is not among the repositories OpenHands lists for this key", id.Provider, id.NameWithOwner)
}
