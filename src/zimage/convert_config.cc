// The image-config instructions of the converter.
#include "base/units.h"
#include "dockerfile/parser.h"
#include "zimage/convert_internal.h"
#include "zimage/diagnostic.h"
#include "zimage/words.h"

namespace zlayer::zimage::internal {
namespace {

std::string ProtocolName(Protocol p) {
  switch (p) {
    case Protocol::kUdp:
      return "udp";
    case Protocol::kSctp:
      return "sctp";
    default:
      return "tcp";
  }
}

Result<std::string> RenderCommand(const ZImage& image, std::string_view keyword,
                                  const std::vector<std::string>& flags,
                                  const Command& cmd) {
  std::string head(keyword);
  for (const std::string& f : flags) head += " " + f;
  if (cmd.exec_form) return head + " " + JsonArray(cmd.args);
  std::string text = TrimShell(cmd.shell);
  std::string line = head + " " + text;
  std::vector<std::string> args = {text};
  std::vector<std::string> parsed_flags = flags;
  if (keyword == "HEALTHCHECK") {
    // HEALTHCHECK keeps "CMD" as its first argument.
    args.insert(args.begin(), "CMD");
    parsed_flags.pop_back();
  }
  if (!ParsesAs(line, parsed_flags, args)) {
    return std::unexpected(PositionedError(
        image.file, cmd.mark,
        "this shell command cannot be written as a Dockerfile " +
            std::string(keyword) + " line; use the list form"));
  }
  return line;
}

std::string Flag(std::string_view name, std::chrono::nanoseconds d) {
  return "--" + std::string(name) + "=" + base::FormatDuration(d);
}

Result<std::string> RenderHealthcheck(const ZImage& image,
                                      const Healthcheck& h) {
  std::vector<std::string> flags;
  if (h.interval) flags.push_back(Flag("interval", *h.interval));
  if (h.timeout) flags.push_back(Flag("timeout", *h.timeout));
  if (h.start_period) flags.push_back(Flag("start-period", *h.start_period));
  if (h.retries) flags.push_back("--retries=" + std::to_string(*h.retries));
  flags.push_back("CMD");
  return RenderCommand(image, "HEALTHCHECK", flags, h.cmd);
}

}  // namespace

std::string TrimShell(std::string_view text) {
  const char* blanks = " \t\r\n\v\f";
  const size_t start = text.find_first_not_of(blanks);
  if (start == std::string_view::npos) return "";
  const size_t end = text.find_last_not_of(blanks);
  return std::string(text.substr(start, end - start + 1));
}

bool ParsesAs(const std::string& line, const std::vector<std::string>& flags,
              const std::vector<std::string>& args) {
  Result<dockerfile::ParseResult> parsed = dockerfile::Parse(line + "\n");
  if (!parsed || parsed->nodes.size() != 1) return false;
  const dockerfile::Node& node = parsed->nodes[0];
  return !node.json && node.heredocs.empty() && node.flags == flags &&
         node.args == args;
}

std::string RenderPairs(std::string_view keyword,
                        const std::vector<KeyValue>& pairs) {
  if (pairs.empty()) return "";
  std::string out(keyword);
  for (const KeyValue& kv : pairs) {
    // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on
    // `" " + std::string` chains.
    out += ' ';
    out += QuoteWord(kv.key);
    out += '=';
    out += QuoteWord(kv.value);
  }
  return out + "\n";
}

Result<std::string> RenderConfig(const ZImage& image, const Metadata& meta,
                                 bool with_env_workdir) {
  std::string out;
  if (with_env_workdir) {
    out += RenderPairs("ENV", meta.env);
    if (meta.workdir) out += "WORKDIR " + QuoteWord(meta.workdir->value) + "\n";
  }
  out += RenderPairs("LABEL", meta.labels);
  for (const Port& p : meta.expose) {
    out += "EXPOSE " + std::to_string(p.number) + "/" +
           ProtocolName(p.protocol) + "\n";
  }
  if (meta.user) out += "USER " + QuoteWord(meta.user->value) + "\n";
  if (!meta.volumes.empty()) {
    std::vector<std::string> words;
    for (const Text& v : meta.volumes) words.push_back(EscapeWord(v.value));
    out += "VOLUME " + JsonArray(words) + "\n";
  }
  if (meta.healthcheck) {
    ZL_ASSIGN_OR_RETURN(std::string line,
                        RenderHealthcheck(image, *meta.healthcheck));
    out += line + "\n";
  }
  if (meta.stopsignal) {
    out += "STOPSIGNAL " + QuoteWord(meta.stopsignal->value) + "\n";
  }
  if (meta.entrypoint) {
    ZL_ASSIGN_OR_RETURN(std::string line, RenderCommand(image, "ENTRYPOINT", {},
                                                        *meta.entrypoint));
    out += line + "\n";
  }
  if (meta.cmd) {
    ZL_ASSIGN_OR_RETURN(std::string line,
                        RenderCommand(image, "CMD", {}, *meta.cmd));
    out += line + "\n";
  }
  return out;
}

}  // namespace zlayer::zimage::internal
