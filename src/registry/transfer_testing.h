// What the pull and push tests share: one open registry per test suite, a
// temporary directory per test, and stores opened inside it.
#ifndef ZLAYER_REGISTRY_TRANSFER_TESTING_H_
#define ZLAYER_REGISTRY_TRANSFER_TESTING_H_

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "base/temp_dir.h"
#include "registry/client.h"
#include "registry/pull.h"
#include "registry/push.h"
#include "registry/testing/registry_server.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace zlayer::registry::testing {

class RegistryTransferTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = RegistryServer::StartOpen();
    ASSERT_TRUE(server) << server.error().message();
    server_ = std::move(*server).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    auto dir = base::TempDir::Create();
    ASSERT_TRUE(dir) << dir.error().message();
    dir_ = std::move(*dir);
  }

  // A store in the test's directory, under `name`.
  void OpenStore(const std::string& name, std::optional<store::Store>& out) {
    auto opened = store::Store::Open(dir_.path() + "/" + name);
    ASSERT_TRUE(opened) << opened.error().message();
    out.emplace(std::move(*opened));
  }
  static std::string Ref(const std::string& repo_and_tag) {
    return server_->host() + "/" + repo_and_tag;
  }
  // No waiting between retries in tests.
  static ClientOptions FastClient() {
    ClientOptions options;
    options.retry_base = std::chrono::milliseconds(1);
    return options;
  }
  static PullOptions PullOpts() {
    PullOptions options;
    options.client = FastClient();
    return options;
  }
  static PushOptions PushOpts() {
    PushOptions options;
    options.client = FastClient();
    return options;
  }
  // Stores `image` in `store` and pushes it to `ref` with its own digest.
  static void Publish(store::Store& store,
                      const store::testing::TestImage& image,
                      const std::string& ref) {
    auto stored = store::testing::Import(store, image);
    ASSERT_TRUE(stored) << stored.error().message();
    auto pushed = Push(store, image.id.ToString(), ref, PushOpts());
    ASSERT_TRUE(pushed) << pushed.error().message();
    ASSERT_EQ(pushed->manifest_digest, image.manifest_digest.ToString());
  }

  static inline RegistryServer* server_ = nullptr;
  base::TempDir dir_;
};

}  // namespace zlayer::registry::testing

#endif  // ZLAYER_REGISTRY_TRANSFER_TESTING_H_
