package pager

import (
	"context"
	"testing"
)

// pagesByToken serves fixed pages keyed by token.
func pagesByToken(pages map[string]Chunk[int, string]) TokenFetch[int, string] {
	return func(_ context.Context, token string, _ int) (Chunk[int, string], error) {
		return pages[token], nil
	}
}

func collectTokens(t *testing.T, fetch TokenFetch[int, string]) ([]int, error) {
	t.Helper()
	var got []int
	for v, err := range Tokens(context.Background(), "", 0, fetch) {
		if err != nil {
			return got, err
		}
		got = append(got, v)
	}
	return got, nil
}

func TestTokensEmptyLastPageRepeatingItsTokenEnds(t *testing.T) {
	got, err := collectTokens(t, pagesByToken(map[string]Chunk[int, string]{
		"":   {Items: []int{1, 2}, Next: "c1", More: true},
		"c1": {Items: nil, Next: "c1", More: true},
	}))
	if err != nil || len(got) != 2 {
		t.Fatalf("got %v, %v; want [1 2] and no error", got, err)
	}
}

func TestTokensPageWithItemsRepeatingItsTokenIsAnError(t *testing.T) {
	got, err := collectTokens(t, pagesByToken(map[string]Chunk[int, string]{
		"":   {Items: []int{1}, Next: "c1", More: true},
		"c1": {Items: []int{2}, Next: "c1", More: true},
	}))
	if err == nil || len(got) != 2 {
		t.Fatalf("got %v, %v; want [1 2] then an error instead of a loop", got, err)
	}
}
