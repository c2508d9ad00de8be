package bitbucket_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// TestRepositoryByUUIDAlone: a version 2 id holds the {uuid} alone; the repository is found in
// whichever of the credential's workspaces holds it (GET /repositories/{workspace}/{uuid} for each
// in turn, the listing of workspaces read once), so it resolves after a rename or a move between
// them. A uuid no workspace has is NOT_FOUND after asking each; a forge id that is no {uuid} is
// NOT_FOUND without a request.
func TestRepositoryByUUIDAlone(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(5, 5)), map[string]int{"jdoe": 2, "team": 2})
	e := newEnv(t, token, repos)
	ctx := context.Background()
	var want providers.Repository
	for _, r := range repos {
		if strings.HasPrefix(r.NameWithOwner, "team/") {
			want = r
		}
	}
	got, err := e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.Bitbucket, ForgeID: want.ForgeID})
	if err != nil || got.NameWithOwner != want.NameWithOwner || got.ForgeID != want.ForgeID {
		t.Fatalf("got %+v, %v; want %s", got, err, want.NameWithOwner)
	}
	var paths []string
	for _, r := range e.requests() {
		paths = append(paths, r.Path)
	}
	if strings.Join(paths, " ") != "/user/workspaces /repositories/jdoe/"+want.ForgeID+" /repositories/team/"+want.ForgeID {
		t.Fatalf("requests %v", paths)
	}
	e.reset()
	_, err = e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.Bitbucket, ForgeID: "{00000000-0000-4000-8000-999999999999}"})
	if k := kindOf(t, err); k != providers.KindNotFound || len(e.requests()) != 2 { // the listing is cached
		t.Fatalf("unknown uuid: kind %s, %d requests", k, len(e.requests()))
	}
	e.reset()
	_, err = e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.Bitbucket, ForgeID: "12345"})
	if k := kindOf(t, err); k != providers.KindNotFound || len(e.requests()) != 0 {
		t.Fatalf("non-uuid forge id: kind %s, %d requests", k, len(e.requests()))
	}
}
