package codearts_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/codearts/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// project is the project of makeRepos' "tenant0/..." repositories, as the fake derives it.
var project = fake.ProjectOf("tenant0/group0/x")

// requests returns "METHOD path" of each recorded request.
func requests(rc *recorder) []string {
	var out []string
	for _, s := range rc.Take() {
		out = append(out, s.Method+" "+s.Path)
	}
	return out
}

// TestCreateAndDelete: on both versions a create POSTs the documented body to /v1/repositories
// once and answers the repository as the list shows it (same id); a delete finds its UUID in the
// list and DELETEs /v1/repositories/{uuid} once, after which the repository is gone.
func TestCreateAndDelete(t *testing.T) {
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			_, rc, s := withFake(t, v, makeRepos(3, 12))
			ctx := context.Background()
			desc := "made by forgegraph"
			r, err := s.CreateRepository(ctx, token, providers.CodeArts, providers.CreateInput{Owner: project, Name: "fresh", Visibility: providers.VisibilityPublic, Description: &desc})
			if err != nil {
				t.Fatal(err)
			}
			if r.NameWithOwner != project+"/fresh" || r.IsPrivate || r.ForgeID != "1012" {
				t.Fatalf("created %+v", r)
			}
			calls := requests(rc)
			if calls[0] != "POST /v1/repositories" || strings.Count(strings.Join(calls, ","), "POST") != 1 {
				t.Fatalf("create requests %v", calls)
			}
			got, err := s.Repository(ctx, token, providers.GlobalID{Provider: providers.CodeArts, ForgeID: r.ForgeID})
			if err != nil || got.NameWithOwner != r.NameWithOwner {
				t.Fatalf("the list has %+v, %v; want %s", got, err, r.NameWithOwner)
			}
			rc.Take()
			if _, err := s.DeleteRepository(ctx, token, providers.GlobalID{Provider: providers.CodeArts, ForgeID: r.ForgeID, NameWithOwner: r.NameWithOwner}); err != nil {
				t.Fatal(err)
			}
			calls = requests(rc)
			if last := calls[len(calls)-1]; last != "DELETE /v1/repositories/"+fake.UUIDOf(r.ForgeID) || strings.Count(strings.Join(calls, ","), "DELETE") != 1 {
				t.Fatalf("delete requests %v", calls)
			}
			if _, err := s.DeleteRepository(ctx, token, providers.GlobalID{Provider: providers.CodeArts, ForgeID: r.ForgeID}); err == nil {
				t.Fatal("a second delete of the same repository succeeded")
			} else {
				wantKind(t, err, providers.KindNotFound, "not found")
			}
		})
	}
}

// TestCreateByProjectName: on v4 the owner may be the project's name, found in the list items'
// project_name; an unknown name, a path, no owner and (on v2) a name are BAD_USER_INPUT naming the
// project UUID, with no POST.
func TestCreateByProjectName(t *testing.T) {
	f := fake.New(token, makeRepos(3, 12))
	f.ProjectNames = map[string]string{project: "payments"}
	rc, base := serveRecorded(t, f)
	s := newSource(t, "v4", base)
	ctx := context.Background()
	r, err := s.CreateRepository(ctx, token, providers.CodeArts, providers.CreateInput{Owner: "payments", Name: "by-name", Visibility: providers.VisibilityPrivate})
	if err != nil || r.NameWithOwner != project+"/by-name" || !r.IsPrivate {
		t.Fatalf("create by project name: %+v, %v", r, err)
	}
	rc.Take()
	for _, owner := range []string{"", "no-such-project", project + "/group0"} {
		_, err := s.CreateRepository(ctx, token, providers.CodeArts, providers.CreateInput{Owner: owner, Name: "x", Visibility: providers.VisibilityPrivate})
		wantKind(t, err, providers.KindBadInput, "32-character UUID")
	}
	v2 := newSource(t, "v2", base)
	_, err = v2.CreateRepository(ctx, token, providers.CodeArts, providers.CreateInput{Owner: "payments", Name: "x", Visibility: providers.VisibilityPrivate})
	wantKind(t, err, providers.KindBadInput, "32-character UUID")
	for _, c := range requests(rc) {
		if strings.HasPrefix(c, "POST") {
			t.Fatalf("a refused owner sent %s", c)
		}
	}
}

// serveRecorded serves h under basePath and returns its recorder and base URL.
func serveRecorded(t *testing.T, h http.Handler) (*recorder, string) {
	t.Helper()
	return providertest.Serve(t, basePath, h)
}

// TestCreateRefusals: INTERNAL, fields CodeArts' create lacks and a license that is not its number
// are refused before any request; the forge's name rule is BAD_USER_INPUT with its reason; a name
// taken is CONFLICT; an unknown project NOT_FOUND.
func TestCreateRefusals(t *testing.T) {
	_, rc, s := withFake(t, "v4", makeRepos(3, 12))
	ctx := context.Background()
	yes, mit := true, "mit"
	in := func(mod func(*providers.CreateInput)) providers.CreateInput {
		c := providers.CreateInput{Owner: project, Name: "ok", Visibility: providers.VisibilityPrivate}
		mod(&c)
		return c
	}
	_, err := s.CreateRepository(ctx, token, providers.CodeArts, in(func(c *providers.CreateInput) { c.Visibility = providers.VisibilityInternal }))
	wantKind(t, err, providers.KindBadInput, "PUBLIC", "PRIVATE")
	_, err = s.CreateRepository(ctx, token, providers.CodeArts, in(func(c *providers.CreateInput) { c.HasWikiEnabled = &yes }))
	wantKind(t, err, providers.KindNotSupported, "hasWikiEnabled")
	_, err = s.CreateRepository(ctx, token, providers.CodeArts, in(func(c *providers.CreateInput) { c.LicenseTemplate = &mit }))
	wantKind(t, err, providers.KindBadInput, "license")
	if n := len(rc.Take()); n != 0 {
		t.Fatalf("refused inputs made %d requests", n)
	}
	_, err = s.CreateRepository(ctx, token, providers.CodeArts, in(func(c *providers.CreateInput) { c.Name = "bad.git" }))
	wantKind(t, err, providers.KindBadInput, "must start with a letter")
	taken := makeRepos(3, 12)[0]
	_, err = s.CreateRepository(ctx, token, providers.CodeArts, providers.CreateInput{Owner: fake.ProjectOf(taken.NameWithOwner), Name: "dup", Visibility: providers.VisibilityPrivate})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateRepository(ctx, token, providers.CodeArts, providers.CreateInput{Owner: fake.ProjectOf(taken.NameWithOwner), Name: "DUP", Visibility: providers.VisibilityPrivate})
	wantKind(t, err, providers.KindConflict, "name is taken")
	_, err = s.CreateRepository(ctx, token, providers.CodeArts, providers.CreateInput{Owner: strings.Repeat("0", 32), Name: "x", Visibility: providers.VisibilityPrivate})
	wantKind(t, err, providers.KindNotFound)
}

// TestWriteStatuses: a 403 is FORBIDDEN, a 502 on the POST or the DELETE is sent once and says the
// outcome is unknown, and an update is NOT_SUPPORTED without a request.
func TestWriteStatuses(t *testing.T) {
	f := fake.New(token, makeRepos(3, 12))
	status := 0
	rc, base := serveRecorded(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && status != 0 {
			f.ServeHTTP(discard{}, r) // the forge may have acted on it
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"error":{"code":"CH.000403","message":"No permission"},"status":"failed"}`))
			return
		}
		f.ServeHTTP(w, r)
	}))
	s := newSource(t, "v4", base)
	ctx := context.Background()
	create := providers.CreateInput{Owner: project, Name: "w", Visibility: providers.VisibilityPrivate}
	status = http.StatusForbidden
	_, err := s.CreateRepository(ctx, token, providers.CodeArts, create)
	wantKind(t, err, providers.KindForbidden, "HTTP 403")
	status = http.StatusBadGateway
	rc.Take()
	_, err = s.CreateRepository(ctx, token, providers.CodeArts, providers.CreateInput{Owner: project, Name: "w2", Visibility: providers.VisibilityPrivate})
	wantKind(t, err, providers.KindUnavailable, "may have been created: check with repository(provider: CODEARTS, nameWithOwner: \""+project+"/w2\")")
	if calls := requests(rc); len(calls) != 1 || calls[0] != "POST /v1/repositories" {
		t.Fatalf("a 502 POST: requests %v, want exactly one POST", calls)
	}
	victim := makeRepos(3, 12)[1]
	_, err = s.DeleteRepository(ctx, token, providers.GlobalID{Provider: providers.CodeArts, ForgeID: victim.ForgeID, NameWithOwner: victim.NameWithOwner})
	wantKind(t, err, providers.KindUnavailable, "may have been deleted")
	if n := strings.Count(strings.Join(requests(rc), ","), "DELETE"); n != 1 {
		t.Fatalf("%d DELETEs for one 502, want 1", n)
	}
	_, err = s.UpdateRepository(ctx, token, providers.GlobalID{Provider: providers.CodeArts, ForgeID: victim.ForgeID}, providers.UpdateInput{IsArchived: &[]bool{true}[0]})
	wantKind(t, err, providers.KindNotSupported, "no rename, archive")
	if n := len(rc.Take()); n != 0 {
		t.Fatalf("an update made %d requests", n)
	}
}

// discard is a ResponseWriter that drops what is written.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
