package providers

import (
	"io"
	"strconv"
)

// The enums marshal themselves for GraphQL (gqlgen binds them directly), so no copy of them lives in
// the graph package. Unknown values fail with a KindBadInput error listing the allowed ones.

// MarshalGQL writes p as a GraphQL enum value.
func (p Provider) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(p))) }

// UnmarshalGQL reads a Provider enum value.
func (p *Provider) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !Provider(s).Valid() {
		return Errorf(KindBadInput, "", "%v is not a Provider: use GITHUB, GITLAB, BITBUCKET, CODEARTS or GITEA", v)
	}
	*p = Provider(s)
	return nil
}

// MarshalGQL writes s as a GraphQL enum value.
func (s Sort) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(s))) }

// UnmarshalGQL reads a RepositorySort enum value.
func (s *Sort) UnmarshalGQL(v any) error {
	str, _ := v.(string)
	switch Sort(str) {
	case SortPushed, SortUpdated, SortCreated, SortFullName:
		*s = Sort(str)
		return nil
	}
	return Errorf(KindBadInput, "", "%v is not a RepositorySort: use PUSHED, UPDATED, CREATED or FULL_NAME", v)
}

// MarshalGQL writes d as a GraphQL enum value.
func (d Direction) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(d))) }

// UnmarshalGQL reads an OrderDirection enum value.
func (d *Direction) UnmarshalGQL(v any) error {
	str, _ := v.(string)
	if Direction(str) != Asc && Direction(str) != Desc {
		return Errorf(KindBadInput, "", "%v is not an OrderDirection: use ASC or DESC", v)
	}
	*d = Direction(str)
	return nil
}
