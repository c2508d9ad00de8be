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

// ID is the repository's GraphQL global ID: opaque, stable while the repository keeps its path, and
// resolvable by Query.node. It holds the provider, the forge id and the path, never a token or URL.
func (r *Repository) ID() string {
	return EncodeGlobalID(r.Provider, r.ForgeID, r.NameWithOwner)
}

// Identity is the key under which the same forge repository reached through two sources is one:
// provider plus the lower-cased full path.
func (r *Repository) Identity() string {
	return string(r.Provider) + "/" + strings.ToLower(r.NameWithOwner)
}

const globalIDPrefix = "Repository:v1:"

// EncodeGlobalID builds a global ID from its parts.
func EncodeGlobalID(p Provider, forgeID, nameWithOwner string) string {
	var small [256]byte
	raw := append(small[:0], globalIDPrefix...)
	raw = append(append(raw, p...), ':')
	raw = append(append(raw, forgeID...), ':')
	raw = append(raw, nameWithOwner...)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// GlobalID is a decoded global ID.
type GlobalID struct {
	Provider      Provider
	ForgeID       string
	NameWithOwner string
}

// DecodeGlobalID parses an ID made by EncodeGlobalID. It fails with a KindBadInput error for anything
// else.
func DecodeGlobalID(id string) (GlobalID, error) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(id)
	// The decoder skips line breaks: an id is one canonical text, so they are refused.
	if err != nil || strings.ContainsAny(id, "\r\n") || !strings.HasPrefix(string(raw), globalIDPrefix) {
		return GlobalID{}, Errorf(KindBadInput, "", "id %q is not a forgegraph repository id: use the id field of a Repository", id)
	}
	parts := strings.SplitN(strings.TrimPrefix(string(raw), globalIDPrefix), ":", 3)
	if len(parts) != 3 || !Provider(parts[0]).Valid() || parts[1] == "" || parts[2] == "" {
		return GlobalID{}, Errorf(KindBadInput, "", "id %q is malformed: use the id field of a Repository", id)
	}
	return GlobalID{Provider: Provider(parts[0]), ForgeID: parts[1], NameWithOwner: parts[2]}, nil
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
