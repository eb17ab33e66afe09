#include "plan/windows_deps.h"

#include <cctype>
#include <variant>
#include <vector>

namespace zlayer::plan {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsSeparator(char c) { return c == ';' || c == '&' || c == '|'; }

// The words at command positions of a shell (or cmd.exe) line: the first
// word and every word after a `;`, `&`, `&&`, `|` or `||`. Quoting is not
// interpreted: a package manager named inside a quoted string is rare, and
// a false alarm there names the exact line to look at.
std::vector<std::string> CommandWords(std::string_view line) {
  std::vector<std::string> words;
  bool at_command = true;
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (IsSeparator(c)) {
      at_command = true;
      ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < line.size() && !IsSeparator(line[i]) &&
           !std::isspace(static_cast<unsigned char>(line[i]))) {
      ++i;
    }
    if (at_command) words.emplace_back(line.substr(start, i - start));
    at_command = false;
  }
  return words;
}

// A program's name without its directory and ".exe", lower-cased
// (C:\ProgramData\chocolatey\bin\choco.exe -> choco).
std::string ProgramName(std::string_view word) {
  std::string lower = Lower(word);
  size_t sep = lower.find_last_of("/\\");
  if (sep != std::string::npos) lower.erase(0, sep + 1);
  if (lower.ends_with(".exe")) lower.resize(lower.size() - 4);
  return lower;
}

std::optional<std::string> ManagerName(std::string_view word) {
  std::string name = ProgramName(word);
  if (name == "choco" || name == "winget") return name;
  return std::nullopt;
}

// A program that runs its arguments as a command line.
bool IsShell(std::string_view program) {
  std::string name = ProgramName(program);
  return name == "cmd" || name == "powershell" || name == "pwsh" ||
         name == "sh" || name == "bash";
}

}  // namespace

bool IsNanoserverImage(std::string_view image) {
  std::string lower = Lower(image);
  // The repository's last path component, without tag or digest.
  size_t at = lower.find('@');
  if (at != std::string::npos) lower.resize(at);
  size_t slash = lower.rfind('/');
  std::string name =
      slash == std::string::npos ? lower : lower.substr(slash + 1);
  size_t colon = name.find(':');
  if (colon != std::string::npos) name.resize(colon);
  return name == "nanoserver" || name.starts_with("nanoserver-");
}

std::optional<std::string> PackageManagerCalled(
    const dockerfile::RunCommand& run) {
  const std::vector<std::string>& args = run.command.cmd_line;
  if (!run.command.prepend_shell) {
    // Exec form: the program, or the command line given to a shell
    // (["cmd", "/S", "/C", "choco install git"]).
    if (args.empty()) return std::nullopt;
    if (auto name = ManagerName(args[0])) return name;
    if (!IsShell(args[0])) return std::nullopt;
    for (size_t i = 1; i < args.size(); ++i) {
      for (const std::string& word : CommandWords(args[i])) {
        if (auto name = ManagerName(word)) return name;
      }
    }
    return std::nullopt;
  }
  for (const std::string& line : args) {
    for (const std::string& word : CommandWords(line)) {
      if (auto name = ManagerName(word)) return name;
    }
  }
  return std::nullopt;
}

Status CheckNanoserverStage(const dockerfile::Stage& stage,
                            std::string_view base,
                            const std::string& filename) {
  for (const dockerfile::Command& command : stage.commands) {
    const auto* run = std::get_if<dockerfile::RunCommand>(&command);
    if (run == nullptr) continue;
    if (std::optional<std::string> manager = PackageManagerCalled(*run)) {
      return Fail(filename + ":" + std::to_string(run->location.start_line) +
                      ": RUN: " + *manager +
                      " is not available on a nanoserver base (" +
                      std::string(base) +
                      " has no package manager); use a servercore base, or "
                      "COPY the tool in",
                  ErrorKind::kInvalid);
    }
  }
  return Ok();
}

}  // namespace zlayer::plan
