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

# make explore SEED=<n>: the rapid seed (default: a fresh random one, printed).
# make replay TEST=<name> [PKG=<dir>] and one of FAILFILE=<file> or SEED=<n>;
# without PKG, the package is the one directory whose tests define TEST.
PKG ?=
TEST ?=
FAILFILE ?=
SEED ?=

# make test: the race detector is the gate; .ci/run clears RACE only on a
# machine without a C compiler (and says so).
RACE ?= -race

# make test: no package's tests may run longer than this, whatever is
# broken (a lost wake-up fails in seconds through the harness deadlines and
# the explorer's watchdog; this is the last resort).
TEST_TIMEOUT ?= 2m

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
	@echo 'example:   make replay TEST=TestPropLock FAILFILE=properties/testdata/rapid/TestPropLock/TestPropLock-20260101120000-4242.fail'

.PHONY: test
test: ## Run every test with the race detector (the CI gate): go test -race -timeout 2m ./...
	$(GO) test $(RACE) -timeout $(TEST_TIMEOUT) ./...

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
explore: ## Run every property and demo with EXPLORE_CHECKS schedules each and print a summary table (SEED=n, default random).
	@mkdir -p $(BIN)
	@$(GO) build -o $(BIN)/interleave ./cmd/interleave
	@pkgs='$(strip $(foreach p,$(EXPLORE_PKGS),$(if $(wildcard $(p)*.go),$(p))))'; \
	if [ -z "$$pkgs" ]; then echo 'explore: none of $(EXPLORE_PKGS) exists yet'; exit 1; fi; \
	seed='$(SEED)'; \
	if [ -z "$$seed" ]; then seed=$$(( $$(od -An -N4 -tu4 /dev/urandom) + 1 )); fi; \
	case "$$seed" in (*[!0-9]*|0) echo "explore: SEED=$$seed: want a decimal seed > 0 (0 is rapid's unreplayable random)"; exit 2;; esac; \
	cmd="go test $$pkgs -run '$(EXPLORE_RUN)' -count=1 -json -timeout=$(EXPLORE_TIMEOUT) -rapid.checks=$(EXPLORE_CHECKS) -rapid.seed=$$seed"; \
	echo "explore: rapid seed $$seed (replay this run: make explore SEED=$$seed EXPLORE_CHECKS=$(EXPLORE_CHECKS))"; \
	{ echo "explore: rapid seed $$seed"; echo "$$cmd"; \
	  $(GO) test $$pkgs -run '$(EXPLORE_RUN)' -count=1 -json -timeout=$(EXPLORE_TIMEOUT) \
		-rapid.checks=$(EXPLORE_CHECKS) -rapid.seed=$$seed 2>&1; } | \
		$(BIN)/interleave summary -log '$(EXPLORE_LOG)' -seed "$$seed"

.PHONY: replay
replay: ## Replay a failure: make replay TEST=TestX FAILFILE=<file> (or SEED=<n>) [PKG=dir, found from TEST if unset].
	@if [ -z '$(TEST)' ]; then echo 'replay: set TEST=<test name>, e.g. make replay TEST=TestPropLock SEED=42'; exit 2; fi
	@if [ -z '$(FAILFILE)$(SEED)' ]; then echo 'replay: set FAILFILE=<rapid fail file> or SEED=<rapid seed>'; exit 2; fi
	@pkg='$(PKG)'; top='$(firstword $(subst /, ,$(TEST)))'; \
	if [ -z "$$pkg" ]; then \
		dirs=$$(grep -rlE --include='*_test.go' "^func $${top}\(" . | xargs -r -n1 dirname | sort -u || true); \
		n=$$(printf '%s' "$$dirs" | grep -c . || true); \
		if [ "$$n" != 1 ]; then echo "replay: $$n packages define func $${top}( : $$dirs; set PKG=<dir>"; exit 2; fi; \
		pkg=$$dirs; \
	fi; \
	pkg=./$${pkg#./}; \
	ff='$(FAILFILE)'; \
	if [ -n "$$ff" ]; then \
		if [ -f "$$ff" ]; then ff=$$(realpath "$$ff"); \
		elif [ -f "$$pkg/$$ff" ]; then ff=$$(realpath "$$pkg/$$ff"); \
		else echo "replay: FAILFILE=$$ff: no such file (relative to the repository or to $$pkg)"; exit 2; fi; \
		flag="-rapid.failfile=$$ff"; \
	else flag='-rapid.seed=$(SEED)'; fi; \
	echo "$(GO) test $$pkg -run '$(TEST)' -count=1 -v $$flag"; \
	out=$$($(GO) test $$pkg -run '$(TEST)' -count=1 -v "$$flag" 2>&1) && rc=0 || rc=$$?; \
	printf '%s\n' "$$out"; \
	if ! grep -qE '^\s*--- (PASS|FAIL)' <<<"$$out"; then echo "replay: no test matching '$(TEST)' ran in $$pkg"; exit 2; fi; \
	exit $$rc

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
