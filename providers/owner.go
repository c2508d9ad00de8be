package providers

// This file is the repository owners of Query.repositoryOwner: users, organizations, groups and
// workspaces whose repositories a source lists like the viewer's (Query.Owner), and their global ids.

import (
	"context"
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// OwnerKind says what an owner is on its forge.
type OwnerKind string

// The kinds of owners. A GitLab group, a Bitbucket workspace and a Gitea organization are
// organizations; a GitLab or Gitea user and a GitHub user are users.
const (
	OwnerUser         OwnerKind = "USER"
	OwnerOrganization OwnerKind = "ORGANIZATION"
)

// Valid reports whether k is OwnerUser or OwnerOrganization.
func (k OwnerKind) Valid() bool { return k == OwnerUser || k == OwnerOrganization }

// OwnerRef names the owner whose repositories a list holds (Query.Owner). The zero value is the
// viewer's own list.
type OwnerRef struct {
	// Login is the owner's login, group full path or workspace slug, as the forge spells it; ""
	// means the viewer's own list.
	Login string
	// Kind is what the owner is; it picks the endpoint where a forge has one per kind (GitHub's
	// /users/{u}/repos and /orgs/{org}/repos). Empty only in the zero value.
	Kind OwnerKind
}

// IsZero reports whether r is the viewer's own list.
func (r OwnerRef) IsZero() bool { return r.Login == "" }

// Owner is a repository owner as its forge shows it. Optional fields are nil when the forge does
// not report them.
type Owner struct {
	Provider Provider  `json:"provider"`
	Kind     OwnerKind `json:"kind"`
	// Login is the login, group full path or workspace slug; it names the owner in
	// Query.repositoryOwner and in Query.Owner.
	Login string `json:"login"`
	// ForgeID is the forge's own id of the owner (numeric id or uuid), "" when it sent none.
	ForgeID     string  `json:"forgeId,omitempty"`
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	URL         *string `json:"url,omitempty"`
	AvatarURL   *string `json:"avatarUrl,omitempty"`
}

// Ref returns the OwnerRef that lists o's repositories.
func (o *Owner) Ref() OwnerRef { return OwnerRef{Login: o.Login, Kind: o.Kind} }

// ID is the owner's GraphQL global ID: opaque, resolvable by Query.node, holding the provider, the
// kind and the login (never a token or URL).
func (o *Owner) ID() string { return EncodeOwnerID(o.Provider, o.Kind, o.Login) }

// Size estimates the memory an Owner holds, in bytes (for caches bounded by size).
func (o *Owner) Size() int64 {
	n := int64(96 + len(o.Provider) + len(o.Kind) + len(o.Login) + len(o.ForgeID))
	for _, p := range []*string{o.Name, o.Description, o.URL, o.AvatarURL} {
		if p != nil {
			n += 16 + int64(len(*p))
		}
	}
	return n
}

// OwnerFinder is implemented by the sources that can list an owner's repositories (Query.Owner in
// Streams): they find the owner first.
type OwnerFinder interface {
	// Owner returns the owner named login (a login, group full path or workspace slug) as token
	// sees it. An unknown login is a KindNotFound error; a malformed one a KindBadInput error.
	Owner(ctx context.Context, token, login string) (*Owner, error)
}

// ownerIDPrefix starts every owner's global ID, as globalIDPrefix starts a repository's.
const ownerIDPrefix = "Owner:v1:"

// maxLoginLen bounds a login (GitLab's full paths are the longest).
const maxLoginLen = 1024

// CheckLogin returns nil when login can name an owner: not empty, at most 1024 bytes of UTF-8
// without control characters, no empty, "." or ".." part between slashes. Otherwise a KindBadInput
// error that says what is wrong. Each forge checks its own characters besides.
func CheckLogin(login string) error {
	bad := len(login) == 0 || len(login) > maxLoginLen || !utf8.ValidString(login) ||
		strings.ContainsFunc(login, func(c rune) bool { return c < ' ' || c == 0x7f })
	for _, part := range strings.Split(login, "/") {
		bad = bad || part == "" || part == "." || part == ".."
	}
	if bad {
		return Errorf(KindBadInput, "", "login %q is not an owner: give a user or organization login, a group's full path (group/subgroup) or a workspace slug", login)
	}
	return nil
}

// EncodeOwnerID builds an owner's global ID from its parts.
func EncodeOwnerID(p Provider, k OwnerKind, login string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(ownerIDPrefix + string(p) + ":" + string(k) + ":" + login))
}

// IsOwnerID reports whether id has the form of an owner's global ID (it may still be malformed).
func IsOwnerID(id string) bool {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(id)
	return err == nil && strings.HasPrefix(string(raw), ownerIDPrefix)
}

// DecodeOwnerID parses an ID made by EncodeOwnerID. It fails with a KindBadInput error for anything
// else.
func DecodeOwnerID(id string) (Provider, OwnerRef, error) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(id)
	if err != nil || strings.ContainsAny(id, "\r\n") || !strings.HasPrefix(string(raw), ownerIDPrefix) {
		return "", OwnerRef{}, Errorf(KindBadInput, "", "id %q is not a forgegraph owner id: use the id field of a User or Organization", id)
	}
	parts := strings.SplitN(strings.TrimPrefix(string(raw), ownerIDPrefix), ":", 3)
	if len(parts) != 3 || !Provider(parts[0]).Valid() || !OwnerKind(parts[1]).Valid() || CheckLogin(parts[2]) != nil {
		return "", OwnerRef{}, Errorf(KindBadInput, "", "id %q is malformed: use the id field of a User or Organization", id)
	}
	return Provider(parts[0]), OwnerRef{Login: parts[2], Kind: OwnerKind(parts[1])}, nil
}

// OwnersNotSupported is the error of a source that lists no owner's repositories (CodeArts,
// OpenHands), for Query.repositoryOwner and for a Query with an Owner.
func OwnersNotSupported(source string) *Error {
	return Errorf(KindNotSupported, source, "%s cannot list another owner's repositories: repositoryOwner works on GITHUB, GITLAB, BITBUCKET and GITEA", source)
}
