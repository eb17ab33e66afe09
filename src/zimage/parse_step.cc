// `steps:` entries (section 4.3) and their cache mounts (4.5).
#include <algorithm>
#include <array>

#include "zimage/parse_internal.h"

namespace zlayer::zimage::internal {
namespace {

const KeyList kStepKeys = {"run", "copy", "add",   "env",   "workdir", "user",
                           "to",  "from", "owner", "chmod", "cache"};
const KeyList kCacheKeys = {"target", "id", "sharing", "readonly"};
constexpr std::array<std::string_view, 6> kActions = {"run", "copy",    "add",
                                                      "env", "workdir", "user"};

std::string Str(std::string_view s) { return std::string(s); }

bool IsIdentifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
  });
}

std::optional<CacheMount> ReadCache(Reader& r, const YAML::Node& node,
                                    Mark mark, const std::string& loc,
                                    int index) {
  const std::string prefix = loc + ": ";
  std::optional<std::vector<Entry>> entries = r.Mapping(
      node, mark, prefix, "cache",
      WhereOf(prefix, "cache mount " + std::to_string(index)), kCacheKeys);
  if (!entries) return std::nullopt;
  CacheMount c;
  c.mark = Reader::MarkOf(node, mark);
  bool ok = true;
  bool has_target = false;
  for (const Entry& e : *entries) {
    if (e.key == "readonly") {
      std::optional<bool> b = r.Bool(e, prefix);
      ok &= b.has_value();
      c.readonly = b.value_or(false);
      continue;
    }
    std::optional<Text> text = r.String(e, prefix);
    if (!text) {
      ok = false;
      continue;
    }
    if (e.key == "sharing") {
      if (text->value == "locked") {
        c.sharing = CacheSharing::kLocked;
      } else if (text->value == "shared") {
        c.sharing = CacheSharing::kShared;
      } else if (text->value == "private") {
        c.sharing = CacheSharing::kPrivate;
      } else {
        r.Error(text->mark, prefix +
                                "cache 'sharing' must be one of locked, "
                                "shared, private, got '" +
                                text->value + "'");
        ok = false;
      }
      continue;
    }
    // Mount options are comma-separated fields of one flag word.
    if (!CheckWord(r, *text, prefix + "cache ", e.key)) {
      ok = false;
    } else if (text->value.find(',') != std::string::npos) {
      r.Error(text->mark, prefix + "cache '" + e.key +
                              "' must not contain ',', got '" + text->value +
                              "'");
      ok = false;
    } else if (e.key == "target") {
      c.target = text->value;
      has_target = true;
    } else {
      c.id = text->value;
    }
  }
  if (!has_target && ok) {
    r.Error(c.mark, prefix + "cache mount needs a 'target'");
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return c;
}

class StepReader {
 public:
  StepReader(Reader& r, std::string loc)
      : r_(r), loc_(std::move(loc)), prefix_(loc_ + ": ") {}

  std::optional<Step> Read(const YAML::Node& node, Mark mark) {
    std::optional<std::vector<Entry>> entries =
        r_.Mapping(node, mark, prefix_, "step", "in " + loc_, kStepKeys);
    if (!entries) return std::nullopt;
    step_.mark = Reader::MarkOf(node, mark);
    std::vector<std::string> actions;
    for (const Entry& e : *entries) {
      if (std::find(kActions.begin(), kActions.end(), e.key) != kActions.end())
        actions.push_back(e.key);
    }
    const bool has_run =
        std::find(actions.begin(), actions.end(), "run") != actions.end();
    if (has_run) std::erase(actions, "env");
    if (actions.empty()) {
      Fail(step_.mark,
           "step must have exactly one instruction type (run, "
           "copy, add, env, workdir, user), but none were found");
      return std::nullopt;
    }
    if (actions.size() > 1) {
      std::string list;
      for (const std::string& a : actions)
        list += (list.empty() ? "" : ", ") + a;
      Fail(step_.mark,
           "step must have exactly one instruction type, but multiple were "
           "found: " +
               list);
      return std::nullopt;
    }
    action_ = actions[0];
    step_.kind = Kind(action_);
    bool has_to = false;
    for (const Entry& e : *entries) {
      has_to |= e.key == "to";
      ReadKey(e);
    }
    if ((action_ == "copy" || action_ == "add") && !has_to) {
      Fail(step_.mark, "'" + action_ + "' step must have a 'to' field");
    }
    if (!ok_) return std::nullopt;
    return std::move(step_);
  }

 private:
  static StepKind Kind(std::string_view a) {
    if (a == "run") return StepKind::kRun;
    if (a == "copy") return StepKind::kCopy;
    if (a == "add") return StepKind::kAdd;
    if (a == "env") return StepKind::kEnv;
    if (a == "workdir") return StepKind::kWorkdir;
    return StepKind::kUser;
  }

  void Fail(Mark mark, std::string message) {
    r_.Error(mark, prefix_ + message);
    ok_ = false;
  }

  void ReadKey(const Entry& e) {
    const bool file_step = action_ == "copy" || action_ == "add";
    if (e.key == "run") {
      std::optional<Command> c =
          r_.ReadCommand(e.value, e.mark, prefix_, "run", false);
      if (c) step_.run = std::move(*c);
      ok_ &= c.has_value();
    } else if (e.key == "copy" || e.key == "add") {
      std::optional<std::vector<Text>> list = r_.StringList(e, prefix_, true);
      if (list && list->empty()) {
        Fail(e.mark, "'" + e.key + "' must name at least one source");
      }
      for (const Text& t : list.value_or(std::vector<Text>{})) {
        ok_ &= CheckText(r_, t, prefix_, e.key);
        step_.sources.push_back(t.value);
      }
      ok_ &= list.has_value();
    } else if (e.key == "env") {
      ReadEnv(e);
    } else if (e.key == "workdir" || e.key == "user") {
      std::optional<Text> t = r_.String(e, prefix_);
      ok_ &= t && CheckText(r_, *t, prefix_, e.key);
      if (t) step_.value = t->value;
    } else if (e.key == "cache") {
      if (action_ != "run") {
        return Fail(e.mark, "'cache' is only valid on 'run' steps, not '" +
                                action_ + "'");
      }
      ReadCacheList(e);
    } else if (e.key == "from" && action_ == "add") {
      Fail(e.mark, "'from' is not supported on 'add' steps");
    } else if (!file_step) {
      Fail(e.mark, "'" + e.key +
                       "' is only valid on 'copy'/'add' steps, not '" +
                       action_ + "'");
    } else if (e.key == "to") {
      std::optional<Text> t = r_.String(e, prefix_);
      ok_ &= t && CheckText(r_, *t, prefix_, "to");
      if (t) step_.to = t->value;
    } else {
      std::optional<Text> t = ReadWord(r_, e, prefix_);
      ok_ &= t.has_value();
      if (!t) return;
      if (e.key == "from") step_.from = *t;
      if (e.key == "owner") step_.owner = t->value;
      if (e.key == "chmod") step_.chmod = t->value;
    }
  }

  void ReadEnv(const Entry& e) {
    std::vector<KeyValue> env = r_.StringMap(e, prefix_);
    for (const KeyValue& kv : env) {
      if (action_ == "run" && !IsIdentifier(kv.key)) {
        // Transient variables are set by the shell, which takes only names.
        Fail(kv.mark, "'" + kv.key + "' is not a valid variable name");
      } else if (kv.key.find('=') != std::string::npos) {
        Fail(kv.mark, "name '" + kv.key + "' in 'env' must not contain '='");
      } else {
        ok_ &= CheckSingleLine(r_, Text{kv.key, kv.mark}, prefix_, "env");
        ok_ &= action_ == "run" ||
               CheckSingleLine(r_, Text{kv.value, kv.mark}, prefix_, "env");
      }
    }
    step_.env = std::move(env);
  }

  void ReadCacheList(const Entry& e) {
    if (!e.value.IsSequence()) {
      return Fail(Reader::MarkOf(e.value, e.mark),
                  "'cache' must be a list of cache mounts");
    }
    int index = 0;
    for (const YAML::Node& item : e.value) {
      std::optional<CacheMount> c = ReadCache(r_, item, e.mark, loc_, ++index);
      ok_ &= c.has_value();
      if (c) step_.cache.push_back(std::move(*c));
    }
  }

  Reader& r_;
  std::string loc_;
  std::string prefix_;
  std::string action_;
  Step step_;
  bool ok_ = true;
};

}  // namespace

std::vector<Step> ReadSteps(Reader& r, const Entry& entry,
                            std::string_view stage) {
  std::vector<Step> out;
  const std::string owner = stage.empty() ? "" : "stage '" + Str(stage) + "'";
  if (!entry.value.IsSequence()) {
    r.Error(Reader::MarkOf(entry.value, entry.mark),
            (owner.empty() ? "" : owner + ": ") +
                "'steps' must be a list of steps");
    return out;
  }
  int n = 0;
  for (const YAML::Node& node : entry.value) {
    const std::string loc =
        (owner.empty() ? "" : owner + ", ") + "step " + std::to_string(++n);
    if (std::optional<Step> step = StepReader(r, loc).Read(node, entry.mark)) {
      out.push_back(std::move(*step));
    }
  }
  return out;
}

}  // namespace zlayer::zimage::internal
