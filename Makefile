# Tacit: `make demo` opens the window against a local demo server;
# `make test` runs the linters (gofmt, vet, staticcheck, dead code), every test with the race detector,
# the self-test (once through a real SOCKS5 proxy), and builds the commit twice to check the bytes agree.
GO ?= go
TESTFLAGS ?= -race -timeout 40m

.PHONY: all deps demo test lint build selftest bench fmt fuzz reliability release package install

all: build

deps:
	@bash .ci/deps

build: deps
	@GO=$(GO) bash .ci/build tacit

demo: build
	./tacit --sandbox

test: deps lint
	@bash .ci/deps --test
	$(GO) test $(TESTFLAGS) ./...
	$(GO) run . selftest
	bash .ci/reproduce "$$(mktemp -d)"

lint: deps
	bash .ci/lint

selftest: deps
	$(GO) run . selftest

bench: deps
	bash .ci/bench

# Every fuzz target in turn, FUZZTIME each (make fuzz FUZZTIME=2m).
FUZZTIME ?= 30s
RELIABILITY_FUZZTIME ?= 15s
fuzz: deps
	FUZZTIME=$(FUZZTIME) bash .ci/fuzz

# The reliability suites at full size (kills, disk trouble, the debug log grep, every fuzz target), at most
# 25 minutes on 2 cores; rewrites the figures of docs/reliability.md (see .ci/reliability for the knobs).
reliability: deps
	FUZZTIME=$(RELIABILITY_FUZZTIME) bash .ci/reliability

fmt:
	gofmt -w $$(git ls-files '*.go')

# Releases (not part of `make test`: each links the whole app, and release compiles everything twice).
# `make release` builds dist/tacit reproducibly and checks it (the commit built twice, in two clean
# clones, the second from an empty build cache, byte-identical), packages it, checks the package and
# both installs, and writes dist/SHA256SUMS. `make package` builds the working tree the same way, once,
# and packages it. `make install` installs that package into ~/.local, or into PREFIX
# (make install PREFIX=/usr/local), so that Tacit is in the desktop's menu.
VERSION := $(shell sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
DIST ?= dist
PREFIX ?=

release: deps
	bash .ci/reproduce $(DIST)
	bash .ci/package $(DIST)
	bash .ci/check-package $(DIST)
	cd $(DIST) && sha256sum tacit tacit-$(VERSION)-linux-amd64.tar.xz >SHA256SUMS && cat SHA256SUMS

package: deps
	bash .ci/release $(DIST)
	bash .ci/package $(DIST)

install: package
	bash .ci/install $(DIST)/tacit-$(VERSION)-linux-amd64.tar.xz $(PREFIX)
