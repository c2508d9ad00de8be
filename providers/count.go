package providers

import "context"

// NestedCounter is a Source that can count a nested list (branches, tags, contributors, teams)
// with fewer upstream requests than reading its pages: GitHub gives no total, but one request
// with per_page=1 names the last page, whose number is the count. A connection that selects only
// totalCount uses it; one that reads items counts from the pages it reads.
type NestedCounter interface {
	// CountsNested reports whether CountNested can count field ("branches", "tags",
	// "contributors", "teams"); false leaves the count to the pages.
	CountsNested(field string) bool
	// CountNested returns the exact length of repo's list field, in one upstream request, or -1
	// when the forge's answer did not say it (the caller then counts from the pages). Errors are
	// those of reading the field's pages (KindNotFound when the credential cannot see the
	// repository, KindBadResponse for an answer that contradicts itself, the rest errors).
	CountNested(ctx context.Context, token string, repo *Repository, field string) (int, error)
}
