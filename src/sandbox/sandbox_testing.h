// Test helpers: a tiny busybox root filesystem and tree listings.
#ifndef ZLAYER_SANDBOX_SANDBOX_TESTING_H_
#define ZLAYER_SANDBOX_SANDBOX_TESTING_H_

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace zlayer::sandbox::testing {

inline const char* kApplets[] = {
    "sh",     "echo",  "cat",   "id",   "ls",   "mount", "hostname",
    "ps",     "sleep", "touch", "stat", "grep", "wc",    "pwd",
    "printf", "true",  "kill",  "test", "rm",   "mkdir", "readlink"};

// Copies /bin/busybox (Debian's busybox-static) into `root`/bin and links
// the applets the tests use.
inline void MakeBusyboxRoot(const std::string& root) {
  namespace fs = std::filesystem;
  fs::create_directories(root + "/bin");
  fs::copy_file("/bin/busybox", root + "/bin/busybox",
                fs::copy_options::overwrite_existing);
  ::chmod((root + "/bin/busybox").c_str(), 0755);
  for (const char* applet : kApplets) {
    fs::create_symlink("busybox", root + "/bin/" + applet);
  }
}

inline void WriteText(const std::string& path, const std::string& text,
                      mode_t mode = 0644) {
  std::filesystem::create_directories(
      std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every path below `root` with its type, for before/after comparisons.
inline std::set<std::string> ListTree(const std::string& root) {
  namespace fs = std::filesystem;
  std::set<std::string> out;
  for (auto it = fs::recursive_directory_iterator(root);
       it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = fs::relative(it->path(), root).string();
    char type = it->is_symlink() ? 'l' : it->is_directory() ? 'd' : 'f';
    out.insert(rel + " " + type);
  }
  return out;
}

}  // namespace zlayer::sandbox::testing

#endif  // ZLAYER_SANDBOX_SANDBOX_TESTING_H_
