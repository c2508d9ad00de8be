package providers

import (
	"cmp"
	"context"
	"io"
	"slices"
	"strconv"
)

// Visibility is who can see a repository (the contract's RepositoryVisibility). The zero value means
// unknown.
type Visibility string

// The visibilities of the contract's RepositoryVisibility enum.
const (
	VisibilityPublic   Visibility = "PUBLIC"
	VisibilityPrivate  Visibility = "PRIVATE"
	VisibilityInternal Visibility = "INTERNAL"
)

// Permission is a level of access to a repository (the contract's RepositoryPermission), from
// PermissionAdmin down to PermissionRead. The zero value means none or unknown.
type Permission string

// The permissions of the contract's RepositoryPermission enum.
const (
	PermissionAdmin    Permission = "ADMIN"
	PermissionMaintain Permission = "MAINTAIN"
	PermissionWrite    Permission = "WRITE"
	PermissionTriage   Permission = "TRIAGE"
	PermissionRead     Permission = "READ"
)

// DetailField names one of the scalar details of a repository, for Details.Known.
type DetailField uint16

// The scalar details of a repository.
const (
	FieldHomepageURL DetailField = 1 << iota
	FieldVisibility
	FieldOpenIssuesCount
	FieldWatcherCount
	FieldDiskUsage
	FieldHasIssuesEnabled
	FieldHasWikiEnabled
	FieldTopics
	FieldParent
	FieldViewerPermission
)

// Details are a repository's scalar details beyond the list fields. A nil pointer (or nil Topics) is
// a value the forge did not report; whether that is final or the detail endpoint must be asked is
// what Known says.
type Details struct {
	// Known is the set of fields this value answers for, null ones included: a list item carries
	// some fields (Known says which), the detail endpoint carries all the forge has.
	Known       DetailField `json:"known"`
	HomepageURL *string     `json:"homepageUrl,omitempty"`
	Visibility  *Visibility `json:"visibility,omitempty"`
	// OpenIssuesCount is the forge's count of open issues (GitHub's open_issues_count also counts
	// pull requests).
	OpenIssuesCount *int `json:"openIssuesCount,omitempty"`
	// WatcherCount is the number of people watching (GitHub subscribers_count), not the stars.
	WatcherCount *int `json:"watcherCount,omitempty"`
	// DiskUsage is in kilobytes.
	DiskUsage        *int     `json:"diskUsage,omitempty"`
	HasIssuesEnabled *bool    `json:"hasIssuesEnabled,omitempty"`
	HasWikiEnabled   *bool    `json:"hasWikiEnabled,omitempty"`
	Topics           []string `json:"topics,omitempty"`
	// Parent is the repository this one was forked from; nil when it is not a fork or unknown.
	Parent           *Repository `json:"parent,omitempty"`
	ViewerPermission *Permission `json:"viewerPermission,omitempty"`
}

// Has reports whether d answers for f; a nil d answers for nothing.
func (d *Details) Has(f DetailField) bool { return d != nil && d.Known&f != 0 }

// Ref is a branch or a tag.
type Ref struct {
	Name string `json:"name"`
	// CommitSHA is the commit the ref points to; nil when unknown.
	CommitSHA *string `json:"commitSha,omitempty"`
	// IsProtected is whether the branch is protected; nil for tags and where unknown.
	IsProtected *bool `json:"isProtected,omitempty"`
}

// RefKind is which refs a RefLister lists.
type RefKind string

// The ref kinds; their text is the GraphQL field name.
const (
	Branches RefKind = "branches"
	Tags     RefKind = "tags"
)

// Language is one language of a repository's code.
type Language struct {
	Name string `json:"name"`
	// Color is the language's display color (#rrggbb); nil when the forge does not say.
	Color *string `json:"color,omitempty"`
	// Size is the bytes of code in the language; nil where the forge reports only percentages.
	Size *int64 `json:"size,omitempty"`
	// Percentage is the language's share of the repository's code, 0 to 100.
	Percentage float64 `json:"percentage"`
}

// Contributor is someone who committed to a repository.
type Contributor struct {
	Login     *string `json:"login,omitempty"`
	Name      *string `json:"name,omitempty"`
	AvatarURL *string `json:"avatarUrl,omitempty"`
	// Contributions is the number of commits the forge counts for them.
	Contributions int `json:"contributions"`
}

// Team is a team with access to a repository.
type Team struct {
	Name        string      `json:"name"`
	Slug        string      `json:"slug"`
	Description *string     `json:"description,omitempty"`
	Permission  *Permission `json:"permission,omitempty"`
}

// ListPage is page i of a nested list (branches, tags, contributors, teams) read from a forge:
// PageSize items, fewer only on the last page.
type ListPage[T any] struct {
	Items []T `json:"items"`
	// More reports whether another page follows.
	More bool `json:"more"`
	// Total is the exact length of the whole list when the forge said it, else -1.
	Total int `json:"total"`
	// LastIndex is the index of the last page when the forge said it (Link rel="last"), else -1.
	LastIndex int `json:"lastIndex"`
}

// The capability interfaces below are implemented by a Source only when its forge has the thing: a
// Source without one answers null for those fields, which is not an error. repo is a repository the
// source returned (its NameWithOwner and ForgeID identify it on the forge). Errors are *Error values
// with the source's name: KindNotFound when the credential cannot see the repository, the rest
// errors (KindUnauth, KindRateLimited, KindUnavailable, ...) otherwise.

// DetailFinder is a Source that reads a repository's detail endpoint.
type DetailFinder interface {
	// Details returns every scalar detail the forge has for repo (Known says which).
	Details(ctx context.Context, token string, repo *Repository) (*Details, error)
}

// RefLister is a Source that lists a repository's branches and tags in the forge's order.
type RefLister interface {
	// Refs returns page (from 0) of repo's refs of kind, PageSize per page.
	Refs(ctx context.Context, token string, repo *Repository, kind RefKind, page int) (ListPage[Ref], error)
}

// LanguageLister is a Source that knows a repository's languages.
type LanguageLister interface {
	// Languages returns every language of repo, biggest first; an empty repository has none.
	Languages(ctx context.Context, token string, repo *Repository) ([]Language, error)
}

// ContributorLister is a Source that lists a repository's contributors.
type ContributorLister interface {
	// Contributors returns page (from 0) of repo's contributors, most contributions first,
	// PageSize per page.
	Contributors(ctx context.Context, token string, repo *Repository, page int) (ListPage[Contributor], error)
}

// TeamLister is a Source that lists the teams with access to a repository.
type TeamLister interface {
	// Teams returns page (from 0) of the teams with access to repo, PageSize per page. A
	// repository that cannot have teams (a personal one) has an empty list, not an error.
	Teams(ctx context.Context, token string, repo *Repository, page int) (ListPage[Team], error)
}

// MarshalGQL writes v as a GraphQL enum value.
func (v Visibility) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(v))) }

// UnmarshalGQL reads a RepositoryVisibility enum value; anything else is a KindBadInput error.
func (v *Visibility) UnmarshalGQL(x any) error {
	s, _ := x.(string)
	switch Visibility(s) {
	case VisibilityPublic, VisibilityPrivate, VisibilityInternal:
		*v = Visibility(s)
		return nil
	}
	return Errorf(KindBadInput, "", "%v is not a RepositoryVisibility: use PUBLIC, PRIVATE or INTERNAL", x)
}

// MarshalGQL writes p as a GraphQL enum value.
func (p Permission) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(p))) }

// UnmarshalGQL reads a RepositoryPermission enum value; anything else is a KindBadInput error.
func (p *Permission) UnmarshalGQL(x any) error {
	s, _ := x.(string)
	switch Permission(s) {
	case PermissionAdmin, PermissionMaintain, PermissionWrite, PermissionTriage, PermissionRead:
		*p = Permission(s)
		return nil
	}
	return Errorf(KindBadInput, "", "%v is not a RepositoryPermission: use ADMIN, MAINTAIN, WRITE, TRIAGE or READ", x)
}

// HighestPermission is the highest level a forge's permission flags grant (GitHub's and Gitea's
// admin, maintain, push, triage, pull); nil when none is set. A forge without a level passes
// false for it.
func HighestPermission(admin, maintain, write, triage, read bool) *Permission {
	var v Permission
	switch {
	case admin:
		v = PermissionAdmin
	case maintain:
		v = PermissionMaintain
	case write:
		v = PermissionWrite
	case triage:
		v = PermissionTriage
	case read:
		v = PermissionRead
	default:
		return nil
	}
	return &v
}

// size estimates the memory d holds, in bytes (0 for nil).
func (d *Details) size() int64 {
	if d == nil {
		return 0
	}
	n := int64(128)
	if d.HomepageURL != nil {
		n += int64(len(*d.HomepageURL))
	}
	for _, t := range d.Topics {
		n += 16 + int64(len(t))
	}
	if d.Parent != nil {
		n += d.Parent.Size()
	}
	return n
}

// LanguagesFromBytes turns a forge's bytes of code per language (GitHub's and Gitea's
// `/languages` object) into Languages, biggest first, then by name, each with its Size and its
// Percentage of the total (0 when the total is 0); negative sizes count as 0, Color is nil. A nil
// or empty map gives an empty slice.
func LanguagesFromBytes(bytes map[string]int64) []Language {
	var total int64
	out := make([]Language, 0, len(bytes))
	for name, n := range bytes {
		n = max(n, 0)
		total += n
		out = append(out, Language{Name: name, Size: &n})
	}
	slices.SortFunc(out, func(a, b Language) int {
		if c := cmp.Compare(*b.Size, *a.Size); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	for i := range out {
		if total > 0 {
			out[i].Percentage = float64(*out[i].Size) * 100 / float64(total)
		}
	}
	return out
}
