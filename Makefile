# The two commands of the README — `make run` and `make test` — and a few more.
# Meson and Ninja do the building; this file only strings the steps together.
.PHONY: all deps build run test unit fuzz bench bench-path clean

BUILD ?= build
DB ?= sqlite:var/tolv.db
LISTEN ?= 127.0.0.1:8080

all: build

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Starts the server on the embedded database, creating it (with a first organisation
# and an administrator whose one-time password is printed once) on first start.
run: build
	@mkdir -p var
	$(BUILD)/tolv serve --db $(DB) --listen $(LISTEN) --first-run

# Every suite: unit, store on SQLite and PostgreSQL, sanitizers, HTTP, browser, crash.
test:
	@scripts/test.sh

fuzz:
	@scripts/fuzz.sh

bench: build
	@scripts/deps.sh --bench
	@bench/run.sh; status=$$?; \
	TOLV_BIN=$(BUILD)/tolv bench/meetings.sh || status=1; \
	TOLV_BIN=$(BUILD)/tolv bench/steps.sh || status=1; \
	exit $$status

# Issue 3: the roster and caseload pages on 2,000 and 30,000 generated people (not part of make test).
bench-path: build
	@scripts/deps.sh --bench
	@TOLV_BIN=$(BUILD)/tolv bench/path.sh

clean:
	rm -rf $(BUILD) build-asan build-fuzz
