# ParkBrain: the two commands.
#   make demo   installs what is missing, builds, seeds the demo park into var/demo.db and serves it on :8080
#   make test   installs and builds the same way, then runs every test suite (unit tests under ASan+UBSan,
#               the store suite on SQLite and a throw-away PostgreSQL, black-box tests against the real binary,
#               fuzzers, web unit tests and Chromium end-to-end tests)
# Other targets: build (release binary), web (the app), bench (benchmarks), fuzz (longer fuzzing), clean.

JOBS ?= 2
BIN_RELEASE := build/release/src/app/parkbrain
DEMO_DB ?= var/demo.db
DEMO_LISTEN ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 20

.PHONY: demo test bootstrap build build-asan build-fuzz web bench fuzz clean

bootstrap:
	@bash scripts/bootstrap

build: bootstrap
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS) --target parkbrain

web: bootstrap
	cd web && npm run build --silent

demo: build web
	$(BIN_RELEASE) demo --db $(DEMO_DB) --listen $(DEMO_LISTEN) --web-root web/dist

build-asan: bootstrap
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)

build-fuzz: bootstrap
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS) --target fuzz_all

test: build-asan build-fuzz web
	PARKBRAIN_FUZZ_DIR=$(CURDIR)/build/fuzz PARKBRAIN_FUZZ_SECONDS=$(FUZZ_SECONDS) PARKBRAIN_REQUIRE_PG=1 \
	  scripts/with-postgres ctest --test-dir build/asan --output-on-failure -j 2

fuzz: build-fuzz
	PARKBRAIN_FUZZ_SECONDS=$${SECONDS_PER_TARGET:-300} scripts/run-fuzzers build/fuzz

bench: build web
	cmake --build --preset release -j $(JOBS)
	bash bench/run.sh

clean:
	rm -rf build web/dist
