package apifytest

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Option configures a Server. Options validate their arguments: NewServer
// fails the test and NewUnstartedServer returns an error on a bad one.
type Option func(*settings) error

// settings is what the options set.
type settings struct {
	token    string
	public   bool
	clock    Clock
	username string
	seed     uint64
	random   *RandomFaults
}

// defaultToken is the token of a server that was not given one.
const defaultToken = "apifytest-token"

func defaultSettings() settings {
	return settings{token: defaultToken, clock: realClock{}, username: "apifytest", seed: 1}
}

// WithToken sets the API token the server accepts (default "apifytest-token").
// It must be non-empty and free of spaces and control characters.
func WithToken(token string) Option {
	return func(s *settings) error {
		if token == "" {
			return errors.New("apifytest: WithToken: empty token; pass a non-empty string or omit the option for the default")
		}
		if strings.IndexFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
			return errors.New("apifytest: WithToken: the token contains a space or control character, which cannot travel in an Authorization header")
		}
		s.token = token
		return nil
	}
}

// WithPublicAccess makes the server answer requests that carry no token, as
// the real API does for public resources. A request that carries a wrong token
// is still refused with 401.
func WithPublicAccess() Option {
	return func(s *settings) error {
		s.public = true
		return nil
	}
}

// WithClock sets the server's clock (default: the real clock). Pass a
// FakeClock to control waitForFinish, run-sync waits, run timeouts, request
// lock expiry and injected delays without waiting.
func WithClock(c Clock) Option {
	return func(s *settings) error {
		if c == nil {
			return errors.New("apifytest: WithClock: nil Clock")
		}
		s.clock = c
		return nil
	}
}

var usernamePattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$`)

// WithUsername sets the username of the server's only user (default
// "apifytest"): it owns every storage, Actor and task the server creates and
// is the username in "username~name" IDs.
func WithUsername(name string) Option {
	return func(s *settings) error {
		if !usernamePattern.MatchString(name) {
			return fmt.Errorf("apifytest: WithUsername: %q is not a valid username (letters, digits, '.', '_' and '-', starting with a letter or digit)", name)
		}
		s.username = name
		return nil
	}
}

// WithSeed seeds the generator of resource IDs (default 1), so that a
// sequential test sees the same IDs on every run.
func WithSeed(seed uint64) Option {
	return func(s *settings) error {
		s.seed = seed
		return nil
	}
}

// WithRandomFaults makes the server fail a seeded random share of requests
// from the start; see Server.SetRandomFaults.
func WithRandomFaults(rf RandomFaults) Option {
	return func(s *settings) error {
		if err := rf.validate(); err != nil {
			return err
		}
		rf.Faults = append([]Fault(nil), rf.Faults...)
		s.random = &rf
		return nil
	}
}
