# apifygo: make test (the test command), make test-all (CI), make generate,
# make spec-update, make check-generated, make lint, make bench.

GO ?= go
# The API document: a path or URL. In this repository's checkout the copy in
# ../shared is used when present and it is the document spec/apify.lock pins;
# otherwise (elsewhere, or after `make spec-update` to another document) it
# stays unset, so the generator takes the cached copy of the pinned document,
# else downloads the published one.
SHARED_DOC := $(wildcard $(CURDIR)/../shared/apify-openapi/openapi.json)
PINNED_SHA256 = $(shell sed -n 's/^sha256 //p' spec/apify.lock 2>/dev/null)
sha256_of = $(firstword $(shell sha256sum $(1) 2>/dev/null || shasum -a 256 $(1) 2>/dev/null))
APIFY_OPENAPI ?= $(if $(SHARED_DOC),$(if $(filter $(PINNED_SHA256),$(call sha256_of,$(SHARED_DOC))),$(SHARED_DOC)))
export APIFY_OPENAPI
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Hand-written packages (gen/ and gen/genclient/ are generated and not linted).
HANDWRITTEN = $(shell $(GO) list ./... | grep -v -e '/gen$$' -e '/gen/genclient$$')
# The document validator the tests run (api/validator, a module of its own so
# that its test-only dependencies stay out of go.mod), built once per run.
VALIDATOR_DIR = api/validator
APIFY_VALIDATOR = $(CURDIR)/build/apify-validator
export APIFY_VALIDATOR

# The oldest Go the user-facing packages support. go.mod says 1.25.0 only
# because tools.go pins the generator, oapi-codegen v2.8.2, which declares it;
# gen, wrapper and apifytest need Go 1.24 (and oapi-codegen/runtime v1.8.0,
# the newest runtime release that does not require Go 1.26).
OLDEST_GO ?= go1.24.13
USER_FACING = ./gen/... ./wrapper/... ./examples/...

.PHONY: all test test-all test-race test-oldest-go validator generate spec-update check-generated check-readme lint bench bench-build fuzz

all: test

## test: run every test of both modules, offline (the fuzz seed corpora run
## as ordinary tests); -short skips only what test-all adds.
test: validator
	$(GO) test -short ./...
	cd $(VALIDATOR_DIR) && $(GO) test -short ./...

## test-all: every test in full (what CI runs): make test without -short
## (which skips only the tests that compile extra copies of the generated
## client), then the user-facing packages on the oldest Go they support.
test-all: validator
	$(GO) test -timeout 20m ./...
	cd $(VALIDATOR_DIR) && $(GO) test ./...
	$(MAKE) --no-print-directory test-oldest-go

## test-race: the tests under the race detector.
test-race: validator
	$(GO) test -race ./...
	cd $(VALIDATOR_DIR) && $(GO) test -race ./...

## test-oldest-go: the user-facing packages' tests on $(OLDEST_GO) (the
## toolchain comes from the module proxy), under a go.mod that requires only
## the modules those packages and their tests use. The toolchain and the
## go.mod reach the tests through the environment (GOTOOLCHAIN, GOFLAGS), so
## a go command a test runs (wrapper's Result compile test) builds the same
## way as the test itself.
test-oldest-go: validator
	@rm -rf build/oldest-go && mkdir -p build/oldest-go
	@{ printf 'module github.com/apifygo/apify\n\ngo 1.24.0\n\nrequire (\n'; \
	  $(GO) list -deps -test -f '{{with .Module}}{{if not .Main}}	{{.Path}} {{.Version}}{{end}}{{end}}' $(USER_FACING) | sort -u; \
	  printf ')\n'; } > build/oldest-go/go.mod
	@cp go.sum build/oldest-go/go.sum
	GOTOOLCHAIN=$(OLDEST_GO) GOFLAGS="$$GOFLAGS -modfile=$(CURDIR)/build/oldest-go/go.mod" $(GO) test $(USER_FACING)

## validator: build the document validator the tests use.
validator:
	cd $(VALIDATOR_DIR) && $(GO) build -o $(APIFY_VALIDATOR) .

## generate: regenerate gen/ from the document pinned in spec/apify.lock.
generate:
	$(GO) generate ./api/

## spec-update SPEC=<path-or-URL> [PREVIOUS=<path-or-URL>] [ACCEPT_REMOVALS=1]:
## accept a new document, update the lock, print the change report,
## regenerate gen/ keeping every previously exported name (deprecated aliases
## for renamed operations), print the compatibility report and add its
## summary to CHANGELOG.md, then build the whole module. A regeneration that
## removes a previously exported identifier, or after which the module (the
## wrapper too) does not compile, changes nothing and fails; with
## ACCEPT_REMOVALS=1 it is kept (and a module that does not compile still
## fails, naming what to fix).
spec-update:
	@test -n "$(SPEC)" || { echo "usage: make spec-update SPEC=<path-or-URL> [PREVIOUS=<path-or-URL>] [ACCEPT_REMOVALS=1]"; exit 2; }
	@mkdir -p build && tar -cf $(BEFORE_UPDATE) spec/apify.lock api/names.json gen $(wildcard CHANGELOG.md)
	@echo "$(GO) run ./spec/cmd/apify-spec -update -spec $(call source,$(SPEC))"
	@$(GO) run ./spec/cmd/apify-spec -update -spec "$(call source,$(SPEC))" -previous "$(call source,$(PREVIOUS))" -lock spec/apify.lock -out build/openapi.json || { $(restore); exit 1; }
	@echo "$(GO) generate ./api/"
	@APIFY_OPENAPI="$(call source,$(SPEC))" APIFY_ACCEPT_REMOVALS="$(ACCEPT_REMOVALS)" $(GO) generate ./api/ || { $(restore); echo "spec-update: nothing changed (spec/apify.lock is back at its previous version). If the error above names overlay.yaml, a target of api/overlay.yaml is not in the new document: update the overlay"; exit 1; }
	@echo "$(GO) build ./gen/... && $(GO) build ./..."
	@$(GO) build ./gen/... || { $(restore); echo "spec-update: the regenerated packages do not compile (a generator bug: report it with the document); nothing changed"; exit 1; }
	@$(GO) build ./... || { \
	  if [ -n "$(accepting)" ]; then echo "spec-update: the new generation is written (ACCEPT_REMOVALS=1), but the packages above no longer compile against it: fix them before committing"; \
	  else $(restore); echo "spec-update: the packages above no longer compile against the new generation, so nothing changed (the report's \"changed type\" lists what the document changed). To keep the new generation and then fix them, run again with ACCEPT_REMOVALS=1"; fi; exit 1; }

# accepting is ACCEPT_REMOVALS when it says yes (1 or true, as apify-gen
# reads it; 0 and false say no).
accepting = $(filter 1 t T true TRUE True,$(ACCEPT_REMOVALS))
# BEFORE_UPDATE holds what spec-update may change; restore puts it back.
BEFORE_UPDATE = build/spec-update.before.tar
restore = rm -rf gen && tar -xf $(BEFORE_UPDATE)

# source makes a document path absolute (go generate runs in api/, so a
# relative path would not be found there); URLs and empty values pass as is.
source = $(if $(filter http://% https://%,$(1)),$(1),$(if $(strip $(1)),$(abspath $(1))))

## check-generated: regenerate from the pinned document and fail if any
## generated file of gen/ or gen/genclient/ differs, is missing or is extra.
check-generated:
	APIFY_GEN_CHECK=1 $(GO) generate ./api/

## check-readme: every Go snippet of README.md compiles and passes go vet
## (in a throwaway module that replaces this one with the checkout).
check-readme:
	$(GO) run .ci/readmecheck.go

## lint: go vet on everything, staticcheck on hand-written code (both modules).
lint:
	$(GO) vet ./...
	cd $(VALIDATOR_DIR) && $(GO) vet ./...
	$(STATICCHECK) $(HANDWRITTEN)
	cd $(VALIDATOR_DIR) && $(STATICCHECK) ./...

## bench: dataset-item throughput, side by side with a plain net/http +
## encoding/json loop (about 90 s; see the README's "Iterating").
bench:
	$(GO) run ./wrapper/internal/itemsbench

## bench-build: cold-build cost of a program that runs an Actor and iterates
## its dataset through the wrapper, side by side with the official Go client
## and net/http alone (fresh build cache, std prebuilt; medians of 5; about
## 5 minutes on 2 cores). Set APIFY_CLIENT_GO_DIR to a checkout of
## github.com/apify/apify-client-go where the module proxy does not serve it.
bench-build:
	$(GO) run ./wrapper/internal/buildbench
