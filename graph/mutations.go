package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/graph/model"
	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// ReplayTTL is how long a clientMutationId's answer is kept: the same mutation with the same input,
// clientMutationId and credential within it gets the first answer and reaches no forge.
const ReplayTTL = 10 * time.Minute

// maxClientMutationID bounds clientMutationId.
const maxClientMutationID = 256

// Writes configures the mutations.
type Writes struct {
	// Allow (ALLOW_MUTATIONS=true) lets mutations use server-held tokens; false refuses them with
	// FORBIDDEN. Per-request header credentials may always mutate.
	Allow bool
	// Demo is demo mode: the sources are in-memory fakes, which any request may change.
	Demo bool
	// Replays keeps clientMutationId answers, sealed with the credential (GetSealed/SetSealed; shared
	// through Redis when configured); nil keeps them in this process's memory. It is not under the
	// scopes' generations, which every mutation's invalidation changes.
	Replays cache.Backend[json.RawMessage]
	// Observe, when set, is told each mutation's source, operation and outcome ("ok", "replayed" or
	// the error code), e.g. metrics.Metrics.Mutation.
	Observe func(source, operation, outcome string)
	// Flight configures how identical mutations sent at once wait for one another
	// (mutationflight.go).
	Flight Flight
}

// writer finds the source that writes to forge p and the request's token for it. It fails with
// KindNotSupported when no enabled source can write to p, KindUnauth without a token, and
// KindForbidden when the token is server-held and mutations with server-held tokens are off.
func (r *Resolver) writer(ctx context.Context, p providers.Provider) (providers.Writer, string, string, error) {
	if !p.Valid() {
		return nil, "", "", providers.Errorf(providers.KindBadInput, "", "provider %q is unknown: use one of GITHUB, GITLAB, BITBUCKET, CODEARTS, GITEA", p)
	}
	creds := providers.CredentialsFrom(ctx)
	plans := r.plans(ctx, &p, providers.Query{Order: providers.NewOrder("", "")})
	for _, pl := range plans {
		w, ok := pl.source.(providers.Writer)
		if !ok {
			continue
		}
		src := pl.source.Name()
		token := creds.Token(src)
		if token == "" {
			return nil, src, "", providers.Errorf(providers.KindUnauth, src, "no token for %s: send the %s credential header", src, src)
		}
		if !r.Writes.Allow && !r.Writes.Demo && !providers.FromHeader(ctx, src) {
			return nil, src, "", providers.Errorf(providers.KindForbidden, src,
				"mutations with the server-held %s token are off: set ALLOW_MUTATIONS=true on the server, or send your own token in the request's header", src)
		}
		return w, src, token, nil
	}
	if len(plans) == 0 {
		return nil, "", "", providers.Errorf(providers.KindNotSupported, "", "no enabled source serves %s: enable it in PROVIDERS", p)
	}
	return nil, plans[0].source.Name(), "", &providers.Error{Kind: providers.KindNotSupported, Source: plans[0].source.Name(),
		Msg: "creating, changing and deleting " + string(p) + " repositories is not supported", Err: providers.ErrNoWriter}
}

// mutate runs one mutation op of input on src with token: once per clientMutationId (when given)
// and credential within ReplayTTL (identical ones sent at once included: see once), then
// invalidating every cache of that credential and source (and of aggregators fronting forge p) so
// the next query sees the change. It records the outcome.
func mutate[T any](ctx context.Context, r *Resolver, op, src, token string, p providers.Provider, cmid *string, input any, run func(context.Context) (T, error)) (T, error) {
	do := func(ctx context.Context) (T, error) {
		v, err := run(ctx)
		if err == nil {
			r.invalidate(ctx, src, p)
		}
		return v, err
	}
	var v T
	var err error
	replayed := false
	if cmid == nil {
		v, err = do(ctx)
	} else {
		// Kept by credential outside the scopes' generations: the invalidation that follows a
		// mutation must not forget its answer. Identical mutations in progress join (once).
		key := replayKey(op, src, providers.HashToken(token), input)
		ran := false
		var raw json.RawMessage
		raw, replayed, err = r.once(ctx, token, key, func(ctx context.Context) (json.RawMessage, error) {
			ran = true
			var err error
			if v, err = do(ctx); err != nil {
				return nil, err
			}
			return json.Marshal(v)
		})
		if err == nil && !ran {
			if e := json.Unmarshal(raw, &v); e != nil {
				err = providers.Errorf(providers.KindInternal, src, "the kept answer of this clientMutationId cannot be read: send the mutation with a new clientMutationId")
			}
		}
	}
	outcome := "ok"
	switch {
	case err != nil:
		outcome = Code(providers.KindOf(err))
	case replayed:
		outcome = "replayed"
	}
	r.observe(ctx, src, op, outcome)
	return v, err
}

// replays returns the clientMutationId cache, an in-memory one when none was configured.
func (r *Resolver) replays() cache.Backend[json.RawMessage] {
	r.replayOnce.Do(func() {
		if r.Writes.Replays == nil {
			r.Writes.Replays = cache.NewMemory[json.RawMessage](10000)
		}
	})
	return r.Writes.Replays
}

// replayKey identifies a mutation by source, credential hash, operation and whole input
// (clientMutationId included); it holds no token.
func replayKey(op, src, cred string, input any) string {
	b, _ := json.Marshal(input)
	sum := sha256.Sum256(append([]byte(op+"\x00"), b...))
	return "mutation:" + src + ":" + cred + ":" + op + ":" + hex.EncodeToString(sum[:16])
}

// invalidate makes every cached answer of the request's credential for src, and for each
// aggregator fronting p, unreachable on every replica.
func (r *Resolver) invalidate(ctx context.Context, src string, p providers.Provider) {
	if r.Pages == nil {
		return
	}
	creds := providers.CredentialsFrom(ctx)
	_ = r.Pages.Invalidate(ctx, src, creds.Token(src))
	for _, s := range r.Sources {
		if ps := s.Providers(); len(ps) > 1 && s.Name() != src {
			for _, x := range ps {
				if x == p {
					_ = r.Pages.Invalidate(ctx, s.Name(), creds.Token(s.Name()))
				}
			}
		}
	}
}

// observe logs one mutation (source, operation, outcome; never a token or the input) and counts it.
func (r *Resolver) observe(ctx context.Context, src, op, outcome string) {
	slog.InfoContext(ctx, "mutation", slog.String("source", src), slog.String("operation", op), slog.String("outcome", outcome))
	if r.Writes.Observe != nil {
		r.Writes.Observe(src, op, outcome)
	}
}

// checkClientMutationID refuses an over-long clientMutationId.
func checkClientMutationID(id *string) error {
	if id != nil && len(*id) > maxClientMutationID {
		return providers.Errorf(providers.KindBadInput, "", "clientMutationId is longer than %d bytes: use a shorter one (e.g. a UUID)", maxClientMutationID)
	}
	return nil
}

// CreateRepository answers Mutation.createRepository.
func (r *Resolver) CreateRepository(ctx context.Context, in model.CreateRepositoryInput) (*model.CreateRepositoryPayload, error) {
	if err := checkClientMutationID(in.ClientMutationID); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || strings.ContainsAny(name, "/\x00") {
		return nil, providers.Errorf(providers.KindBadInput, "", "name %q is not a repository name: give a non-empty name without \"/\"", in.Name)
	}
	owner := ""
	if in.Owner != nil {
		owner = strings.TrimSpace(*in.Owner)
	}
	w, src, token, err := r.writer(ctx, in.Provider)
	if err != nil {
		r.observe(ctx, src, "createRepository", Code(providers.KindOf(err)))
		return nil, err
	}
	ci := providers.CreateInput{Owner: owner, Name: name, Visibility: in.Visibility, Description: in.Description,
		HomepageURL: in.HomepageURL, HasIssuesEnabled: in.HasIssuesEnabled, HasWikiEnabled: in.HasWikiEnabled,
		AutoInit: in.AutoInit, GitignoreTemplate: in.GitignoreTemplate, LicenseTemplate: in.LicenseTemplate}
	return mutate(ctx, r, "createRepository", src, token, in.Provider, in.ClientMutationID, in, func(ctx context.Context) (*model.CreateRepositoryPayload, error) {
		repo, err := w.CreateRepository(ctx, token, in.Provider, ci)
		if err != nil {
			return nil, err
		}
		return &model.CreateRepositoryPayload{ClientMutationID: in.ClientMutationID, Repository: repo}, nil
	})
}

// UpdateRepository answers Mutation.updateRepository.
func (r *Resolver) UpdateRepository(ctx context.Context, in model.UpdateRepositoryInput) (*model.UpdateRepositoryPayload, error) {
	if err := checkClientMutationID(in.ClientMutationID); err != nil {
		return nil, err
	}
	gid, err := providers.DecodeGlobalID(in.RepositoryID)
	if err != nil {
		return nil, err
	}
	ui := providers.UpdateInput{Name: in.Name, Description: in.Description, HomepageURL: in.HomepageURL, Visibility: in.Visibility,
		HasIssuesEnabled: in.HasIssuesEnabled, HasWikiEnabled: in.HasWikiEnabled, DefaultBranch: in.DefaultBranch, IsArchived: in.IsArchived}
	if ui.Empty() {
		return nil, providers.Errorf(providers.KindBadInput, "", "updateRepository changes nothing: give at least one field to change (name, description, isArchived, ...)")
	}
	if ui.Name != nil && (strings.TrimSpace(*ui.Name) == "" || strings.ContainsAny(*ui.Name, "/\x00")) {
		return nil, providers.Errorf(providers.KindBadInput, "", "name %q is not a repository name: give a non-empty name without \"/\"", *ui.Name)
	}
	w, src, token, err := r.writer(ctx, gid.Provider)
	if err != nil {
		r.observe(ctx, src, "updateRepository", Code(providers.KindOf(err)))
		return nil, err
	}
	return mutate(ctx, r, "updateRepository", src, token, gid.Provider, in.ClientMutationID, in, func(ctx context.Context) (*model.UpdateRepositoryPayload, error) {
		repo, err := w.UpdateRepository(ctx, token, gid, ui)
		if err != nil {
			return nil, err
		}
		return &model.UpdateRepositoryPayload{ClientMutationID: in.ClientMutationID, Repository: repo}, nil
	})
}

// DeleteRepository answers Mutation.deleteRepository: it looks the repository up first (by its
// forge id) and deletes it only when confirmNameWithOwner equals its current nameWithOwner.
func (r *Resolver) DeleteRepository(ctx context.Context, in model.DeleteRepositoryInput) (*model.DeleteRepositoryPayload, error) {
	if err := checkClientMutationID(in.ClientMutationID); err != nil {
		return nil, err
	}
	gid, err := providers.DecodeGlobalID(in.RepositoryID)
	if err != nil {
		return nil, err
	}
	w, src, token, err := r.writer(ctx, gid.Provider)
	if err != nil {
		r.observe(ctx, src, "deleteRepository", Code(providers.KindOf(err)))
		return nil, err
	}
	s, _ := w.(providers.Source)
	return mutate(ctx, r, "deleteRepository", src, token, gid.Provider, in.ClientMutationID, in, func(ctx context.Context) (*model.DeleteRepositoryPayload, error) {
		if s == nil {
			return nil, providers.Errorf(providers.KindInternal, src, "source cannot look repositories up")
		}
		cur, err := s.Repository(ctx, token, gid)
		if err != nil {
			return nil, err
		}
		if cur.NameWithOwner != in.ConfirmNameWithOwner {
			return nil, providers.Errorf(providers.KindBadInput, src,
				"confirmNameWithOwner %q does not match the repository's nameWithOwner %q: nothing was deleted; send its current nameWithOwner to confirm",
				in.ConfirmNameWithOwner, cur.NameWithOwner)
		}
		current := providers.GlobalID{Provider: gid.Provider, ForgeID: cur.ForgeID, NameWithOwner: cur.NameWithOwner}
		if _, err := w.DeleteRepository(ctx, token, current); err != nil {
			return nil, err
		}
		id := in.RepositoryID
		return &model.DeleteRepositoryPayload{ClientMutationID: in.ClientMutationID, DeletedRepositoryID: &id}, nil
	})
}
