// Package demo is forgegraph's embedded demo: a deterministic set of realistic repositories on every
// forge, served by the forge packages' own fakes behind an in-process http.RoundTripper, so demo mode
// runs the real clients, paging and merge code and opens no network connection.
package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// Now is the demo's "today": every date in the data lies before it.
var Now = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

var (
	words = []string{"atlas", "beacon", "cinder", "delta", "ember", "falcon", "granite", "harbor", "ion",
		"juniper", "kestrel", "lumen", "meridian", "nimbus", "orbit", "pylon", "quartz", "relay", "sierra",
		"tundra", "umbra", "vector", "willow", "xenon", "yarrow", "zephyr"}
	kinds = []string{"api", "web", "cli", "sdk", "infra", "docs", "bot", "worker", "dashboard", "proxy",
		"operator", "plugin", "schemas", "mobile", "tools"}
	languages = []string{"Go", "TypeScript", "Python", "Rust", "Java", "Kotlin", "Ruby", "C++", "Shell", "HCL"}
	blurbs    = []string{"Service that %s for the %s team.", "Command-line tool to %s.", "Library that helps %s.",
		"Experiments with ways to %s.", "Deployment manifests to %s in %s."}
	verbs = []string{"sync forge webhooks", "render release notes", "schedule nightly builds",
		"index code owners", "rotate deploy keys", "track flaky tests", "mirror container images",
		"audit access tokens", "collect build metrics", "publish documentation"}
	teams = []string{"platform", "payments", "search", "mobile", "data", "security", "growth"}
)

// Data says what a forge's demo repositories look like; each forge's descriptor
// (providers/registry) holds its own.
type Data struct {
	// Owners are the namespaces the demo developer's repositories live in (users, organizations,
	// groups, workspaces); at least one.
	Owners []string
	// Count is how many repositories the forge holds.
	Count int
	// Host is the web host of the repositories' URLs ("github.com").
	Host string
	// UUIDs makes ForgeIDs braced UUIDs, as Bitbucket's; false: numeric ids.
	UUIDs bool
	// Seed is mixed into the random sequence, so a second set of the same forge (the public
	// repositories of others) differs from the first; 0 keeps the forge's own sequence.
	Seed uint64
	// Affiliations says how the demo developer reaches each owner's repositories (OWNER: its own
	// account; ORGANIZATION_MEMBER: an organization, group or workspace; COLLABORATOR: another
	// user's); an owner not named is ORGANIZATION_MEMBER. The fakes derive the viewer and the owners'
	// kinds from it, so every affiliation filter shows something in demo mode.
	Affiliations map[string]providers.Affiliation
}

// Generate returns d.Count demo repositories of provider p, the same on every call: the random
// sequence depends only on p, so a forge's demo data does not change when another forge is added.
// A Data without owners gives no repositories.
func Generate(p providers.Provider, d Data) []providers.Repository {
	if len(d.Owners) == 0 {
		return nil
	}
	seed := uint64(len(p)) * 7919
	for _, c := range p {
		seed = seed*31 + uint64(c)
	}
	rng := rand.New(rand.NewPCG(seed, 2026+d.Seed))
	out := make([]providers.Repository, 0, d.Count)
	used := map[string]bool{}
	for len(out) < d.Count {
		owner := d.Owners[rng.IntN(len(d.Owners))]
		name := words[rng.IntN(len(words))] + "-" + kinds[rng.IntN(len(kinds))]
		if rng.IntN(4) == 0 {
			name = strings.ToUpper(name[:1]) + name[1:]
		}
		full := owner + "/" + name
		if used[strings.ToLower(full)] {
			continue
		}
		used[strings.ToLower(full)] = true
		out = append(out, repo(rng, p, d, len(out), owner, name))
	}
	return out
}

func repo(rng *rand.Rand, p providers.Provider, d Data, i int, owner, name string) providers.Repository {
	created := Now.Add(-time.Duration(30+rng.IntN(6*365)) * 24 * time.Hour).Add(time.Duration(rng.IntN(86400)) * time.Second)
	updated := created.Add(time.Duration(rng.Int64N(int64(Now.Sub(created)))))
	pushed := updated.Add(-time.Duration(rng.IntN(72)) * time.Hour)
	if pushed.Before(created) {
		pushed = created
	}
	// A few repositories share a push time, as repositories pushed by one script do.
	if i%17 == 3 {
		pushed = Now.Add(-48 * time.Hour)
	}
	full, host := owner+"/"+name, d.Host
	blurb := blurbs[rng.IntN(len(blurbs))]
	args := []any{verbs[rng.IntN(len(verbs))], teams[rng.IntN(len(teams))]}
	desc := fmt.Sprintf(blurb, args[:strings.Count(blurb, "%s")]...)
	lang := languages[rng.IntN(len(languages))]
	stars := rng.IntN(40)
	if rng.IntN(8) == 0 {
		stars = 100 + rng.IntN(5000)
	}
	forks := stars / (3 + rng.IntN(5))
	fork := rng.IntN(9) == 0
	archived := rng.IntN(12) == 0
	branch := "main"
	if rng.IntN(5) == 0 {
		branch = "master"
	}
	r := providers.Repository{
		ForgeID:         fmt.Sprint(100000 + int(rng.Int32N(900000))*10 + i%10),
		Provider:        p,
		Name:            name,
		NameWithOwner:   full,
		Owner:           owner,
		Description:     ptr(desc),
		URL:             ptr("https://" + host + "/" + full),
		SSHURL:          ptr("git@" + host + ":" + full + ".git"),
		CloneURL:        ptr("https://" + host + "/" + full + ".git"),
		IsPrivate:       rng.IntN(3) == 0,
		IsFork:          &fork,
		IsArchived:      &archived,
		StargazerCount:  &stars,
		ForkCount:       &forks,
		DefaultBranch:   &branch,
		PrimaryLanguage: &lang,
		CreatedAt:       ptr(created.UTC().Truncate(time.Second)),
		UpdatedAt:       ptr(updated.UTC().Truncate(time.Second)),
		PushedAt:        ptr(pushed.UTC().Truncate(time.Second)),
	}
	r.Affiliation = providers.AffOrganizationMember
	if a, ok := d.Affiliations[owner]; ok {
		r.Affiliation = a
	}
	if d.UUIDs {
		r.ForgeID = fmt.Sprintf("{%08x-%04x-4%03x-a%03x-%012x}", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()&(1<<48-1))
	}
	return r
}

func ptr[T any](v T) *T { return &v }
