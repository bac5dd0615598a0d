# ledenbrief — see README.md.
GO ?= go
FUZZTIME ?= 30s
BIN := bin/ledenbrief

.PHONY: build test bench serve fuzz clean example

## build: build the shipped letter into public/
build:
	$(GO) build -o $(BIN) ./cmd/ledenbrief
	$(BIN) build

## example: build the fictional example series (editions, aliases, lock) into public-voorbeeld/
example:
	$(GO) build -o $(BIN) ./cmd/ledenbrief
	$(BIN) build --content testdata/voorbeeldreeks/content --out public-voorbeeld

## test: run every test (browser tests skip without Chromium unless CI=true)
test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

## bench: run the benchmarks on 1,000 letters of ../shared/bench/gencorpus.py when it is there (LEDENBRIEF_BENCH_LETTERS=5000 for more, LEDENBRIEF_BENCH_CORPUS=synthetic for internal/corpus)
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=3x ./...

## fuzz: run each fuzz target for a short while (FUZZTIME=10m for a long run)
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzLoad -fuzztime=$(FUZZTIME) ./internal/content
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) ./internal/markdown
	$(GO) test -run='^$$' -fuzz=FuzzResolve -fuzztime=$(FUZZTIME) ./internal/site
	$(GO) test -run='^$$' -fuzz=FuzzParseLock -fuzztime=$(FUZZTIME) ./internal/anchors
	$(GO) test -run='^$$' -fuzz=FuzzAnalyze -fuzztime=$(FUZZTIME) ./internal/search
	$(GO) test -run='^$$' -fuzz=FuzzAPI -fuzztime=$(FUZZTIME) ./internal/search

clean:
	rm -rf bin public public-voorbeeld
