package gitlab_test

import (
	"context"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitlab/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// TestStreamDeclaresTies: the native stream declares GitLab's order of repositories with the same
// date (project id in the sort's direction, as the fake serves it from GitLab's code), in every
// date order; cursors place a walk inside a tie by it.
func TestStreamDeclaresTies(t *testing.T) {
	e := newEnv(t, fake.New(token, makeRepos(300)), nil, nil)
	for _, srt := range []providers.Sort{providers.SortPushed, providers.SortUpdated, providers.SortCreated} {
		for _, d := range []providers.Direction{providers.Desc, providers.Asc} {
			o := providers.NewOrder(srt, d)
			st, err := e.src.Streams(context.Background(), providers.Query{Token: token, Order: o})
			if err != nil || len(st) != 1 {
				t.Fatalf("%v: %d streams, %v", o, len(st), err)
			}
			pairs, err := providertest.CheckTies(context.Background(), st[0], o)
			if err != nil || pairs == 0 {
				t.Fatalf("%v: %d tied pairs checked, %v", o, pairs, err)
			}
		}
	}
}
