package rest

import (
	"fmt"
	"net/url"
	"path"
	"strings"
	"unicode"

	"github.com/forgegraph/forgegraph/providers"
)

// Path returns the escaped request path prefix + "/" + segment for each segment. prefix is a fixed
// route written in the code ("/repos", "/repositories"), never text from a client or a forge; each
// segment is one raw (unescaped) name, such as an owner or a repository name decoded from a global
// id. A segment is refused when it is empty, "." or "..", holds a control character, a "/" or a
// "\", or has a character Client.Segment does not allow; the rest is escaped with url.PathEscape,
// so "%2e%2e" stays the literal text it is. The error is a *providers.Error of KindBadInput naming
// c.Source and the segment.
func (c *Client) Path(prefix string, segments ...string) (string, error) {
	var b strings.Builder
	b.WriteString(strings.TrimRight(prefix, "/"))
	for _, seg := range segments {
		if err := c.checkSegment(seg); err != nil {
			return "", err
		}
		b.WriteByte('/')
		b.WriteString(url.PathEscape(seg))
	}
	return b.String(), nil
}

// NestedPath returns the escaped request path prefix + "/" + nested, where nested is a
// slash-separated path sent as ONE segment with each "/" encoded as %2F: GitLab's URL-encoded
// project path (GET /projects/group%2Fsub%2Fname). Each part between the slashes is checked like a
// Path segment, so neither an empty part nor "." or ".." can reach the forge, encoded or not. The
// error is a *providers.Error of KindBadInput naming c.Source and the part.
func (c *Client) NestedPath(prefix, nested string) (string, error) {
	for _, part := range strings.Split(nested, "/") {
		if err := c.checkSegment(part); err != nil {
			return "", err
		}
	}
	// PathEscape escapes "/" too: the forge sees one segment.
	return strings.TrimRight(prefix, "/") + "/" + url.PathEscape(nested), nil
}

// checkSegment applies the rules every forge shares, then the forge's own (Client.Segment).
func (c *Client) checkSegment(seg string) *providers.Error {
	reason := segmentProblem(seg)
	if reason == "" && c.Segment != nil && !c.Segment(seg) {
		reason = c.SegmentRule
		if reason == "" {
			reason = "it holds a character the forge does not allow in a name"
		}
	}
	if reason == "" {
		return nil
	}
	return c.errorf(providers.KindBadInput, nil, "%q cannot be part of a request path: %s", seg, reason)
}

// segmentProblem says why seg cannot be one path segment, "" when it can.
func segmentProblem(seg string) string {
	switch seg {
	case "":
		return "a name cannot be empty"
	case ".", "..":
		return `a name cannot be "." or ".."`
	}
	for _, r := range seg {
		switch {
		case r == '/' || r == '\\':
			return `a name cannot hold "/" or "\"`
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			return "a name cannot hold control characters or invalid UTF-8"
		}
	}
	return ""
}

// NameChars reports whether s is made only of ASCII letters, digits, "-", "_" and ".": the
// characters GitHub allows in owner and repository names, and GitLab in the slugs of users, groups
// and projects. Forges use it as Client.Segment.
func NameChars(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.') {
			return false
		}
	}
	return s != ""
}

// NameCharsRule describes NameChars for error messages.
const NameCharsRule = `a name holds only ASCII letters, digits, "-", "_" and "."`

// checkURL is the last check before a credential is sent: the unescaped path of u must stay under
// Base (path.Clean changes nothing above it) and hold no "." or ".." segment, whether written
// plainly, percent-encoded (%2e%2e) or inside an encoded slash (a%2F..%2Fb), nor a control
// character. It fails with KindBadInput: a path that gets here unchecked came from input that
// bypassed Path.
func (c *Client) checkURL(u *url.URL) *providers.Error {
	base := strings.TrimRight(c.Base.Path, "/")
	rest, under := strings.CutPrefix(u.Path, base+"/")
	bad := !under || u.Scheme != c.Base.Scheme || u.Host != c.Base.Host ||
		!strings.HasPrefix(path.Clean(u.Path), base+"/")
	for _, part := range strings.FieldsFunc(rest, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == "." || part == ".." {
			bad = true
		}
	}
	if strings.ContainsFunc(rest, unicode.IsControl) {
		bad = true
	}
	if bad {
		return c.errorf(providers.KindBadInput, nil, "refusing to send a request to %q: the path leaves %s",
			u.EscapedPath(), c.Base.Redacted())
	}
	return nil
}

// IDPath splits the repository path of a client-supplied global id ("owner/name",
// "group/sub/name", "workspace/slug") into its parts, checking each like a Path segment (the shared
// rules and Client.Segment). parts is how many parts the forge's repository paths have; 0 means any
// number from 2 (GitLab's nested groups, CodeArts' project paths). A path of another shape or with
// a refused part is a KindBadInput error that says what is wrong and that ids come from
// Repository.id: every forge answers a malformed id this one way.
func (c *Client) IDPath(nameWithOwner string, parts int) ([]string, error) {
	split := strings.Split(nameWithOwner, "/")
	shape := "owner/name"
	if parts == 0 {
		shape = "namespace/name (namespaces may nest)"
	}
	if (parts > 0 && len(split) != parts) || len(split) < 2 {
		return nil, c.badID(nameWithOwner, fmt.Sprintf("it is not %s", shape))
	}
	for _, p := range split {
		if e := c.checkSegment(p); e != nil {
			return nil, c.badID(nameWithOwner, e.Msg)
		}
	}
	return split, nil
}

func (c *Client) badID(nameWithOwner, why string) *providers.Error {
	return c.errorf(providers.KindBadInput, nil,
		"the id names the repository path %q, which cannot be a %s repository (%s): use a Repository's id field as the server returned it",
		nameWithOwner, c.Source, why)
}
