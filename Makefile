# Every build, test and vet needs the FTS5 tag of go-sqlite3 (and cgo).
export GOFLAGS := -tags=sqlite_fts5
export CGO_ENABLED := 1

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: all generate build run test bench fuzz lint clean

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
	go test -count=1 ./...

## bench: the benchmarks recorded in docs/BENCHMARKS.md
bench:
	go test -run '^$$' -bench . -benchmem ./...

## fuzz: one fuzz test for a while, e.g. make fuzz FUZZ=FuzzPDF FUZZTIME=10m. Each new
## input the fuzzer keeps is minimized for 5 s at most: Go's default of 60 s (with a
## cost that grows with the square of the input's length) left it at 0 executions a
## second for a minute after each find
FUZZ ?= FuzzPDF
FUZZTIME ?= 2m
fuzz:
	go test -run '^$$' -fuzz '^$(FUZZ)$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s \
		$$(dirname $$(grep -rl --include='*_test.go' 'func $(FUZZ)(' app) | sed 's|^|./|')

## lint: go vet and gofmt
lint:
	go vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## clean: remove the binary (not ./data)
clean:
	rm -f agent
