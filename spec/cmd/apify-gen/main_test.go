package main

import "testing"

// A breaking regeneration is accepted only when asked in so many words:
// ACCEPT_REMOVALS=0 or =false must not accept it, and a value that is
// neither is an error, not a yes.
func TestParseEnvBool(t *testing.T) {
	for value, want := range map[string]bool{"": false, "0": false, "false": false, "FALSE": false, "1": true, "true": true, "True": true} {
		got, err := parseEnvBool("APIFY_ACCEPT_REMOVALS", value)
		if err != nil || got != want {
			t.Errorf("%q: got %v, %v; want %v", value, got, err, want)
		}
	}
	for _, value := range []string{"no", "yes", "2", " 1"} {
		if got, err := parseEnvBool("APIFY_ACCEPT_REMOVALS", value); err == nil {
			t.Errorf("%q: got %v and no error", value, got)
		}
	}
}
