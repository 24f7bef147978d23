package main

import (
	"context"
	"testing"
)

// TestOffline runs the offline quickstart end to end: the fake API, the
// client's run-and-wait and the dataset iterator.
func TestOffline(t *testing.T) {
	if err := runOffline(context.Background(), 25); err != nil {
		t.Fatal(err)
	}
	if err := runOffline(context.Background(), -1); err == nil {
		t.Error("a negative count was accepted")
	}
}
