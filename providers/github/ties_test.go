package github_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// TestStreamDeclaresTies: the list stream declares the order the fake gives repositories with the
// same date (by id in the sort's direction, not by full path), in every date order; cursors place a
// walk inside a tie by it.
func TestStreamDeclaresTies(t *testing.T) {
	s, _, _ := fakeSource(t, genRepos(rand.New(rand.NewPCG(5, 5)), 400))
	for _, srt := range []providers.Sort{providers.SortPushed, providers.SortUpdated, providers.SortCreated} {
		for _, d := range []providers.Direction{providers.Desc, providers.Asc} {
			o := providers.NewOrder(srt, d)
			pairs, err := providertest.CheckTies(context.Background(), stream(t, s, o), o)
			if err != nil || pairs == 0 {
				t.Fatalf("%v: %d tied pairs checked, %v", o, pairs, err)
			}
		}
	}
}
