package apifytest

// logSource is a run's or build's log, as the log operations stream it.
type logSource interface {
	// logSince returns the log from byte offset from on, a channel closed
	// when it grows, and whether it is complete. Callers hold Server.mu.
	logSince(from int) (chunk []byte, changed <-chan struct{}, finished bool)
}

func (r *run) logSince(from int) ([]byte, <-chan struct{}, bool) {
	return append([]byte(nil), r.log[min(from, len(r.log)):]...), r.logChanged, r.finished()
}

func (b *build) logSince(from int) ([]byte, <-chan struct{}, bool) {
	return append([]byte(nil), b.log[min(from, len(b.log)):]...), b.logChanged, terminal(b.status)
}

// logSource finds the log an operation names: a build's (buildId, or a
// buildOrRunId naming a build) or else a run's. Callers hold Server.mu.
func (c *call) logSource() (logSource, string, error) {
	if _, ok := c.params["buildId"]; ok {
		b, err := c.build()
		if err != nil {
			return nil, "", err
		}
		return b, b.id, nil
	}
	if id := c.params["buildOrRunId"]; id != "" {
		if b, ok := c.s.ops.builds[id]; ok {
			return b, b.id, nil
		}
	}
	r, err := c.run()
	if err != nil {
		return nil, "", err
	}
	return r, r.id, nil
}
