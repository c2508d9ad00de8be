package openhands_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/openhands/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// The unpaged list (no selected_provider) is never paged, and a merged walk in any order reads it
// once per credential.
func TestUnpagedListReadOncePerCredential(t *testing.T) {
	repos := allRepos(150, 11)
	a, b := fake.New("key-a", repos), fake.New("key-b", repos[:200])
	var mu sync.Mutex
	var queries []string
	srv := httptest.NewServer(http.StripPrefix("/oh", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		if r.Header.Get("X-Session-API-Key") == "key-b" {
			b.ServeHTTP(w, r)
			return
		}
		a.ServeHTTP(w, r)
	})))
	defer srv.Close()
	src := newSource(t, srv.URL+"/oh", nil, 0)
	ctx := context.Background()
	for _, tok := range []string{"key-a", "key-b"} {
		for _, s := range allSorts {
			for _, d := range allDirs {
				o := providers.NewOrder(s, d)
				st, err := src.Streams(ctx, providers.Query{Token: tok, Order: o})
				if err != nil {
					t.Fatal(err)
				}
				providers.SortStreams(st)
				fwd, _ := walk(t, st, o, 1)
				want := 450
				if tok == "key-b" {
					want = 200
				}
				if len(fwd) != want {
					t.Fatalf("%s %v: %d repositories, want %d", tok, o, len(fwd), want)
				}
				if _, err := providers.Count(ctx, st, providers.FetchDirect); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if a.Requests() != 1 || b.Requests() != 1 {
		t.Errorf("unpaged list read %d and %d times, want once per credential", a.Requests(), b.Requests())
	}
	for _, q := range queries {
		if q != "" {
			t.Errorf("unpaged read sent query %q: it must not page (no selected_provider, page or per_page)", q)
		}
	}
}

func TestEnterpriseSSOSkipped(t *testing.T) {
	repos := allRepos(40, 13)
	e := newEnv(t, repos, nil)
	e.fake.EnterpriseSSO = makeRepos(providers.GitHub, 25, 99)
	for i := range e.fake.EnterpriseSSO {
		e.fake.EnterpriseSSO[i].NameWithOwner = "sso/" + e.fake.EnterpriseSSO[i].Name
	}
	// The fake does list them...
	req, _ := http.NewRequest(http.MethodGet, e.base+"/api/user/repositories", nil)
	req.Header.Set("X-Session-API-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var raw []struct {
		GitProvider string `json:"git_provider"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sso := 0
	for _, r := range raw {
		if r.GitProvider == "enterprise_sso" {
			sso++
		}
	}
	if len(raw) != 145 || sso != 25 {
		t.Fatalf("fake listed %d items with %d enterprise_sso, want 145 and 25", len(raw), sso)
	}
	// ...and the source skips them.
	o := providers.NewOrder(providers.SortFullName, "")
	fwd, _ := walk(t, e.streams(t, o), o, 3)
	sameOrder(t, "merged without enterprise_sso", fwd, expectedOrder(o, wireView(repos)))
	for _, id := range fwd {
		if strings.Contains(id, "sso/") {
			t.Fatalf("enterprise_sso repository %s listed", id)
		}
	}
}

// OpenHands turns GitLab's full_name into order_by=name, sort=desc: the project's name, descending.
// The source must still answer FULL_NAME in full-path order.
func TestGitLabFullNameSortedLocally(t *testing.T) {
	repos := makeRepos(providers.GitLab, 140, 17)
	e := newEnv(t, repos, nil)
	req, _ := http.NewRequest(http.MethodGet, e.base+"/api/user/repositories?selected_provider=gitlab&sort=full_name&page=1&per_page=100", nil)
	req.Header.Set("X-Session-API-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var raw []struct {
		FullName string `json:"full_name"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	names := make([]string, len(raw))
	fakeOrder := make([]string, len(raw))
	for i, r := range raw {
		names[i] = strings.ToLower(r.FullName[strings.LastIndex(r.FullName, "/")+1:])
		fakeOrder[i] = "GITLAB/" + strings.ToLower(r.FullName)
	}
	if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Fatalf("the fake does not answer GitLab by project name descending: %v", names[:5])
	}
	for _, d := range allDirs {
		o := providers.NewOrder(providers.SortFullName, d)
		e.queries()
		fwd, bwd := walk(t, e.streams(t, o, providers.GitLab), o, 5)
		want := expectedOrder(o, wireView(repos))
		sameOrder(t, fmt.Sprintf("gitlab %v forward", o), fwd, want)
		sameOrder(t, fmt.Sprintf("gitlab %v backward", o), bwd, want)
		if slices.Equal(fwd[:len(fakeOrder)], fakeOrder) {
			t.Fatalf("gitlab %v came out in OpenHands' (project name) order", o)
		}
		if d == providers.Asc && !slices.IsSorted(fwd) {
			t.Fatalf("gitlab FULL_NAME ASC is not in full-path order")
		}
	}
}

// OpenHands answers selected_provider=bitbucket with [] unless installation_id names a workspace:
// a Bitbucket-only list is served from the unpaged list instead.
func TestBitbucketAloneReadsTheUnpagedList(t *testing.T) {
	repos := allRepos(60, 19)
	e := newEnv(t, repos, nil)
	o := providers.NewOrder(providers.SortPushed, "")
	fwd, _ := walk(t, e.streams(t, o, providers.Bitbucket), o, 2)
	sameOrder(t, "bitbucket", fwd, expectedOrder(o, wireView(ofProvider(repos, providers.Bitbucket))))
	for _, q := range e.queries() {
		if len(q) != 0 {
			t.Errorf("bitbucket list sent %v", q)
		}
	}
}

// A 422 (here the fake's own, for per_page=0) surfaces with its validation messages.
func TestValidationErrorSurfaces(t *testing.T) {
	f := fake.New(key, allRepos(10, 1))
	srv := httptest.NewServer(http.StripPrefix("/oh", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Set("per_page", "0")
		q.Set("selected_provider", "sourceforge")
		r.URL.RawQuery = q.Encode()
		f.ServeHTTP(w, r)
	})))
	defer srv.Close()
	src, logs := loggedSource(t, srv.URL+"/oh", nil, 0)
	o := providers.NewOrder("", "")
	for _, ps := range [][]providers.Provider{{providers.GitHub}, {providers.GitLab}, nil} {
		st, err := src.Streams(context.Background(), providers.Query{Token: key, Order: o, Providers: ps})
		if err != nil {
			t.Fatal(err)
		}
		_, err = st[0].FetchPage(context.Background(), 0, "")
		var pe *providers.Error
		if !errors.As(err, &pe) || pe.Source != "openhands" {
			t.Fatalf("%v: got %v, want a *providers.Error of openhands", ps, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "HTTP 422") {
			t.Errorf("%v: message %q does not name the status", ps, msg)
		}
		// The validation errors are the forge's words: logged for the operator, not sent on.
		providertest.ForgeTextLogged(t, err, "query.per_page: Input should be greater than 0", logs)
		providertest.ForgeTextLogged(t, err, "query.selected_provider: Input should be 'github'", logs)
	}
}
