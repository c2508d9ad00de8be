package gqlhttp

import (
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestEncode(t *testing.T) {
	yes := true
	for _, c := range []struct {
		name string
		resp graphql.Response
		want string
	}{
		{"empty", graphql.Response{}, `{}`},
		{"data only", graphql.Response{Data: json.RawMessage(`{"a":"<b>"}`)}, `{"data":{"a":"<b>"}}`},
		{"null data", graphql.Response{Data: json.RawMessage(`null`)}, `{"data":null}`},
		{"errors only", graphql.Response{Errors: gqlerror.List{{Message: "m"}}}, `{"errors":[{"message":"m"}]}`},
		{"everything", graphql.Response{Errors: gqlerror.List{{Message: "m"}}, Data: json.RawMessage(`{"x":1}`),
			Label: "l", HasNext: &yes, Extensions: map[string]any{"k": 2}},
			`{"errors":[{"message":"m"}],"data":{"x":1},"label":"l","hasNext":true,"extensions":{"k":2}}`},
		{"data and extensions", graphql.Response{Data: json.RawMessage(`{}`), Extensions: map[string]any{"k": "v"}},
			`{"data":{},"extensions":{"k":"v"}}`},
	} {
		b, err := encode(&c.resp)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if string(b) != c.want {
			t.Errorf("%s: got %s, want %s", c.name, b, c.want)
		}
		if !json.Valid(b) {
			t.Errorf("%s: %s is not valid JSON", c.name, b)
		}
	}
	if _, err := encode(&graphql.Response{Extensions: map[string]any{"bad": func() {}}}); err == nil {
		t.Error("a value JSON cannot hold was encoded")
	}
}
