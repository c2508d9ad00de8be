package codearts

// This file finds what CodeArts' v1 writes take and forgegraph's ids do not hold: a repository's
// 32-character UUID (from the list items, which carry it: v4's uuid, v2's repository_uuid), a
// project's UUID from its name (v4 items carry project_name and project_id), and a created
// repository as the list shows it.

import (
	"context"
	"net/http"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// maxLookupPages bounds a lookup's walk over the list (100 repositories a page), so a forge that
// ignores the paging parameters cannot make it loop forever.
const maxLookupPages = 1000

// isUUID reports whether s has the shape of a CodeArts project or repository UUID: 32 letters and
// digits.
func isUUID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// item is what a lookup reads of one list item, whichever version sent it.
type item struct {
	id, uuid, projectID, projectName string
	repo                             providers.Repository
}

// walk reads the list of version (v4 newest first, v2 in its own order) page by page and calls
// visit with each item until visit reports true or the list ends. It fails like the list reads and
// with KindBadResponse past maxLookupPages.
func (s *Source) walk(ctx context.Context, token, version string, visit func(item) bool) error {
	for page := 0; page < maxLookupPages; page++ {
		var items []item
		if version == APIv2 {
			wire, total, err := s.v2Wire(ctx, token, page+1, providers.PageSize)
			if err != nil {
				return err
			}
			for i := range wire {
				w := &wire[i]
				items = append(items, item{id: string(w.RepositoryID), uuid: w.RepositoryUUID, projectID: w.ProjectUUID, repo: convertV2(w)})
			}
			if visitAll(items, visit) || len(wire) < providers.PageSize || (total >= 0 && (page+1)*providers.PageSize >= total) {
				return nil
			}
			continue
		}
		wire, _, err := s.v4Wire(ctx, token, page*providers.PageSize, providers.PageSize, "created_at", "desc", "", nil)
		if err != nil {
			return err
		}
		for i := range wire {
			w := &wire[i]
			items = append(items, item{id: string(w.ID), uuid: w.UUID, projectID: w.ProjectID, projectName: w.ProjectName, repo: convertV4(w)})
		}
		if visitAll(items, visit) || len(wire) < providers.PageSize {
			return nil
		}
	}
	return s.errorf(providers.KindBadResponse, "the list did not end within %d pages", maxLookupPages)
}

func visitAll(items []item, visit func(item) bool) bool {
	for _, it := range items {
		if visit(it) {
			return true
		}
	}
	return false
}

// repositoryUUID returns the UUID of the repository whose forge id is forgeID, read from the list
// the source reads (v4's uuid or v2's repository_uuid); on v4, an item without one is looked up in
// the v2 list. A repository in neither is KindNotFound; one whose items carry no UUID is
// KindBadResponse. Nothing is guessed.
func (s *Source) repositoryUUID(ctx context.Context, token, forgeID string) (string, error) {
	found, uuid := false, ""
	find := func(it item) bool {
		if it.id != forgeID {
			return false
		}
		found = true
		if isUUID(it.uuid) {
			uuid = it.uuid
		}
		return true
	}
	if err := s.walk(ctx, token, s.version, find); err != nil {
		return "", err
	}
	if uuid == "" && found && s.version == APIv4 {
		if err := s.walk(ctx, token, APIv2, find); err != nil {
			return "", err
		}
	}
	switch {
	case uuid != "":
		return uuid, nil
	case found:
		return "", s.errorf(providers.KindBadResponse, "the forge's list gives no repository UUID for repository %s, which its delete API needs", forgeID)
	}
	return "", s.errorf(providers.KindNotFound, "repository %s not found among the token's repositories", forgeID)
}

// projectUUID returns the UUID of the project owner names: owner itself when it is a UUID; on v4,
// the project_id of the list items whose project_name is owner. Every other owner is KindBadInput
// saying to pass the project's UUID and where to find it.
func (s *Source) projectUUID(ctx context.Context, token, owner string) (string, error) {
	const where = "set owner to the project's 32-character UUID: the first segment of its repositories' nameWithOwner, or the project's id in the CodeArts console's project URL"
	switch {
	case owner == "":
		return "", s.errorf(providers.KindBadInput, "CodeArts creates repositories in a project: %s", where)
	case isUUID(owner):
		return owner, nil
	case strings.Contains(owner, "/"):
		first, _, _ := strings.Cut(owner, "/")
		return "", s.errorf(providers.KindBadInput, "owner %q is a path: CodeArts' create API takes a project, not a repository group, and makes the repository at the project's top level; %s (here perhaps %q)", owner, where, first)
	case s.version != APIv4:
		return "", s.errorf(providers.KindBadInput, "owner %q is not a project UUID, and CodeArts' v2 list gives no project names to find it by: %s", owner, where)
	}
	ids := map[string]bool{}
	err := s.walk(ctx, token, APIv4, func(it item) bool {
		if it.projectName == owner && isUUID(it.projectID) {
			ids[it.projectID] = true
		}
		return false
	})
	if err != nil {
		return "", err
	}
	if len(ids) == 1 {
		for id := range ids {
			return id, nil
		}
	}
	if len(ids) > 1 {
		return "", s.errorf(providers.KindBadInput, "%d projects are named %q: %s", len(ids), owner, where)
	}
	return "", s.errorf(providers.KindBadInput, "no project named %q among the projects of the token's repositories: %s", owner, where)
}

// created returns the repository the create answered uuid for, as the list shows it: on v4, from
// the newest page of the v4 list (so its id and fields are the list's); else, or when it is not
// there, from GET /v2/repositories/{repository_uuid} (ShowRepositoryByUuid, a v2 list item).
func (s *Source) created(ctx context.Context, token, uuid string) (*providers.Repository, error) {
	if s.version == APIv4 {
		wire, _, err := s.v4Wire(ctx, token, 0, providers.PageSize, "created_at", "desc", "", nil)
		if err != nil {
			return nil, err
		}
		for i := range wire {
			if wire[i].UUID == uuid {
				r := convertV4(&wire[i])
				if r.ForgeID != "" {
					return &r, nil
				}
			}
		}
	}
	p, err := s.client.Path("/v2/repositories", uuid)
	if err != nil {
		return nil, err
	}
	var a struct {
		Result *v2Repo `json:"result"`
		Status string  `json:"status"`
	}
	resp, err := s.client.Send(ctx, token, http.MethodGet, p, nil, &a)
	if err != nil {
		return nil, err
	}
	if a.Result == nil || a.Status == "failed" {
		return nil, s.client.Reported(ctx, resp.Status, "no repository in the answer")
	}
	r := convertV2(a.Result)
	if r.ForgeID == "" {
		return nil, s.errorf(providers.KindBadResponse, "repository %q has no repository_id", r.NameWithOwner)
	}
	return &r, nil
}
