package providers

import "context"

// The detail fields a DetailBatcher may answer for several repositories at once. Each text is the
// field of the detail loader's key (graph/loaders.DetailKey) the per-repository read of the same
// thing is cached under, so a batched read and a per-repository read share their cache entries.
const (
	// BatchLanguages is a repository's languages: the value is []Language, biggest first, as
	// LanguageLister.Languages returns them.
	BatchLanguages = "languages"
	// BatchBranchCount is the number of a repository's branches: the value is an int, as
	// NestedCounter.CountNested(..., "branches") returns it.
	BatchBranchCount = "branches.count"
	// BatchTagCount is the number of a repository's tags: the value is an int, as
	// NestedCounter.CountNested(..., "tags") returns it.
	BatchTagCount = "tags.count"
)

// MaxBatchDetails is how many repositories one BatchDetails call is given at most; a caller with
// more splits them into several calls.
const MaxBatchDetails = 25

// DetailRequest asks for one detail Field (BatchLanguages, BatchBranchCount or BatchTagCount) of
// Repo, a repository the source returned.
type DetailRequest struct {
	Repo  *Repository
	Field string
}

// DetailResult is the answer to one DetailRequest: Value ([]Language for BatchLanguages, int for
// the counts) when Err is nil. Err is a *Error of that request alone: KindNotFound when the
// credential cannot see the repository (the other requests of the call are still answered),
// KindBadInput for a field the source does not batch or a path that is not the forge's; a failure
// of the whole upstream request (KindUnauth for a rejected token, KindRateLimited with ResetAt
// when known, KindUnavailable for 5xx or an unreachable forge, KindTimeout, KindBadResponse for an
// answer that cannot be read) is given to every request of the call.
type DetailResult struct {
	Value any
	Err   error
}

// DetailBatcher is a Source that can read some repository details of several repositories in one
// upstream request (GitHub's GraphQL API). It is optional: sources without it are read one
// repository at a time through LanguageLister and NestedCounter.
type DetailBatcher interface {
	// BatchesDetail reports whether BatchDetails answers field (BatchLanguages, BatchBranchCount,
	// BatchTagCount).
	BatchesDetail(field string) bool
	// BatchDetails answers reqs (at most MaxBatchDetails distinct repositories), read with token:
	// one DetailResult per request, in the same order, never nil. The values are exactly those the
	// per-repository methods would return for the same repositories.
	BatchDetails(ctx context.Context, token string, reqs []DetailRequest) []DetailResult
}
