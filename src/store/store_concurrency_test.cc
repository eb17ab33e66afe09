// Several writers on one root at once: separate processes (each with its
// own Store, as separate `zlayer` invocations) and threads sharing or not
// sharing a Store. Afterwards the names must denote exactly what each
// worker last did, and every blob must verify.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "base/temp_dir.h"
#include "store/store.h"
#include "store/workload_testing.h"

namespace zlayer::store {
namespace {

using testing::Expectation;
using testing::RunWorkload;

constexpr int kProcessOperations = 150;
constexpr int kThreadOperations = 60;

// Checks the final state against the union of the workers' expectations.
void ExpectConsistent(const std::string& root, const Expectation& expect) {
  Store store = Store::Open(root).value();
  auto images = store.ListImages();
  ASSERT_TRUE(images) << images.error().message();
  EXPECT_FALSE(expect.empty());
  Expectation listed;
  for (const ImageRecord& image : *images) {
    EXPECT_GT(image.total_size, 0);
    for (const std::string& tag : image.tags) listed[tag] = image.id;
  }
  EXPECT_EQ(listed, expect);
  for (int pass = 0; pass < 2; ++pass) {
    auto report = store.VerifyAll();
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_TRUE(report->ok()) << ::testing::PrintToString(report->problems);
    EXPECT_GT(report->blobs_checked, 0);
    // The second pass checks that GC kept everything the index needs.
    auto gc = store.GarbageCollect();
    ASSERT_TRUE(gc) << gc.error().message();
  }
  auto usage = store.DiskUsage();
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->unreferenced_blobs, 0);
}

void WriteExpectation(const std::string& path, const Expectation& expect) {
  std::ofstream out(path);
  for (const auto& [name, id] : expect)
    out << name << ' ' << id.ToString() << '\n';
}

Expectation ReadExpectation(const std::string& path) {
  Expectation expect;
  std::ifstream in(path);
  std::string name, id;
  while (in >> name >> id) expect[name] = base::Digest::Parse(id).value();
  return expect;
}

TEST(StoreConcurrencyTest, TwoProcessesImportTagRemoveAndCollect) {
  auto dir = base::TempDir::Create().value();
  std::string root = dir.path() + "/root";
  ASSERT_TRUE(Store::Open(root));
  std::vector<pid_t> children;
  for (int worker = 0; worker < 2; ++worker) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      Expectation expect;
      auto store = Store::Open(root);
      Status status = store ? RunWorkload(*store, worker, kProcessOperations,
                                          1000 + worker, expect)
                            : Status(std::unexpected(store.error()));
      if (!status) {
        std::fprintf(stderr, "worker %d: %s\n", worker,
                     status.error().message().c_str());
        ::_exit(1);
      }
      WriteExpectation(dir.path() + "/expect" + std::to_string(worker), expect);
      ::_exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  Expectation expect = ReadExpectation(dir.path() + "/expect0");
  expect.merge(ReadExpectation(dir.path() + "/expect1"));
  ExpectConsistent(root, expect);
}

TEST(StoreConcurrencyTest, ThreadsWithSharedAndSeparateStores) {
  auto dir = base::TempDir::Create().value();
  std::string root = dir.path();
  Store shared = Store::Open(root).value();
  Store separate = Store::Open(root).value();
  Store* stores[] = {&shared, &shared, &separate};
  std::vector<Expectation> expects(3);
  std::vector<std::string> errors(3);
  std::vector<std::thread> threads;
  for (int worker = 0; worker < 3; ++worker) {
    threads.emplace_back([&, worker] {
      auto status = RunWorkload(*stores[worker], worker, kThreadOperations,
                                2000 + worker, expects[worker]);
      if (!status) errors[worker] = status.error().message();
    });
  }
  for (std::thread& thread : threads) thread.join();
  Expectation expect;
  for (int worker = 0; worker < 3; ++worker) {
    EXPECT_EQ(errors[worker], "") << "worker " << worker;
    expect.merge(expects[worker]);
  }
  ExpectConsistent(root, expect);
}

}  // namespace
}  // namespace zlayer::store
