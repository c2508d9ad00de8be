package codearts

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
)

// The CodeArts source lists branches and tags (providers.RefLister). Its public API reference has
// no languages endpoint (the statistics endpoints count lines, commits and branches, not languages),
// no contributors or teams listing and no detail endpoint carrying the contract's scalar details,
// so those fields are null on CodeArts.
var _ providers.RefLister = (*Source)(nil)

// The ref endpoints, relative to the base URL, with the repository id (the list's id, v4's id or
// v2's repository_id) after the prefix:
//
//   - v4: GET /v4/repositories/{repository_id}/repository/branches and .../repository/tags, paged
//     by offset (from 0, 0–2147483647, default 0) and limit (1–100, default 20) like v4's
//     repository list, a bare JSON array; the total, when sent, is the X-Total response header.
//     Checked against the API reference, "Obtaining the Branch List" (ListBranches,
//     https://support.huaweicloud.com/intl/en-us/api-codeartsrepo/ListBranches.html: offset,
//     limit, X-Total; default order updated_desc) and "Obtaining the Tag List" (ListTags,
//     https://support.huaweicloud.com/intl/en-us/api-codeartsrepo/ListTags.html: offset, limit;
//     default order_by updated, sort desc). Neither has page/per_page; forgegraph sends no sort,
//     so refs come in the forge's default order.
//   - v2 (deprecated in favour of the v4 endpoints above):
//     GET /v2/repositories/{repository_id}/branches (page from 1, per_page 1–100, default 20, per
//     https://support.huaweicloud.com/intl/en-us/api-codeartsrepo/ListBranchesByRepositoryId.html;
//     an envelope {"result":{"branches":[...],"total":N},"status":"success"}) and
//     GET /v2/repositories/{repository_id}/tags (no paging parameters: the whole list, with
//     result.tags and result.total).
const (
	v4RefsPrefix = "/v4/repositories"
	v2RefsPrefix = "/v2/repositories"
)

// refCommit is the commit a v4 or v2 ref names.
type refCommit struct {
	ID string `json:"id"`
}

// wireRef is a branch or tag of either version (only the fields used).
type wireRef struct {
	Name      string     `json:"name"`
	Commit    *refCommit `json:"commit"`
	Protected *bool      `json:"protected"`    // v4
	IsProt    *bool      `json:"is_protected"` // v1/v2
}

// v2RefAnswer is v2's envelope of a branch or tag list.
type v2RefAnswer struct {
	Result *struct {
		Branches []wireRef `json:"branches"`
		Tags     []wireRef `json:"tags"`
		Total    *float64  `json:"total"` // documented as Double
	} `json:"result"`
	Status string          `json:"status"`
	Error  json.RawMessage `json:"error"`
}

// Refs reads page (from 0) of repo's branches or tags, 100 per page, in the forge's order. On v4
// page i is offset 100*i; Total is X-Total when sent, and More is whether the page is full (a full
// last page is followed by an empty one). On v2 branches page by page/per_page with result.total;
// tags come whole in one answer and are cut into pages here (one upstream read per page index, the
// same answer). Branches say whether they are protected where the forge sends it; tags never do.
// A repository without a numeric id is KindBadInput before any request; the forge's 404 (and its
// 403 for a repository of another tenant) is KindNotFound; other errors are the rest errors.
func (s *Source) Refs(ctx context.Context, token string, repo *providers.Repository, kind providers.RefKind, page int) (providers.ListPage[providers.Ref], error) {
	out := providers.ListPage[providers.Ref]{Total: -1, LastIndex: -1}
	if (kind != providers.Branches && kind != providers.Tags) || page < 0 {
		return out, s.errorf(providers.KindInternal, "refs %q page %d", kind, page)
	}
	if id, err := strconv.ParseInt(repo.ForgeID, 10, 64); err != nil || id < 1 || id > maxOffset {
		return out, s.errorf(providers.KindBadInput, "repository %q has id %q, not a CodeArts repository id (1 to 2147483647)", repo.NameWithOwner, repo.ForgeID)
	}
	if s.version == APIv2 {
		return s.v2Refs(ctx, token, repo, kind, page)
	}
	if page > maxOffset/providers.PageSize {
		return out, s.errorf(providers.KindBadInput, "page %d is outside the forge's offset range", page)
	}
	p, err := s.client.Path(v4RefsPrefix, repo.ForgeID, "repository", string(kind))
	if err != nil {
		return out, err
	}
	q := url.Values{"offset": {strconv.Itoa(page * providers.PageSize)}, "limit": {strconv.Itoa(providers.PageSize)}}
	resp, err := s.get(ctx, token, p, q, "")
	if err != nil {
		return out, s.notVisible(err, repo)
	}
	body := bytes.TrimSpace(resp.Body)
	if len(body) > 0 && body[0] == '{' {
		if msg := errorMessage(body); msg != "" {
			return out, s.client.Reported(ctx, resp.Status, msg)
		}
	}
	var wire []wireRef
	if err := s.client.Decode(ctx, body, &wire); err != nil {
		return out, err
	}
	if len(wire) > providers.PageSize {
		return out, s.errorf(providers.KindBadResponse, "the forge answered %d %s for limit %d", len(wire), kind, providers.PageSize)
	}
	if t, err := strconv.Atoi(resp.Header.Get("X-Total")); err == nil && t >= 0 {
		out.Total = t
	}
	out.Items = convertRefs(wire, kind)
	out.More = len(wire) == providers.PageSize
	if out.Total >= 0 {
		out.More = (page+1)*providers.PageSize < out.Total
	}
	return out, nil
}

// v2Refs reads page of repo's branches or tags on v2.
func (s *Source) v2Refs(ctx context.Context, token string, repo *providers.Repository, kind providers.RefKind, page int) (providers.ListPage[providers.Ref], error) {
	out := providers.ListPage[providers.Ref]{Total: -1, LastIndex: -1}
	p, err := s.client.Path(v2RefsPrefix, repo.ForgeID, string(kind))
	if err != nil {
		return out, err
	}
	var q url.Values
	if kind == providers.Branches {
		q = url.Values{"page": {strconv.Itoa(page + 1)}, "per_page": {strconv.Itoa(providers.PageSize)}}
	}
	resp, err := s.get(ctx, token, p, q, "")
	if err != nil {
		return out, s.notVisible(err, repo)
	}
	var a v2RefAnswer
	if err := s.client.Decode(ctx, resp.Body, &a); err != nil {
		return out, err
	}
	if msg := v2ErrorMessage(a.Error); msg != "" || a.Status == "failed" {
		if msg == "" {
			msg = "status failed"
		}
		return out, s.client.Reported(ctx, resp.Status, msg)
	}
	if a.Result == nil {
		return out, s.errorf(providers.KindBadResponse, "the %s answer has no result object", kind)
	}
	wire := a.Result.Branches
	if kind == providers.Tags {
		wire = a.Result.Tags
	}
	if a.Result.Total != nil && *a.Result.Total >= 0 {
		out.Total = int(*a.Result.Total)
	}
	if kind == providers.Tags {
		// The whole list: cut page out of it.
		lo := min(page*providers.PageSize, len(wire))
		hi := min(lo+providers.PageSize, len(wire))
		out.Items = convertRefs(wire[lo:hi], kind)
		out.More = hi < len(wire)
		out.Total = len(wire)
		return out, nil
	}
	if len(wire) > providers.PageSize {
		return out, s.errorf(providers.KindBadResponse, "the forge answered %d branches for per_page %d", len(wire), providers.PageSize)
	}
	out.Items = convertRefs(wire, kind)
	out.More = len(wire) == providers.PageSize
	if out.Total >= 0 {
		out.More = (page+1)*providers.PageSize < out.Total
	}
	return out, nil
}

// notVisible turns the forge's 403 for a repository the credential cannot see into KindNotFound;
// other errors are returned as they are.
func (s *Source) notVisible(err error, repo *providers.Repository) error {
	if providers.KindOf(err) == providers.KindForbidden {
		return providers.Errorf(providers.KindNotFound, SourceName, "repository %s is not visible to this credential", repo.NameWithOwner)
	}
	return err
}

// convertRefs turns wire refs into Refs; tags have no protection flag.
func convertRefs(wire []wireRef, kind providers.RefKind) []providers.Ref {
	out := make([]providers.Ref, len(wire))
	for i, w := range wire {
		r := providers.Ref{Name: w.Name}
		if w.Commit != nil {
			r.CommitSHA = providers.NonEmpty(w.Commit.ID)
		}
		if kind == providers.Branches {
			r.IsProtected = w.Protected
			if r.IsProtected == nil {
				r.IsProtected = w.IsProt
			}
		}
		out[i] = r
	}
	return out
}
