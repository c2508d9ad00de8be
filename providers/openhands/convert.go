package openhands

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
)

// repository is one item of GET /api/user/repositories (OpenHands' Repository schema).
type repository struct {
	ID              flexString `json:"id"`
	FullName        string     `json:"full_name"`
	GitProvider     string     `json:"git_provider"`
	IsPublic        bool       `json:"is_public"`
	StargazersCount *int       `json:"stargazers_count"`
	LinkHeader      *string    `json:"link_header"`
	PushedAt        *string    `json:"pushed_at"`
	OwnerType       *string    `json:"owner_type"`
	MainBranch      *string    `json:"main_branch"`
}

// flexString is a JSON string that also accepts a number: the schema says id is a string, and
// OpenHands builds it with str(...) from each forge's numeric id or uuid.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '"' && !bytes.Equal(b, []byte("null")) {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*f = flexString(n.String())
		return nil
	}
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s != nil {
		*f = flexString(*s)
	}
	return nil
}

// OpenHands' ProviderType values for the forges forgegraph knows.
const (
	wireGitHub        = "github"
	wireGitLab        = "gitlab"
	wireBitbucket     = "bitbucket"
	wireEnterpriseSSO = "enterprise_sso"
)

// providerOf maps OpenHands' git_provider to a Provider; ok is false for values forgegraph has no
// forge for: enterprise_sso (an identity provider, not a forge) and any forge OpenHands adds later.
func providerOf(gitProvider string) (providers.Provider, bool) {
	switch strings.ToLower(gitProvider) {
	case wireGitHub:
		return providers.GitHub, true
	case wireGitLab:
		return providers.GitLab, true
	case wireBitbucket:
		return providers.Bitbucket, true
	}
	return "", false
}

// wireProvider is the selected_provider value for p.
func wireProvider(p providers.Provider) string {
	return strings.ToLower(string(p))
}

// sortParam is OpenHands' sort value for s (pushed, updated, created, full_name).
func sortParam(s providers.Sort) string {
	return strings.ToLower(string(s))
}

// convertRepository converts one item. ok is false for items of a git_provider forgegraph has no
// Provider for (enterprise_sso and unknown ones): the caller skips them. An item without id or
// full_name (both required by the schema) is a KindBadResponse error.
func convertRepository(w *repository) (r providers.Repository, ok bool, err error) {
	p, ok := providerOf(w.GitProvider)
	if !ok {
		return r, false, nil
	}
	if w.ID == "" || w.FullName == "" {
		return r, false, providers.Errorf(providers.KindBadResponse, SourceName,
			"a %s repository without id or full_name (id %q, full_name %q)", w.GitProvider, string(w.ID), w.FullName)
	}
	r = providers.Repository{
		ForgeID:        string(w.ID),
		Provider:       p,
		Name:           w.FullName,
		NameWithOwner:  w.FullName,
		IsPrivate:      !w.IsPublic,
		StargazerCount: w.StargazersCount,
		DefaultBranch:  providers.NonEmptyPtr(w.MainBranch),
		PushedAt:       parseTime(w.PushedAt),
	}
	if owner, name := providers.SplitPath(w.FullName); owner != "" {
		r.Owner, r.Name = owner, name
	}
	r.Affiliation = affiliationOf(w.OwnerType)
	return r, true, nil
}

// parseTime parses a pushed_at value to UTC; nil when absent, empty or unparsable. It comes in
// each forge's own form (GitHub "…Z", GitLab "….000Z", Bitbucket "….123456+00:00") or as Python's
// isoformat without a zone, which OpenHands means as UTC.
func parseTime(s *string) *time.Time { return wire.TimePtr(s, time.UTC) }

// affiliationOf is the affiliation an item's owner_type gives: "organization" (a GitHub
// organization, a GitLab group, a Bitbucket workspace) is ORGANIZATION_MEMBER; "user" is OWNER
// (OpenHands does not say who the viewer is, so another user's repository the viewer collaborates
// on cannot be told from its own and counts as OWNER); absent or unknown is "" (kept only by a list
// without an affiliation filter).
func affiliationOf(ownerType *string) providers.Affiliation {
	if ownerType == nil {
		return ""
	}
	switch strings.ToLower(*ownerType) {
	case "organization":
		return providers.AffOrganizationMember
	case "user":
		return providers.AffOwner
	}
	return ""
}
