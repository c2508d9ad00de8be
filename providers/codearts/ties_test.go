package codearts_test

import (
	"context"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/codearts"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// TestStreamDeclaresTies: v4's native stream (UPDATED; v4 list items carry no creation time) and
// the locally sorted one (PUSHED, providers.Local) declare the order they give repositories with the
// same date, both directions; cursors place a walk inside a tie by it.
func TestStreamDeclaresTies(t *testing.T) {
	_, _, src := withFake(t, codearts.APIv4, makeRepos(3, 400))
	for _, srt := range []providers.Sort{providers.SortUpdated, providers.SortPushed} {
		for _, d := range []providers.Direction{providers.Desc, providers.Asc} {
			o := providers.NewOrder(srt, d)
			pairs, err := providertest.CheckTies(context.Background(), streamOf(t, src, token, o), o)
			if err != nil || pairs == 0 {
				t.Fatalf("%v: %d tied pairs checked, %v", o, pairs, err)
			}
		}
	}
}
