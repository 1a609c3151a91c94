# interleave: model-checking Python's threading scenarios on Go primitives.
#
# Run `make help` for the targets. Every target that documents itself has a
# `## comment` after its name; `make help` prints those.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

GO ?= go
BIN := $(CURDIR)/bin

# staticcheck 2026.2.2; v0.8.x needs Go 1.26. Bump here, `make lint`
# installs the new version next to the old one.
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK := $(BIN)/staticcheck-$(STATICCHECK_VERSION)/staticcheck

# benchstat from golang.org/x/perf (untagged module: pinned pseudo-version).
BENCHSTAT_VERSION ?= v0.0.0-20260908200009-22c9c6c9d4da

# make explore: packages, test pattern and budget (schedules per property).
EXPLORE_PKGS ?= ./properties/ ./
EXPLORE_RUN ?= Prop|Demo|Exhaustive|Catches
EXPLORE_CHECKS ?= 2000
EXPLORE_TIMEOUT ?= 60m
EXPLORE_LOG ?= $(BIN)/explore.log

# make bench: repetitions, and an optional old result file for benchstat.
BENCH_COUNT ?= 1
BENCH_OUT ?= $(BIN)/bench.txt

# make replay: PKG=<dir> TEST=<regexp> and one of FAILFILE=<file> or SEED=<n>.
PKG ?= properties
TEST ?=
FAILFILE ?=
SEED ?=

# make test: the race detector is the gate; .ci/run clears RACE only on a
# machine without a C compiler (and says so).
RACE ?= -race

# Go source to format-check: everything but testdata and bin.
GO_FILES = $(shell find . -name '*.go' -not -path './bin/*' -not -path '*/testdata/*' -not -path './.git/*')

.PHONY: help
help: ## List the targets and what they do.
	@echo 'usage: make <target> [VAR=value ...]'
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN { FS = ":.*## " } { printf "  %-12s %s\n", $$1, $$2 }'
	@echo
	@echo 'variables: EXPLORE_CHECKS=$(EXPLORE_CHECKS) EXPLORE_PKGS="$(EXPLORE_PKGS)" BENCH_COUNT=$(BENCH_COUNT)'
	@echo '           STATICCHECK_VERSION=$(STATICCHECK_VERSION)'
	@echo 'example:   make replay PKG=properties TEST=TestPropLock FAILFILE=testdata/rapid/TestPropLock/TestPropLock-20260101120000-4242.fail'

.PHONY: test
test: ## Run every test with the race detector (the CI gate): go test -race ./...
	$(GO) test $(RACE) ./...

.PHONY: lint
lint: fmt-check vet staticcheck tidy-check workflow-check ## gofmt check, go vet, staticcheck and the go mod tidy check.

.PHONY: fmt-check
fmt-check: ## Fail, listing the files, if any Go file is not gofmt'ed.
	@files="$$(gofmt -l $(GO_FILES))"; \
	if [ -n "$$files" ]; then \
		echo 'gofmt: these files need formatting (run gofmt -w on them):'; \
		echo "$$files"; \
		exit 1; \
	fi

.PHONY: vet
vet: ## go vet ./...
	$(GO) vet ./...

.PHONY: staticcheck
staticcheck: $(STATICCHECK) ## staticcheck ./... (installs the pinned version into bin/).
	$(STATICCHECK) ./...

$(STATICCHECK):
	@echo 'installing staticcheck $(STATICCHECK_VERSION) into $(@D)'
	GOBIN='$(@D)' $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

.PHONY: tidy-check
tidy-check: ## Fail if go mod tidy would change go.mod or go.sum (changes nothing).
	@if ! diff="$$($(GO) mod tidy -diff)"; then \
		echo 'go.mod/go.sum are not tidy; run make tidy. go mod tidy would change:'; \
		echo "$$diff"; \
		exit 1; \
	fi

.PHONY: workflow-check
workflow-check: ## Fail if .github/workflows/ci.yml differs from ci/workflow.yml.
	@cmp -s ci/workflow.yml .github/workflows/ci.yml || { \
		echo 'workflow: .github/workflows/ci.yml differs from ci/workflow.yml; edit ci/workflow.yml, then:'; \
		echo '  cp ci/workflow.yml .github/workflows/ci.yml'; \
		diff -u ci/workflow.yml .github/workflows/ci.yml; \
		exit 1; }

.PHONY: tidy
tidy: ## Run go mod tidy.
	$(GO) mod tidy

.PHONY: bench
bench: ## Run the benchmarks (BENCH_COUNT=n repeats; OLD=file compares with benchstat).
	@mkdir -p $(BIN)
	$(GO) test -run '^$$' -bench . -benchmem -count=$(BENCH_COUNT) ./... | tee $(BENCH_OUT)
ifneq ($(OLD),)
	$(GO) run golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION) $(OLD) $(BENCH_OUT)
endif

.PHONY: explore
explore: ## Run every property and demo with EXPLORE_CHECKS schedules each and print a summary table.
	@mkdir -p $(BIN)
	@$(GO) build -o $(BIN)/interleave ./cmd/interleave
	@pkgs='$(strip $(foreach p,$(EXPLORE_PKGS),$(if $(wildcard $(p)*.go),$(p))))'; \
	if [ -z "$$pkgs" ]; then echo 'explore: none of $(EXPLORE_PKGS) exists yet'; exit 1; fi; \
	echo "go test $$pkgs -run '$(EXPLORE_RUN)' -count=1 -json -timeout=$(EXPLORE_TIMEOUT) -rapid.checks=$(EXPLORE_CHECKS)"; \
	$(GO) test $$pkgs -run '$(EXPLORE_RUN)' -count=1 -json -timeout=$(EXPLORE_TIMEOUT) \
		-rapid.checks=$(EXPLORE_CHECKS) 2>&1 | \
		$(BIN)/interleave summary -log '$(EXPLORE_LOG)'

.PHONY: replay
replay: ## Replay a failure: make replay PKG=properties TEST=TestX FAILFILE=<file> (or SEED=<n>).
	@if [ -z '$(TEST)' ]; then echo 'replay: set TEST=<test name>, e.g. make replay PKG=properties TEST=TestPropLock SEED=42'; exit 2; fi
	@if [ -z '$(FAILFILE)$(SEED)' ]; then echo 'replay: set FAILFILE=<rapid fail file> or SEED=<rapid seed>'; exit 2; fi
	$(GO) test ./$(patsubst ./%,%,$(PKG)) -run '$(TEST)' -count=1 -v \
		$(if $(FAILFILE),-rapid.failfile='$(REPLAY_FAILFILE)',-rapid.seed=$(SEED))

# A fail file path is relative to the package directory, as rapid prints it;
# a path that exists relative to the repository root is made absolute.
REPLAY_FAILFILE = $(if $(wildcard $(FAILFILE)),$(abspath $(FAILFILE)),$(FAILFILE))

# Only packages whose tests define the -update flag accept it; passing it to
# any other test binary is an error.
GOLDEN_PKGS = $(sort $(patsubst %/,%,$(dir $(shell grep -rlE --include='*_test.go' 'flag\.Bool."update"' . 2>/dev/null))))

.PHONY: golden
golden: ## Regenerate the golden files under testdata/: go test <pkgs> -run Golden -update
ifeq ($(GOLDEN_PKGS),)
	@echo 'golden: no test defines an -update flag yet'
else
	$(GO) test $(GOLDEN_PKGS) -run Golden -count=1 -update
	@git status --short -- $(addsuffix /testdata,$(GOLDEN_PKGS)) 2>/dev/null || true
endif

.PHONY: clean
clean: ## Remove bin/ (tools, logs, bench results) and stray test binaries.
	rm -rf $(BIN)
	find . -name '*.test' -type f -not -path './.git/*' -delete
