// Writes one layer from a directory and reports how long it took and how
// much memory the process peaked at, as one line of "key=value" fields that
// bench/layer_bench.sh collects:
//
//   zlayer_layer_bench DIR [--compression gzip|zstd|none] [--threads N]
//                      [--level N] [--block-size BYTES] [--output FILE]
//
// Without --output the blob goes to /dev/null (it is still hashed).
#include <fcntl.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/unique_fd.h"
#include "layer/layer_writer.h"
#include "oci/media_types.h"

namespace {

using zlayer::Result;
using zlayer::layer::LayerOptions;

struct Args {
  std::string dir;
  std::string output = "/dev/null";
  LayerOptions options;
};

Result<long> Number(std::string_view flag, const char* text) {
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 0) {
    return zlayer::Fail(std::string(flag) + ": not a number: " + text);
  }
  return value;
}

Result<Args> Parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!arg.starts_with("--")) {
      args.dir = argv[i];
      continue;
    }
    if (i + 1 >= argc) return zlayer::Fail(std::string(arg) + " needs a value");
    const char* value = argv[++i];
    if (arg == "--compression") {
      ZL_ASSIGN_OR_RETURN(args.options.compression,
                          zlayer::oci::ParseCompression(value));
    } else if (arg == "--threads") {
      ZL_ASSIGN_OR_RETURN(long n, Number(arg, value));
      args.options.threads = static_cast<int>(n);
    } else if (arg == "--level") {
      ZL_ASSIGN_OR_RETURN(long n, Number(arg, value));
      args.options.level = static_cast<int>(n);
    } else if (arg == "--block-size") {
      ZL_ASSIGN_OR_RETURN(long n, Number(arg, value));
      args.options.block_size = static_cast<size_t>(n);
    } else if (arg == "--output") {
      args.output = value;
    } else {
      return zlayer::Fail("unknown flag " + std::string(arg));
    }
  }
  if (args.dir.empty())
    return zlayer::Fail("usage: zlayer_layer_bench DIR [flags]");
  return args;
}

int Run(int argc, char** argv) {
  auto args = Parse(argc, argv);
  if (!args) {
    std::fprintf(stderr, "zlayer_layer_bench: %s\n",
                 args.error().message().c_str());
    return 2;
  }
  auto fd =
      zlayer::base::OpenFile(args->output, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!fd) {
    std::fprintf(stderr, "zlayer_layer_bench: %s\n",
                 fd.error().message().c_str());
    return 1;
  }
  zlayer::layer::ChangeSet changes;
  changes.root = args->dir;
  auto start = std::chrono::steady_clock::now();
  auto layer = zlayer::layer::WriteLayer(
      changes, args->options, zlayer::layer::FdSink(fd->get(), args->output));
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  if (!layer) {
    std::fprintf(stderr, "zlayer_layer_bench: %s\n",
                 layer.error().message().c_str());
    return 1;
  }
  struct rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);
  double cpu = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
               (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::printf(
      "seconds=%.3f cpu_seconds=%.3f max_rss_kb=%ld tar_bytes=%llu "
      "blob_bytes=%llu diff_id=%s digest=%s\n",
      elapsed.count(), cpu, usage.ru_maxrss,
      static_cast<unsigned long long>(layer->uncompressed_size),
      static_cast<unsigned long long>(layer->compressed_size),
      layer->diff_id.ToString().c_str(), layer->digest.ToString().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
