package fake

import (
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// wireBranch is Gitea's Branch entity as GET /repos/{owner}/{repo}/branches writes it.
type wireBranch struct {
	Name                          string     `json:"name"`
	Commit                        wireCommit `json:"commit"`
	Protected                     bool       `json:"protected"`
	RequiredApprovals             int        `json:"required_approvals"`
	EnableStatusCheck             bool       `json:"enable_status_check"`
	StatusCheckContexts           []string   `json:"status_check_contexts"`
	UserCanPush                   bool       `json:"user_can_push"`
	UserCanMerge                  bool       `json:"user_can_merge"`
	EffectiveBranchProtectionName string     `json:"effective_branch_protection_name"`
}

// wireCommit is the PayloadCommit a branch names.
type wireCommit struct {
	ID        string `json:"id"`
	Message   string `json:"message"`
	URL       string `json:"url"`
	Timestamp string `json:"timestamp"`
}

// wireTag is Gitea's Tag entity as GET /repos/{owner}/{repo}/tags writes it.
type wireTag struct {
	Name    string `json:"name"`
	Message string `json:"message"`
	ID      string `json:"id"`
	Commit  struct {
		URL     string `json:"url"`
		SHA     string `json:"sha"`
		Created string `json:"created"`
	} `json:"commit"`
	ZipballURL string `json:"zipball_url"`
	TarballURL string `json:"tarball_url"`
}

// wireTeam is Gitea's Team entity as GET /repos/{owner}/{repo}/teams writes it.
type wireTeam struct {
	ID                      int64             `json:"id"`
	Name                    string            `json:"name"`
	Description             string            `json:"description"`
	IncludesAllRepositories bool              `json:"includes_all_repositories"`
	Permission              string            `json:"permission"`
	Units                   []string          `json:"units"`
	UnitsMap                map[string]string `json:"units_map"`
	CanCreateOrgRepo        bool              `json:"can_create_org_repo"`
}

// sub answers GET /repos/{owner}/{repo}/{branches,tags,languages,teams,topics} for a repository
// the viewer can see (404 otherwise, as Gitea answers for a repository it hides). Branches, tags
// and topics page by page and limit (capped at MaxResponseItems) with X-Total-Count; branches also
// send Link, tags and topics do not (Gitea's ListTags and ListTopics set only the count). Teams
// answer 405 for a repository a user owns, and the whole list otherwise; languages are bytes per
// language.
func (s *Server) sub(w http.ResponseWriter, r *http.Request, escaped string) {
	parts := strings.Split(escaped, "/")
	owner, _ := url.PathUnescape(parts[0])
	name, _ := url.PathUnescape(parts[1])
	var repo *providers.Repository
	for _, x := range s.visible(true) {
		if strings.EqualFold(x.repo.NameWithOwner, owner+"/"+name) {
			repo = &x.repo
			break
		}
	}
	if repo == nil {
		apiError(w, r, http.StatusNotFound, "The target couldn't be found.")
		return
	}
	d := s.detailsOf(repo)
	base := "https://" + defaultHost + "/" + repo.NameWithOwner
	switch parts[2] {
	case "branches":
		lo, hi := s.window(w, r, len(d.Branches), true)
		out := make([]wireBranch, 0, hi-lo)
		for i := lo; i < hi; i++ {
			sha := commitSHA(repo.NameWithOwner, d.Branches[i])
			out = append(out, wireBranch{Name: d.Branches[i], Protected: slices.Contains(d.Protected, i),
				Commit:      wireCommit{ID: sha, Message: "Update " + d.Branches[i] + "\n", URL: base + "/commit/" + sha, Timestamp: stamp()},
				UserCanPush: d.Permission != "read", UserCanMerge: d.Permission != "read", StatusCheckContexts: []string{}})
		}
		writeJSON(w, http.StatusOK, out)
	case "tags":
		lo, hi := s.window(w, r, len(d.Tags), false)
		out := make([]wireTag, 0, hi-lo)
		for i := lo; i < hi; i++ {
			t := wireTag{Name: d.Tags[i], ID: commitSHA(repo.NameWithOwner, "tag:"+d.Tags[i]),
				ZipballURL: base + "/archive/" + d.Tags[i] + ".zip", TarballURL: base + "/archive/" + d.Tags[i] + ".tar.gz"}
			t.Commit.SHA = commitSHA(repo.NameWithOwner, d.Tags[i])
			t.Commit.URL, t.Commit.Created = "https://"+defaultHost+"/api/v1/repos/"+repo.NameWithOwner+"/git/commits/"+t.Commit.SHA, stamp()
			out = append(out, t)
		}
		writeJSON(w, http.StatusOK, out)
	case "languages":
		writeJSON(w, http.StatusOK, d.Languages)
	case "topics":
		lo, hi := s.window(w, r, len(d.Topics), false)
		writeJSON(w, http.StatusOK, map[string]any{"topics": append([]string{}, d.Topics[lo:hi]...)})
	case "teams":
		if d.Personal {
			apiError(w, r, http.StatusMethodNotAllowed, "repo is not owned by an organization")
			return
		}
		out := make([]wireTeam, 0, len(d.Teams))
		for i, t := range d.Teams {
			out = append(out, wireTeam{ID: int64(i + 1), Name: t.Name, Description: t.Description, Permission: t.Permission,
				Units: []string{"repo.code", "repo.issues"}, UnitsMap: map[string]string{"repo.code": t.Permission}})
		}
		writeJSON(w, http.StatusOK, out)
	default:
		apiError(w, r, http.StatusNotFound, "not found")
	}
}

// window cuts page (from 1) of limit out of a list of total items, limit defaulting to
// DEFAULT_PAGING_NUM and silently capped at MaxResponseItems, and sets X-Total-Count (and Link
// when link is true) as Gitea does. It returns the items' bounds.
func (s *Server) window(w http.ResponseWriter, r *http.Request, total int, link bool) (lo, hi int) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = defaultPagingNum
	}
	limit = min(limit, s.maxItems())
	lo = min((page-1)*limit, total)
	hi = min(lo+limit, total)
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	if l := links(r, total, limit, page); link && l != "" {
		w.Header().Set("Link", l)
	}
	return lo, hi
}

// commitSHA is a made-up but stable 40-hex-digit SHA for a ref of a repository.
func commitSHA(fullName, ref string) string {
	sum := sha1.Sum([]byte(strings.ToLower(fullName) + "@" + ref))
	return hex.EncodeToString(sum[:])
}

// stamp is a fixed commit time, in the form Gitea writes.
func stamp() string {
	return time.Date(2025, 6, 1, 12, 0, 0, 0, time.FixedZone("", 2*3600)).Format(time.RFC3339)
}
