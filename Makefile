# Tacit: `make demo` opens the window against a local demo server;
# `make test` runs vet and every test with the race detector.
GO ?= go
TESTFLAGS ?= -race -timeout 40m

.PHONY: all deps demo test build selftest bench fmt

all: build

deps:
	@bash .ci/deps

build: deps
	$(GO) build -o tacit .

demo: deps
	$(GO) run . --sandbox

test: deps
	$(GO) vet ./...
	$(GO) test $(TESTFLAGS) ./...
	$(GO) run . selftest

selftest: deps
	$(GO) run . selftest

bench: deps
	bash .ci/bench

fmt:
	gofmt -w $$(git ls-files '*.go')
