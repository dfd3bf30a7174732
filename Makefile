# Every build, test and vet needs the FTS5 tag of go-sqlite3 (and cgo).
export GOFLAGS := -tags=sqlite_fts5
export CGO_ENABLED := 1

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: all generate build run test bench loadtest fuzz lint clean

all: build

## generate: regenerate the templ views (*_templ.go, committed)
generate:
	go tool templ generate

## build: compile ./agent
build: generate
	go build -ldflags '$(LDFLAGS)' -o agent .

## run: build, then serve on http://127.0.0.1:8080 with data in ./data
run: build
	@echo "agent: starting on http://127.0.0.1:8080 (Ctrl-C to stop)"
	./agent serve

## test: every test, including the browser test in headless Chromium
test: generate
	go test -count=1 -timeout 30m ./...

## bench: the benchmarks recorded in docs/BENCHMARKS.md
bench:
	go test -run '^$$' -bench . -benchmem ./...

## loadtest: the message path under load, all its figures in one report (docs/BENCHMARKS.md,
## "Load"): 16 clients for 20 s per shape against the binary, the server on CPU 0 and the
## clients on CPU 1 when taskset exists. LOAD_SECONDS=5 shortens it; LOAD_SCALE=1 runs it
## on a workspace of 100,000 conversations and 1,000,000 messages.
loadtest:
	go test -run '^$$' -bench '^BenchmarkLoad$$' -benchtime 1x -timeout 60m ./app/web

## fuzz: every fuzz target for FUZZTIME each (default 1m), or one: make fuzz FUZZ=FuzzPDF
## FUZZTIME=10m. A new interesting input is minimized in 10 runs rather than for up to a
## minute (Go's default, with a cost that grows with the square of the input's length),
## during which nothing else is fuzzed. A run fails when it writes a failing input to
## testdata/fuzz; Go 1.26 may also report the end of -fuzztime itself as "context deadline
## exceeded" (Go issue 75804), which is not one.
FUZZ ?=
FUZZTIME ?= 1m
fuzz:
	@for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' app | xargs -n1 dirname | sort -u); do \
		for f in $$(grep -h '^func Fuzz' $$dir/*_test.go | sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			[ -z "$(FUZZ)" ] || [ "$$f" = "$(FUZZ)" ] || continue; \
			echo "fuzz: ./$$dir $$f"; \
			before=$$(ls $$dir/testdata/fuzz/$$f 2>/dev/null | wc -l); \
			go test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10x ./$$dir && continue; \
			[ "$$(ls $$dir/testdata/fuzz/$$f 2>/dev/null | wc -l)" = "$$before" ] || exit 1; \
			echo "fuzz: $$f wrote no failing input: the end of -fuzztime, not a finding"; \
		done; \
	done

## lint: go vet and gofmt
lint:
	go vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## clean: remove the binary (not ./data)
clean:
	rm -f agent
