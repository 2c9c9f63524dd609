# OpenSET: thin wrapper over CMake presets. The README's two commands:
#   make demo   install what is missing, build, run the end-to-end showcase
#   make test   install what is missing, build, run every test
# Other targets: build, test-asan, fuzz-smoke, bench, clean.

JOBS    ?= $(shell nproc)
PRESET  ?= release
BUILD    = build/$(PRESET)
OPENSET  = $(BUILD)/src/app/openset
FUZZ_SECONDS ?= 20

.PHONY: all deps configure build demo test test-asan fuzz-build fuzz-smoke bench clean help

all: build

help:
	@sed -n '1,6p' Makefile

deps:
	@scripts/setup-deps.sh

$(BUILD)/build.ninja: | deps
	cmake --preset $(PRESET)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build --preset $(PRESET) -j $(JOBS)

demo: build
	$(OPENSET) demo --out $(BUILD)/demo
	$(OPENSET) demo --suite set1 --out $(BUILD)/demo-set1

test: build
	ctest --preset $(PRESET) -j $(JOBS)

# Under ASan the PostgreSQL runs of the suites (label "postgres") are left out: the same code
# paths run under ASan on SQLite, and the PostgreSQL runs already ran in `make test`; CI's
# 90-minute budget does not hold both. So is the browser test (label "browser"): it tests the
# pages, and the services behind them run under ASan in the services tests.
test-asan: deps
	$(MAKE) PRESET=asan build
	ctest --preset asan -j $(JOBS) -LE "postgres|browser"

fuzz-build: deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)

fuzz-smoke: fuzz-build
	scripts/fuzz-smoke.sh build/fuzz $(FUZZ_SECONDS)

bench: build
	scripts/run-benchmarks.sh $(BUILD)

clean:
	rm -rf build
