package fake

import (
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// term is one comparison of a BBQL query: field op value.
type term struct {
	field, op, value string
}

// parseQuery parses the part of Bitbucket's filter language (BBQL) the fake honours: comparisons
// joined by AND, each a field (full_name, name, slug, is_private), an operator (= and != for all,
// ~ and !~ for the text fields: a case-insensitive contains) and a value (a double-quoted string
// with \" and \\ escapes, or true, false for is_private). It returns ok false for anything else,
// which Bitbucket answers with 400.
func parseQuery(q string) ([]term, bool) {
	var out []term
	rest := strings.TrimSpace(q)
	for rest != "" {
		var t term
		var ok bool
		if t.field, rest, ok = word(rest); !ok {
			return nil, false
		}
		if t.op, rest, ok = operator(rest); !ok {
			return nil, false
		}
		switch t.field {
		case "full_name", "name", "slug":
			if t.value, rest, ok = quoted(rest); !ok {
				return nil, false
			}
		case "is_private":
			if t.value, rest, ok = word(rest); !ok || (t.value != "true" && t.value != "false") || (t.op != "=" && t.op != "!=") {
				return nil, false
			}
		default:
			return nil, false
		}
		out = append(out, t)
		rest = strings.TrimSpace(rest)
		if rest == "" {
			break
		}
		after, ok := strings.CutPrefix(rest, "AND ")
		if !ok {
			return nil, false
		}
		rest = strings.TrimSpace(after)
	}
	return out, true
}

func word(s string) (w, rest string, ok bool) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " =!~")
	if i <= 0 {
		if i < 0 && s != "" {
			return s, "", true
		}
		return "", s, false
	}
	return s[:i], s[i:], true
}

func operator(s string) (op, rest string, ok bool) {
	s = strings.TrimSpace(s)
	for _, o := range []string{"!=", "!~", "=", "~"} {
		if after, ok := strings.CutPrefix(s, o); ok {
			return o, after, true
		}
	}
	return "", s, false
}

func quoted(s string) (v, rest string, ok bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 >= len(s) {
				return "", s, false
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", s, false
}

// matches reports whether r passes every term.
func matches(r *providers.Repository, terms []term) bool {
	for _, t := range terms {
		var ok bool
		switch t.field {
		case "is_private":
			ok = r.IsPrivate == (t.value == "true")
		default:
			v := r.NameWithOwner
			if t.field != "full_name" {
				_, v, _ = strings.Cut(v, "/")
			}
			if t.op == "~" || t.op == "!~" {
				ok = strings.Contains(strings.ToLower(v), strings.ToLower(t.value))
			} else {
				ok = v == t.value
			}
		}
		if strings.HasPrefix(t.op, "!") {
			ok = !ok
		}
		if !ok {
			return false
		}
	}
	return true
}
