// Package providers holds forgegraph's domain: the repository type every forge is converted into,
// the orders a list can be asked in, credentials, the Source/Stream interfaces each forge package
// implements, the error type all layers share, and the positional core (windows over upstream pages,
// the k-way merge in both directions, signed cursors) that turns any forge's paging into exact Relay
// cursors.
package providers

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
	"unsafe"
)

// Provider is the forge a repository lives on. The zero value means "no provider" (for filters: all).
type Provider string

// The providers of the contract's Provider enum.
const (
	GitHub    Provider = "GITHUB"
	GitLab    Provider = "GITLAB"
	Bitbucket Provider = "BITBUCKET"
	CodeArts  Provider = "CODEARTS"
	// Gitea is Gitea and its fork Forgejo (Codeberg), which share the API v1.
	Gitea Provider = "GITEA"
)

// AllProviders lists every provider in the order used to break ties between forges.
var AllProviders = []Provider{Bitbucket, CodeArts, Gitea, GitHub, GitLab}

// Valid reports whether p is one of the contract's providers (one of AllProviders).
func (p Provider) Valid() bool { return slices.Contains(AllProviders, p) }

// Repository is one forge repository in forgegraph's shape. Optional fields are nil when the forge
// does not report them. Times are UTC.
type Repository struct {
	// ForgeID is the forge's own identifier (numeric id or uuid, as text); never empty.
	ForgeID  string   `json:"forgeId"`
	Provider Provider `json:"provider"`
	Name     string   `json:"name"`
	// NameWithOwner is the forge's full path: owner/name, group/sub/name or workspace/slug.
	NameWithOwner   string     `json:"nameWithOwner"`
	Owner           string     `json:"owner"`
	Description     *string    `json:"description,omitempty"`
	URL             *string    `json:"url,omitempty"`
	SSHURL          *string    `json:"sshUrl,omitempty"`
	CloneURL        *string    `json:"cloneUrl,omitempty"`
	IsPrivate       bool       `json:"isPrivate"`
	IsFork          *bool      `json:"isFork,omitempty"`
	IsArchived      *bool      `json:"isArchived,omitempty"`
	StargazerCount  *int       `json:"stargazerCount,omitempty"`
	ForkCount       *int       `json:"forkCount,omitempty"`
	DefaultBranch   *string    `json:"defaultBranch,omitempty"`
	PrimaryLanguage *string    `json:"primaryLanguage,omitempty"`
	CreatedAt       *time.Time `json:"createdAt,omitempty"`
	UpdatedAt       *time.Time `json:"updatedAt,omitempty"`
	PushedAt        *time.Time `json:"pushedAt,omitempty"`
	// Affiliation is how the credential's user reaches the repository (OWNER, ORGANIZATION_MEMBER,
	// COLLABORATOR), set by the forge's converter; "" when the source did not work it out (it only
	// does when a list is filtered by affiliation, where it may cost a viewer lookup).
	Affiliation Affiliation `json:"affiliation,omitempty"`
	// Details are the scalar details the list item carried (Details.Known says which); nil when it
	// carried none. The rest come from the source's DetailFinder.
	Details *Details `json:"details,omitempty"`
}

// ID is the repository's GraphQL global ID: opaque, resolvable by Query.node, and the same for as
// long as the forge keeps its own id, so a rename or a transfer does not change it. It holds the
// provider and the forge id only (version 2, EncodeRepositoryID), never the path, a token or a URL.
func (r *Repository) ID() string {
	return EncodeRepositoryID(r.Provider, r.ForgeID)
}

// Identity is the key under which the same forge repository reached through two sources is one:
// provider plus the lower-cased full path.
func (r *Repository) Identity() string {
	return string(r.Provider) + "/" + strings.ToLower(r.NameWithOwner)
}

// The versions of the repository id text (base64url without padding of the prefix and the parts).
// Version 1 (issued before ids became path-free) is still decoded, so ids clients kept keep
// resolving. A new kind of id (another type behind Query.node) gets its own prefix and case in
// DecodeGlobalID.
const (
	globalIDPrefix   = "Repository:v1:" // provider:forgeID:nameWithOwner
	globalIDPrefixV2 = "Repository:v2:" // provider:forgeID
)

// maxForgeIDLen bounds a forge id inside a global id.
const maxForgeIDLen = 128

// EncodeRepositoryID builds the (version 2) global ID of a repository from its provider and forge
// id: the form Repository.ID returns.
func EncodeRepositoryID(p Provider, forgeID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(globalIDPrefixV2 + string(p) + ":" + forgeID))
}

// EncodeGlobalID builds a version 1 global ID, the path-bearing form issued before ids became
// path-free; DecodeGlobalID still accepts it. New ids come from EncodeRepositoryID.
func EncodeGlobalID(p Provider, forgeID, nameWithOwner string) string {
	var small [256]byte
	raw := append(small[:0], globalIDPrefix...)
	raw = append(append(raw, p...), ':')
	raw = append(append(raw, forgeID...), ':')
	raw = append(raw, nameWithOwner...)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// GlobalID is a decoded global ID, or what Query.repository looks up by path.
type GlobalID struct {
	Provider Provider
	// ForgeID is the forge's own id; "" when the lookup is by path alone (Query.repository).
	ForgeID string
	// NameWithOwner is the path the id was issued with (version 1 ids) or asked for
	// (Query.repository); "" for version 2 ids, which sources look up by ForgeID alone.
	NameWithOwner string
}

// Key is a text naming every part of g, for cache keys (it holds no token).
func (g GlobalID) Key() string {
	return EncodeGlobalID(g.Provider, g.ForgeID, g.NameWithOwner)
}

// String describes g for messages: its path when it has one, else the provider and forge id.
func (g GlobalID) String() string {
	if g.NameWithOwner != "" {
		return g.NameWithOwner
	}
	return string(g.Provider) + " id " + g.ForgeID
}

// DecodeGlobalID parses an ID made by EncodeRepositoryID (NameWithOwner is then "") or by
// EncodeGlobalID (version 1). It fails with a KindBadInput error for anything else: not base64url,
// another kind of id, an unknown provider, an empty part, or a version 2 forge id longer than 128
// bytes or holding characters other than letters, digits, "{", "}", "-", "_" and ".".
func DecodeGlobalID(id string) (GlobalID, error) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(id)
	// The decoder skips line breaks: an id is one canonical text, so they are refused.
	if err != nil || strings.ContainsAny(id, "\r\n") {
		return GlobalID{}, notAnID(id)
	}
	text := string(raw)
	switch {
	case strings.HasPrefix(text, globalIDPrefixV2):
		parts := strings.Split(strings.TrimPrefix(text, globalIDPrefixV2), ":")
		if len(parts) != 2 || !Provider(parts[0]).Valid() || !validForgeID(parts[1]) {
			return GlobalID{}, malformedID(id)
		}
		return GlobalID{Provider: Provider(parts[0]), ForgeID: parts[1]}, nil
	case strings.HasPrefix(text, globalIDPrefix):
		parts := strings.SplitN(strings.TrimPrefix(text, globalIDPrefix), ":", 3)
		if len(parts) != 3 || !Provider(parts[0]).Valid() || parts[1] == "" || parts[2] == "" {
			return GlobalID{}, malformedID(id)
		}
		return GlobalID{Provider: Provider(parts[0]), ForgeID: parts[1], NameWithOwner: parts[2]}, nil
	}
	return GlobalID{}, notAnID(id)
}

func notAnID(id string) error {
	return Errorf(KindBadInput, "", "id %q is not a forgegraph repository id: use the id field of a Repository", id)
}

func malformedID(id string) error {
	return Errorf(KindBadInput, "", "id %q is malformed: use the id field of a Repository", id)
}

// validForgeID reports whether s can be a forge id in a version 2 id: numeric ids, Bitbucket's
// {uuid}s and CodeArts' ids are made of these characters, and none can reach a request path as
// anything but one segment.
func validForgeID(s string) bool {
	if s == "" || len(s) > maxForgeIDLen || s == "." || s == ".." {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("{}-_.", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// IsNumericID reports whether s is a non-empty decimal number (GitHub, GitLab and Gitea ids).
func IsNumericID(s string) bool {
	return s != "" && len(s) <= 20 && strings.Trim(s, "0123456789") == ""
}

// String describes the repository for logs and test failures.
func (r Repository) String() string {
	return fmt.Sprintf("%s:%s", r.Provider, r.NameWithOwner)
}

// Size estimates the memory a Repository holds, in bytes (for caches bounded by size).
func (r *Repository) Size() int64 {
	n := int64(unsafe.Sizeof(*r)) + int64(len(r.ForgeID)+len(r.Name)+len(r.NameWithOwner)+len(r.Owner))
	for _, p := range []*string{r.Description, r.URL, r.SSHURL, r.CloneURL, r.DefaultBranch, r.PrimaryLanguage} {
		if p != nil {
			n += 16 + int64(len(*p))
		}
	}
	return n + 5*8 + 3*24 + r.Details.size() // optional numbers, flags and times
}

// SizeOf estimates the memory of a list of repositories, in bytes.
func SizeOf(rs []Repository) int64 {
	n := int64(24)
	for i := range rs {
		n += rs[i].Size()
	}
	return n
}

// SplitPath splits a full path (owner/name, group/sub/name, workspace/slug) at its last "/": owner
// is everything before it ("" when there is none) and name the rest.
func SplitPath(full string) (owner, name string) {
	i := strings.LastIndexByte(full, '/')
	if i < 0 {
		return "", full
	}
	return full[:i], full[i+1:]
}

// NonEmpty returns &s, or nil for "": forges send "" for what they do not know.
func NonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// NonEmptyPtr returns s, or nil when s is nil or points to "".
func NonEmptyPtr(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return s
}
