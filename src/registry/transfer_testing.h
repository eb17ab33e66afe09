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
#include "registry/testing/registry_server.h"
#include "store/store.h"

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

  static inline RegistryServer* server_ = nullptr;
  base::TempDir dir_;
};

}  // namespace zlayer::registry::testing

#endif  // ZLAYER_REGISTRY_TRANSFER_TESTING_H_
