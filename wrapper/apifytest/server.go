package apifytest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Server is an in-process fake of the Apify API. Create one with NewServer in a
// test or NewUnstartedServer in a program. Its methods are safe for concurrent
// use.
type Server struct {
	cfg  settings
	http *httptest.Server
	// tb is the test of a server made by NewServer: the seeding methods
	// fail it on error.
	tb testing.TB

	// mu guards the API state below: storages, Actors, tasks, runs and the
	// ID generator.
	mu       sync.Mutex
	ids      *idGenerator
	datasets *registry[*dataset]
	stores   *registry[*kvStore]
	queues   *registry[*requestQueue]
	actors   map[string]*actor // by ID
	tasks    map[string]*task  // by ID
	runs     map[string]*run   // by ID
	runOrder []*run            // in creation order
	userID   string
	ops      opsState // builds, webhooks, schedules, the store, the account

	faults faultInjector
	log    requestLog

	// runCtx is the parent of every run's context; Close cancels it.
	runCtx    context.Context
	cancelRun context.CancelFunc
	runWG     sync.WaitGroup

	closeOnce sync.Once
}

// NewServer starts a Server for the test tb and closes it when the test ends
// (through tb.Cleanup). A bad option fails the test at once, and so does an
// error of a seeding method (AddDataset, SetRecord, AddActor, InjectFault...):
// on such a server their error results need no checking. Call them from the
// test's goroutine, as t.Fatal requires.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := NewUnstartedServer(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	s.tb = tb
	s.Start()
	tb.Cleanup(func() {
		if err := s.shutdown(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

// NewUnstartedServer returns a Server that does not listen yet, for programs
// and for tests that want to seed data first. Call Start to listen and Close
// when done.
func NewUnstartedServer(opts ...Option) (*Server, error) {
	cfg := defaultSettings()
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("apifytest: nil Option")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	s := &Server{
		cfg:      cfg,
		ids:      newIDGenerator(cfg.seed),
		datasets: newRegistry[*dataset](),
		stores:   newRegistry[*kvStore](),
		queues:   newRegistry[*requestQueue](),
		actors:   map[string]*actor{},
		tasks:    map[string]*task{},
		runs:     map[string]*run{},
	}
	s.userID = s.ids.next()
	s.runCtx, s.cancelRun = context.WithCancel(context.Background())
	if cfg.random != nil {
		s.faults.setRandom(cfg.random)
	}
	s.http = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	return s, nil
}

// Start starts listening on a loopback port. It panics, as httptest does, if
// the server was already started.
func (s *Server) Start() { s.http.Start() }

// Close stops the server: it aborts running Actor functions, waits for them to
// return (up to 10 seconds) and then for outstanding requests, as
// httptest.Server.Close does.
//
// An Actor function that ignores its context is left running (NewServer
// reports it as a test error).
func (s *Server) Close() { _ = s.shutdown() }

// shutdown closes the server once and reports Actor functions that ignored
// their context.
func (s *Server) shutdown() error {
	var err error
	s.closeOnce.Do(func() {
		s.cancelRun()
		done := make(chan struct{})
		go func() { s.runWG.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			err = errors.New("apifytest: an Actor function did not return within 10s of its context being cancelled; make it honour ctx")
		}
		s.http.Close()
	})
	return err
}

// URL returns the server's base URL, such as "http://127.0.0.1:40123", to be
// used where the real API's is "https://api.apify.com" (paths start with
// /v2). It is empty until Start.
func (s *Server) URL() string { return s.http.URL }

// Token returns the API token the server accepts.
func (s *Server) Token() string { return s.cfg.token }

// Username returns the username of the server's user.
func (s *Server) Username() string { return s.cfg.username }

// Clock returns the server's clock.
func (s *Server) Clock() Clock { return s.cfg.clock }

// Handler returns the server's HTTP handler, for mounting the fake in another
// server; URLs it returns in bodies are then relative to URL.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Client returns an *http.Client for the server that adds
// "Authorization: Bearer <Token>" to requests sent to the server which carry no
// Authorization header. Requests to other hosts are sent unchanged.
func (s *Server) Client() *http.Client {
	base := s.http.Client()
	return &http.Client{Transport: &authTransport{base: base.Transport, s: s}}
}

// authTransport adds the server's token to requests sent to the server.
type authTransport struct {
	base http.RoundTripper
	s    *Server
}

func (t *authTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("Authorization") == "" && "http://"+r.URL.Host == t.s.URL() {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+t.s.cfg.token)
	}
	return t.base.RoundTrip(r)
}

// requestContext returns a context that ends with the request or when the
// server starts closing, so that no wait outlives Close.
func (s *Server) requestContext(r *http.Request) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(r.Context())
	stop := context.AfterFunc(s.runCtx, cancel)
	return ctx, func() { stop(); cancel() }
}

// now returns the server clock's time in UTC, at millisecond precision as the
// API reports it.
func (s *Server) now() time.Time {
	return s.cfg.clock.Now().UTC().Truncate(time.Millisecond)
}

// fail fails the test of a server made by NewServer if err is not nil, and
// returns err for the servers of programs.
func (s *Server) fail(err error) error {
	if err != nil && s.tb != nil {
		s.tb.Helper()
		s.tb.Fatal(err)
	}
	return err
}
