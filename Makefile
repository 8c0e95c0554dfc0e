# The two commands of the README — `make run` and `make test` — and a few more.
# Meson and Ninja do the building; this file only strings the steps together.
.PHONY: all deps build run test unit fuzz bench clean

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
	@bench/run.sh

clean:
	rm -rf $(BUILD) build-asan build-fuzz
