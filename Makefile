# Thin wrapper over the CMake presets. Every target but clean first installs
# whatever Debian packages are missing (scripts/deps.sh), so a fresh machine
# needs nothing but `make run`, `make test` or `make format-check` (clang-format
# is one of them).
JOBS ?= $(shell nproc)
PRESET ?= release
BIN := build/$(PRESET)/bin

.PHONY: all deps configure build run test debug asan tsan clang determinism-O0 bench format format-check install-check clean

all: build

deps:
	@bash scripts/deps.sh

build/%/build.ninja: | deps
	cmake --preset $*

configure: build/$(PRESET)/build.ninja

build: deps configure
	cmake --build --preset $(PRESET) -j $(JOBS)

# Only what the quickstart needs (the engine and the example: about 20 of the
# build's 230 steps), not the test suite, which `make build` and `make test` build.
run: deps configure
	cmake --build --preset $(PRESET) -j $(JOBS) --target hio-quickstart
	$(BIN)/hio-quickstart

test: build
	ctest --preset $(PRESET) -j $(JOBS)

# tsan (ThreadSanitizer) is a developer check, not part of .ci/run: its suite
# takes the better part of an hour on two cores (docs/development.md).
debug asan tsan clang: deps
	@[ -f build/$@/build.ninja ] || cmake --preset $@
	cmake --build --preset $@ -j $(JOBS)
	ctest --preset $@ -j $(JOBS)

# DESIGN.md section 3 asks for identical journals at -O0 as at -O2: build the
# determinism suites (golden traces, digests and journals) unoptimised and run
# them. The release, asan (-O1) and clang builds run the same tests in `test`,
# `asan` and `clang`.
DETERMINISM_TARGETS := engine_tests sim_determinism_tests replay_process_tests replay_journal_check
determinism-O0: deps
	@[ -f build/debug/build.ninja ] || cmake --preset debug
	cmake --build --preset debug -j $(JOBS) --target $(DETERMINISM_TARGETS)
	ctest --preset debug -j $(JOBS) -R 'Determinism|Processes|Random' --no-tests=error

# ns-3 (sim_vs_ns3) is for the benchmarks only: installed here, never by run
# or test; the configure step finds it.
bench: deps
	@bash scripts/deps.sh bench
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET) -j $(JOBS)
	$(BIN)/hio-bench all --json

# Projects outside hio built against it as docs/embedding.md says: installed
# into a scratch prefix, from the build tree, as a subdirectory (the
# consumer_* tests of tests/consumer/run_consumer.cmake).
install-check: build
	ctest --preset $(PRESET) -j $(JOBS) -R '^consumer_'

# The files are git's tracked sources; outside a git checkout (an unpacked
# tarball) every *.cpp and *.hpp but build/'s. An empty list is an error, so
# that the check cannot pass having checked nothing.
FORMAT_FILES = { git ls-files '*.cpp' '*.hpp' 2>/dev/null || \
	find . -path ./build -prune -o \( -name '*.cpp' -o -name '*.hpp' \) -type f -print; } | sort
FORMAT_LIST = files=$$($(FORMAT_FILES)) && [ -n "$$files" ] || { echo "format: no C++ sources found" >&2; exit 1; }

format: deps
	@$(FORMAT_LIST); echo "$$files" | xargs clang-format -i

format-check: deps
	@$(FORMAT_LIST); echo "$$files" | xargs clang-format --dry-run --Werror

clean:
	rm -rf build
