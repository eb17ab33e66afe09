// A randomized mix of store operations for the concurrency and crash tests:
// imports of images built from a small shared pool of layers (so workers
// race on the same blobs), tagging, removal and garbage collection. Each
// worker only names images "w<worker>/img:<n>", so the final owner of each
// of its names is known from its own operations alone.
#ifndef ZLAYER_STORE_WORKLOAD_TESTING_H_
#define ZLAYER_STORE_WORKLOAD_TESTING_H_

#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/store.h"
#include "store/store_testing.h"

namespace zlayer::store::testing {

// name -> image id that the name must denote at the end.
using Expectation = std::map<std::string, base::Digest>;

inline TestImage PoolImage(std::mt19937& rng, const std::string& label) {
  std::vector<std::string> layers;
  int count = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < count; ++i) {
    // Layers of a few KiB, six of them shared by every worker.
    int pick = static_cast<int>(rng() % 6);
    layers.push_back(
        "layer-" + std::to_string(pick) + "-" +
        std::string(1024 * (pick + 1), static_cast<char>('a' + pick)));
  }
  return MakeTestImage(layers, label);
}

// Runs `operations` random operations as worker `worker`; `expect` tracks
// the names this worker owns. Returns the first error.
inline Status RunWorkload(Store& store, int worker, int operations,
                          uint32_t seed, Expectation& expect) {
  std::mt19937 rng(seed);
  auto name = [&] {
    return "w" + std::to_string(worker) + "/img:" + std::to_string(rng() % 8);
  };
  for (int op = 0; op < operations; ++op) {
    unsigned dice = rng() % 100;
    // Every tenth image is common to all workers (same config, same id).
    std::string label = (op % 10 == 0) ? "common-" + std::to_string(rng() % 3)
                                       : "w" + std::to_string(worker) + "-" +
                                             std::to_string(op);
    if (dice < 45 || expect.empty()) {
      TestImage image = PoolImage(rng, label);
      std::string tag = name();
      ZL_RETURN_IF_ERROR(Import(store, image, {tag}));
      expect[tag] = image.id;
    } else if (dice < 60) {
      auto source = std::next(expect.begin(), rng() % expect.size());
      std::string tag = name();
      base::Digest id = source->second;
      ZL_RETURN_IF_ERROR(store.Tag(source->first, tag));
      expect[tag] = id;
    } else if (dice < 85) {
      auto victim = std::next(expect.begin(), rng() % expect.size());
      ZL_RETURN_IF_ERROR(store.RemoveImage(victim->first));
      expect.erase(victim);
    } else if (dice < 95) {
      ZL_RETURN_IF_ERROR(
          store.GarbageCollect(GcOptions{.wait = dice % 2 == 0}));
    } else {
      ZL_RETURN_IF_ERROR(store.ListImages());
    }
  }
  return Ok();
}

}  // namespace zlayer::store::testing

#endif  // ZLAYER_STORE_WORKLOAD_TESTING_H_
