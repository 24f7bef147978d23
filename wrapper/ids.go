package apify

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// resourceID checks the ID of a resource given as the parameter named param
// and returns it as one escaped path segment. An ID is an opaque API ID
// ("HG7ML7M8z78YcAPEB") or a "username~name" (also accepted as
// "username/name", which the API spells with a tilde). Empty IDs, "." and
// "..", IDs with more than one slash or a slash at either end, and IDs with
// control characters or surrounding spaces are refused with an error naming
// param, since they would address another resource than the one meant.
func resourceID(param, id string) (string, error) {
	switch {
	case strings.TrimSpace(id) == "":
		return "", fmt.Errorf("apify: %s is empty", param)
	case strings.TrimSpace(id) != id:
		return "", fmt.Errorf("apify: %s %q has leading or trailing spaces", param, id)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return "", fmt.Errorf("apify: %s %q contains control characters", param, id)
	}
	if user, name, ok := strings.Cut(id, "/"); ok {
		if user == "" || name == "" || strings.Contains(name, "/") {
			return "", fmt.Errorf("apify: %s %q is neither an ID nor username/name", param, id)
		}
		id = user + "~" + name
	}
	if id == "." || id == ".." {
		return "", fmt.Errorf("apify: %s %q is not an ID", param, id)
	}
	return url.PathEscape(id), nil
}
