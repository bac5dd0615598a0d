# ledenbrief — see README.md.
GO ?= go
FUZZTIME ?= 30s
BIN := bin/ledenbrief
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -X ledenbrief/internal/manifest.buildVersion=$(VERSION) -X ledenbrief/internal/manifest.buildCommit=$(COMMIT)
PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64

.PHONY: build test bench serve fuzz clean example dist

## build: build the shipped letter into public/
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/ledenbrief
	$(BIN) build

## dist: cross-compile ledenbrief (theme embedded) for Linux, macOS and Windows, amd64 and arm64, into dist/ with SHA256SUMS
dist:
	rm -rf dist && mkdir -p dist
	for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "-s -w $(LDFLAGS)" -o dist/ledenbrief-$(VERSION)-$$os-$$arch$$ext ./cmd/ledenbrief || exit 1; \
	done
	cd dist && sha256sum ledenbrief-* > SHA256SUMS

## example: build the fictional example series (editions, aliases, lock) into public-voorbeeld/
example:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/ledenbrief
	$(BIN) build --content testdata/voorbeeldreeks/content --out public-voorbeeld

## serve: preview the shipped letter on http://127.0.0.1:1313/, rebuilt and reloaded on every save
serve:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/ledenbrief
	$(BIN) serve

## test: run every test, printing each package as it finishes and every skipped test with its reason (browser tests skip without Chromium unless CI=true); a package may take longer than go test's ten minutes on a loaded 2-core machine
test:
	$(GO) vet ./...
	$(GO) build -o bin/testreport ./tools/testreport
	$(GO) test -count=1 -timeout 30m -json ./... | bin/testreport

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
	$(GO) test -run='^$$' -fuzz=FuzzAPI -fuzztime=$(FUZZTIME) ./internal/serve

clean:
	rm -rf bin dist public public-concept public-voorbeeld
