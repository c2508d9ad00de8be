package wire

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

var errTooMany = errors.New("too many")

// pages serves the given pages by number (from 1) and counts the requests; a page past the end
// fails the test.
func pages(t *testing.T, ps []Page[int], calls *int) func(context.Context, int) (Page[int], error) {
	return func(_ context.Context, n int) (Page[int], error) {
		*calls++
		if n < 1 || n > len(ps) {
			t.Fatalf("page %d asked, only %d exist", n, len(ps))
		}
		return ps[n-1], nil
	}
}

func read(t *testing.T, max int, ps []Page[int]) ([]int, int, error) {
	calls := 0
	out, err := ReadAll(context.Background(), Read[int]{
		Source: "test", Max: max, PageSize: 2,
		Key:     func(i int) string { return strconv.Itoa(i) },
		Fetch:   pages(t, ps, &calls),
		TooMany: func() error { return errTooMany },
	})
	return out, calls, err
}

func TestReadAllStopRule(t *testing.T) {
	cases := []struct {
		name  string
		max   int
		pages []Page[int]
		want  []int
		calls int
		err   error
		kind  providers.Kind
	}{
		{"one page", 10, []Page[int]{{Items: []int{1}, Total: -1}}, []int{1}, 1, nil, ""},
		{"until no more", 10, []Page[int]{{Items: []int{1, 2}, More: true, Total: -1}, {Items: []int{3}, Total: -1}}, []int{1, 2, 3}, 2, nil, ""},
		{"empty page ends", 10, []Page[int]{{Items: []int{1, 2}, More: true, Total: -1}, {More: true, Total: -1}}, []int{1, 2}, 2, nil, ""},
		{"repeats kept once", 10, []Page[int]{{Items: []int{1, 2}, More: true, Total: -1}, {Items: []int{2, 3}, Total: -1}}, []int{1, 2, 3}, 2, nil, ""},
		{"total above max at once", 3, []Page[int]{{Items: []int{1, 2}, More: true, Total: 4}}, nil, 1, errTooMany, ""},
		{"above max", 2, []Page[int]{{Items: []int{1, 2}, More: true, Total: -1}, {Items: []int{3}, Total: -1}}, nil, 2, errTooMany, ""},
		{"exactly max", 3, []Page[int]{{Items: []int{1, 2}, More: true, Total: 3}, {Items: []int{3}, Total: 3}}, []int{1, 2, 3}, 2, nil, ""},
		{"stalled", 10, []Page[int]{{Items: []int{1, 2}, More: true, Total: -1}, {Items: []int{1, 2}, More: true, Total: -1}}, nil, 2, nil, providers.KindBadResponse},
		{"page bound", 3, []Page[int]{
			{Items: []int{1}, More: true, Total: -1}, {Items: []int{2}, More: true, Total: -1},
			{Items: []int{3}, More: true, Total: -1}, {Items: []int{3}, More: true, Total: -1},
		}, nil, 3, errTooMany, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, calls, err := read(t, c.max, c.pages)
			switch {
			case c.err != nil && !errors.Is(err, c.err):
				t.Fatalf("err = %v, want %v", err, c.err)
			case c.kind != "" && providers.KindOf(err) != c.kind:
				t.Fatalf("err = %v, want kind %s", err, c.kind)
			case c.err == nil && c.kind == "" && err != nil:
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) || calls != c.calls {
				t.Errorf("got %v after %d requests, want %v after %d", got, calls, c.want, c.calls)
			}
		})
	}
}

func TestReadAllFetchError(t *testing.T) {
	boom := providers.Errorf(providers.KindUnavailable, "test", "down")
	_, err := ReadAll(context.Background(), Read[int]{
		Source: "test", Max: 10, PageSize: 2, Key: func(i int) string { return strconv.Itoa(i) },
		Fetch: func(_ context.Context, n int) (Page[int], error) {
			if n == 2 {
				return Page[int]{}, boom
			}
			return Page[int]{Items: []int{1, 2}, More: true, Total: -1}, nil
		},
		TooMany: func() error { return errTooMany },
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the fetch's error", err)
	}
}
