package wire

import "testing"

func TestParseLinks(t *testing.T) {
	gh := `<https://api.github.com/user/repos?page=2&per_page=100>; rel="next", <https://api.github.com/user/repos?page=5&per_page=100>; rel="last"`
	cases := []struct {
		name          string
		values        []string
		present, next bool
		last          int
		perPage       string
	}{
		{"none", nil, false, false, 0, ""},
		{"empty value", []string{""}, false, false, 0, ""},
		{"next and last", []string{gh}, true, true, 5, "100"},
		{"last page: prev and first only", []string{`<https://h/r?page=4>; rel="prev", <https://h/r?page=1>; rel="first"`}, true, false, 0, ""},
		{"two header lines", []string{`<https://h/r?page=3>; rel="next"`, `<https://h/r?per_page=100&page=4>; rel="last"`}, true, true, 4, "100"},
		{"last without page", []string{`<https://h/r>; rel="last"`}, true, false, 0, ""},
		{"last page not a number", []string{`<https://h/r?page=x>; rel="last"`}, true, false, 0, ""},
		{"last page zero", []string{`<https://h/r?page=0>; rel="last"`}, true, false, 0, ""},
		{"rel case and several types", []string{`<https://h/r?page=9>; rel="NEXT Last"`}, true, true, 9, ""},
		{"first last counts", []string{`<https://h/r?page=3>; rel="last", <https://h/r?page=8>; rel="last"`}, true, false, 3, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := ParseLinks(c.values...)
			if l.Present != c.present || l.Next != c.next || l.Last != c.last || l.LastQuery.Get("per_page") != c.perPage {
				t.Errorf("ParseLinks(%q) = %+v, want present %v next %v last %d per_page %q", c.values, l, c.present, c.next, c.last, c.perPage)
			}
		})
	}
}
