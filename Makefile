# The two commands a newcomer needs are `make demo` and `make test`; both
# install their own Debian packages first (as root).
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 600

.PHONY: all deps build test demo bench fuzz format clean

all: build

deps:
	bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: build
	bash scripts/demo.sh $(BUILD_DIR)/src/cli/zlayer

# Side-by-side benchmarks (medians of RUNS runs, default 5).
bench: build
	bash bench/layer_bench.sh $(BUILD_DIR)
	bash bench/build_bench.sh $(BUILD_DIR)
	bash bench/push_bench.sh $(BUILD_DIR)

# Long fuzzing runs of every libFuzzer target (clang-19).
fuzz: deps
	bash scripts/fuzz.sh --seconds $(FUZZ_SECONDS)

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) build-fuzz
