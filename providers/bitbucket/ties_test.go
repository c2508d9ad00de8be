package bitbucket_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// TestStreamDeclaresTies: each workspace's stream declares the order the fake gives repositories
// with the same date (by uuid in the sort's direction, not by full path), in every date order;
// cursors place a walk inside a tie by it.
func TestStreamDeclaresTies(t *testing.T) {
	e := newEnv(t, token, genRepos(rand.New(rand.NewPCG(8, 8)), map[string]int{"acme": 250, "zed": 120}))
	for _, srt := range []providers.Sort{providers.SortPushed, providers.SortUpdated, providers.SortCreated} {
		for _, d := range []providers.Direction{providers.Desc, providers.Asc} {
			o := providers.NewOrder(srt, d)
			total := 0
			for _, st := range e.streams(t, token, o) {
				pairs, err := providertest.CheckTies(context.Background(), st, o)
				if err != nil {
					t.Fatalf("%v, workspace %s: %v", o, st.Key(), err)
				}
				total += pairs
			}
			if total == 0 {
				t.Fatalf("%v: no tied pairs checked", o)
			}
		}
	}
}
