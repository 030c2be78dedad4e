# Thin wrapper around CMake (as neovim does). The build lives in build/.
BUILD ?= build
ASAN_BUILD ?= build-asan
# the sanitizer pass skips the tests that mostly time cargo builds (label cargo);
# make asan-test ASAN_CTEST_FLAGS= runs them too
ASAN_CTEST_FLAGS ?= -LE cargo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
# warnings are errors in every build made through this Makefile (CI, make test)
WERROR ?= -DRWB_WERROR=ON
RWB_DEMO ?= build/demo-crate
# screen tests drive real programs on a shared machine: a test that fails is
# run once more before it counts as failed (its first failure stays in the log)
CTEST_FLAGS ?= --repeat until-pass:2

.PHONY: all deps configure run test asan asan-test fuzz install clean bench docs

# make builds and never installs packages; make deps installs them (apt-get as
# root, otherwise the exact sudo line), and the README's two commands call it
all: configure
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@sh scripts/install-deps.sh
	@sh tests/install-node-deps.sh

configure:
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(WERROR) $(CMAKE_FLAGS)

run: deps all
	@sh scripts/demo-repo.sh $(RWB_DEMO)
	./$(BUILD)/rwb --repo $(RWB_DEMO)

test: deps all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

asan:
	@test -f $(ASAN_BUILD)/CMakeCache.txt || cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DRWB_SANITIZE=ON $(WERROR) -DCMAKE_C_COMPILER=clang
	cmake --build $(ASAN_BUILD) -j $(JOBS)

asan-test: asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS) $(ASAN_CTEST_FLAGS)

fuzz:
	@test -f build-fuzz/CMakeCache.txt || cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DRWB_FUZZ=ON $(WERROR) -DCMAKE_C_COMPILER=clang
	cmake --build build-fuzz -j $(JOBS) --target fuzzers
	sh scripts/run-fuzzers.sh build-fuzz $${FUZZ_SECONDS:-10}

install: all
	cmake --install $(BUILD)

docs: all
	./$(BUILD)/rwb /help --markdown > docs/commands.md
	./$(BUILD)/rwb --keys-markdown > $(BUILD)/keys.md
	awk -v f=$(BUILD)/keys.md 'skip && /<!-- keys end -->/ { while ((getline l < f) > 0) print l; skip = 0 } \
		!skip { print } /<!-- keys begin/ { skip = 1 }' docs/user-guide.md > $(BUILD)/user-guide.md
	mv $(BUILD)/user-guide.md docs/user-guide.md

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
