package providers_test

import (
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// TestQueryKeyCoversEveryField: changing any field of Query alone changes its identity: Key for
// every field but the credential, StreamID (through the credential's hash) for Token. A field added
// to Query and forgotten in Key would let two lists share cached pages and accept each other's
// cursors; this test then fails naming the field.
func TestQueryKeyCoversEveryField(t *testing.T) {
	for _, base := range []providers.Query{
		{},
		{Token: "t", Order: providers.NewOrder(providers.SortFullName, ""), Providers: []providers.Provider{providers.GitHub, providers.GitLab}},
		{Token: "t", Order: providers.NewOrder("", ""), Owner: providers.OwnerRef{Login: "acme/platform", Kind: providers.OwnerOrganization}},
		{Order: providers.NewOrder("", ""), Filter: providers.Filter{Query: "ab", Privacy: providers.PrivacyPrivate,
			Affiliations: []providers.Affiliation{providers.AffOwner}, IsFork: new(true), IsArchived: new(false)}},
	} {
		providertest.EachFieldChanged(t, base, func(field string, changed providers.Query) {
			if field == "Token" {
				if changed.Key() != base.Key() {
					t.Errorf("Key holds the credential: %q", changed.Key())
				}
				if providers.StreamID("s", "", changed) == providers.StreamID("s", "", base) {
					t.Errorf("StreamID does not change with the credential")
				}
				return
			}
			if changed.Key() == base.Key() {
				t.Errorf("changing Query.%s alone leaves Key %q unchanged: add the field to Query.Key", field, base.Key())
			}
			if providers.StreamID("s", "", changed) == providers.StreamID("s", "", base) {
				t.Errorf("changing Query.%s alone leaves StreamID unchanged", field)
			}
		})
	}
}

// TestQueryKeyIsCanonical: the same list asked in another spelling has the same key.
func TestQueryKeyIsCanonical(t *testing.T) {
	a := providers.Query{Order: providers.NewOrder("", ""), Providers: []providers.Provider{providers.GitLab, providers.GitHub}}
	b := providers.Query{Token: "other", Order: providers.NewOrder(providers.SortPushed, providers.Desc), Providers: []providers.Provider{providers.GitHub, providers.GitLab, providers.GitHub}}
	if a.Key() != b.Key() {
		t.Errorf("%q != %q", a.Key(), b.Key())
	}
	all := providers.Query{Order: a.Order}
	none := providers.Query{Order: a.Order, Providers: []providers.Provider{}}
	if all.Key() == none.Key() {
		t.Errorf("no filter and an empty filter share the key %q", all.Key())
	}
}

// TestQueryKeyOwner: an owner's list has its own key (so its own streams, cached pages and cursors),
// the viewer's list keeps the key it had before owners existed, and no login can spell another
// owner's key or another field.
func TestQueryKeyOwner(t *testing.T) {
	o := providers.NewOrder("", "")
	viewer := providers.Query{Order: o}
	if got, want := viewer.Key(), "order=PUSHED:DESC;providers=*"; got != want {
		t.Errorf("viewer key %q, want %q (the cursors of the viewer's list must keep working)", got, want)
	}
	keys := map[string]providers.OwnerRef{}
	for _, ref := range []providers.OwnerRef{
		{Login: "acme", Kind: providers.OwnerUser},
		{Login: "acme", Kind: providers.OwnerOrganization},
		{Login: "Acme", Kind: providers.OwnerOrganization},
		{Login: "acme/platform", Kind: providers.OwnerOrganization},
		{Login: `acme";owner=USER:"x`, Kind: providers.OwnerOrganization},
		{Login: "x", Kind: providers.OwnerUser},
	} {
		k := providers.Query{Order: o, Owner: ref}.Key()
		if prev, ok := keys[k]; ok {
			t.Errorf("%+v and %+v share the key %q", prev, ref, k)
		}
		keys[k] = ref
		if k == viewer.Key() {
			t.Errorf("owner %+v has the viewer's key", ref)
		}
	}
}

// TestFilterKey: the zero filter leaves the key as it was before filters existed (so unfiltered
// streams, cached pages and cursors are unchanged), spellings of one filter share a key, and
// filters that keep different repositories do not.
func TestFilterKey(t *testing.T) {
	o := providers.NewOrder("", "")
	if got := (providers.Query{Order: o}).Key(); got != "order=PUSHED:DESC;providers=*" {
		t.Errorf("unfiltered key %q", got)
	}
	aff := func(as ...providers.Affiliation) []providers.Affiliation { return as }
	same := [][2]providers.Filter{
		{{Query: "Foo"}, {Query: "fOO"}},
		{{Affiliations: aff(providers.AffOwner, providers.AffCollaborator)}, {Affiliations: aff(providers.AffCollaborator, providers.AffOwner, providers.AffOwner)}},
	}
	for _, p := range same {
		if p[0].Key() != p[1].Key() {
			t.Errorf("%+v and %+v: %q != %q", p[0], p[1], p[0].Key(), p[1].Key())
		}
	}
	differ := []providers.Filter{
		{}, {Query: "a"}, {Query: "a,privacy=PUBLIC"}, {Query: "a", Privacy: providers.PrivacyPublic},
		{Privacy: providers.PrivacyPrivate}, {Affiliations: []providers.Affiliation{}}, {Affiliations: aff(providers.AffOwner)},
		{IsFork: new(true)}, {IsFork: new(false)}, {IsArchived: new(true)}, {IsArchived: new(false)},
	}
	seen := map[string]int{}
	for i, f := range differ {
		if j, ok := seen[f.Key()]; ok {
			t.Errorf("filters %+v and %+v share the key %q", differ[j], f, f.Key())
		}
		seen[f.Key()] = i
	}
}
