package apifytest

// schedule is a stored schedule. Callers hold Server.mu.
type schedule struct{}
