#include "plan/config_rules.h"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>

namespace zlayer::plan {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// strconv.ParseInt(s, 10, 0) with the error text BuildKit unwraps.
Result<int64_t> ParseGoInt(std::string_view s) {
  if (s.empty()) return Fail("value is empty", ErrorKind::kInvalid);
  std::string_view digits = s;
  bool negative = false;
  if (digits[0] == '+' || digits[0] == '-') {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return Fail("invalid syntax", ErrorKind::kInvalid);
  uint64_t value = 0;
  auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (end != digits.data() + digits.size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    return Fail("invalid syntax", ErrorKind::kInvalid);
  }
  if (ec == std::errc::result_out_of_range ||
      value > (negative ? (1ULL << 63) : (1ULL << 63) - 1)) {
    return Fail("value out of range", ErrorKind::kInvalid);
  }
  return negative ? static_cast<int64_t>(0 - value)
                  : static_cast<int64_t>(value);
}

Result<int> ParsePortNumber(std::string_view raw) {
  ZL_ASSIGN_OR_RETURN(int64_t port, ParseGoInt(raw));
  if (port < 0 || port > 65535) {
    return Fail(
        "value out of range (0\xE2\x80\x93"
        "65535)",
        ErrorKind::kInvalid);
  }
  return static_cast<int>(port);
}

struct PortRange {
  int start = 0;
  int end = 0;
};

Result<PortRange> ParsePortRange(std::string_view ports) {
  if (ports.empty()) {
    return Fail("empty string specified for ports", ErrorKind::kInvalid);
  }
  size_t dash = ports.find('-');
  std::string_view start = ports.substr(0, dash);
  auto first = ParsePortNumber(start);
  if (!first) {
    return Fail("invalid start port '" + std::string(start) +
                    "': " + first.error().message(),
                ErrorKind::kInvalid);
  }
  if (dash == std::string_view::npos) return PortRange{*first, *first};
  std::string_view end = ports.substr(dash + 1);
  if (start == end) return PortRange{*first, *first};
  auto last = ParsePortNumber(end);
  if (!last) {
    return Fail("invalid end port '" + std::string(end) +
                    "': " + last.error().message(),
                ErrorKind::kInvalid);
  }
  if (*last < *first) {
    return Fail("invalid port range: " + std::string(ports),
                ErrorKind::kInvalid);
  }
  return PortRange{*first, *last};
}

bool IsIpAddress(const std::string& ip) {
  std::array<unsigned char, 16> buffer{};
  return inet_pton(AF_INET, ip.c_str(), buffer.data()) == 1 ||
         inet_pton(AF_INET6, ip.c_str(), buffer.data()) == 1;
}

constexpr std::array<std::string_view, 34> kSignalNames = {
    "ABRT", "ALRM",   "BUS",  "CHLD",   "CLD",   "CONT", "FPE",  "HUP",  "ILL",
    "INT",  "IO",     "IOT",  "KILL",   "PIPE",  "POLL", "PROF", "PWR",  "QUIT",
    "SEGV", "STKFLT", "STOP", "SYS",    "TERM",  "TRAP", "TSTP", "TTIN", "TTOU",
    "URG",  "USR1",   "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ"};

bool IsSignalName(const std::string& name) {
  for (std::string_view known : kSignalNames) {
    if (name == known) return true;
  }
  // RTMIN, RTMIN+1..RTMIN+15, RTMAX-14..RTMAX-1, RTMAX (moby's SignalMap).
  if (name == "RTMIN" || name == "RTMAX") return true;
  for (std::string_view prefix : {"RTMIN+", "RTMAX-"}) {
    if (name.starts_with(prefix)) {
      std::string_view rest = std::string_view(name).substr(prefix.size());
      int n = 0;
      auto [end, ec] =
          std::from_chars(rest.data(), rest.data() + rest.size(), n);
      if (ec == std::errc() && end == rest.data() + rest.size() &&
          rest[0] != '0' && n >= 1 && n <= (prefix[4] == '+' ? 15 : 14)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

Result<std::vector<std::string>> ParseExposePort(
    std::string_view raw, std::vector<std::string>* lint) {
  // [ip:]hostPort:containerPort, the IP possibly holding colons itself.
  std::vector<std::string_view> parts;
  size_t from = 0;
  while (true) {
    size_t colon = raw.find(':', from);
    parts.push_back(raw.substr(from, colon - from));
    if (colon == std::string_view::npos) break;
    from = colon + 1;
  }
  std::string ip;
  std::string_view host_port;
  std::string_view container_port;
  size_t n = parts.size();
  container_port = parts[n - 1];
  if (n >= 2) host_port = parts[n - 2];
  if (n >= 3) {
    ip = std::string(raw.substr(
        0, raw.size() - container_port.size() - host_port.size() - 2));
  }
  std::string_view port = container_port.substr(0, container_port.find('/'));
  std::string proto;
  if (container_port.find('/') != std::string_view::npos) {
    proto = std::string(container_port.substr(container_port.find('/') + 1));
  }
  if (port.empty()) {
    return Fail("invalid port: \"" + std::string(raw) + "\": no port specified",
                ErrorKind::kInvalid);
  }
  std::string lower_proto = Lower(proto);
  if (lower_proto.empty()) {
    proto = "tcp";
  } else if (lower_proto != "tcp" && lower_proto != "udp" &&
             lower_proto != "sctp") {
    return Fail(
        "invalid port: \"" + std::string(raw) + "\": invalid proto: " + proto,
        ErrorKind::kInvalid);
  }
  if (lint != nullptr) {
    if (proto != Lower(proto)) {
      lint->push_back("ExposeProtoCasing: Defined protocol '" +
                      std::string(raw) +
                      "' in EXPOSE instruction should be lowercase");
    }
    if (!ip.empty() || !host_port.empty()) {
      lint->push_back(
          "ExposeInvalidFormat: EXPOSE instruction should not define an IP "
          "address or host-port mapping, found '" +
          std::string(raw) + "'");
    }
  }
  if (!ip.empty() && ip[0] == '[') {
    // net.SplitHostPort(ip + ":") strips the brackets of an IPv6 address.
    if (ip.back() != ']') {
      return Fail("invalid IP address " + ip, ErrorKind::kInvalid);
    }
    ip = ip.substr(1, ip.size() - 2);
  }
  if (!ip.empty() && !IsIpAddress(ip)) {
    return Fail("invalid IP address: " + ip, ErrorKind::kInvalid);
  }
  auto range = ParsePortRange(port);
  if (!range) {
    return Fail("invalid containerPort: " + std::string(port),
                ErrorKind::kInvalid);
  }
  if (!host_port.empty()) {
    auto host = ParsePortRange(host_port);
    if (!host) {
      return Fail("invalid hostPort: " + std::string(host_port),
                  ErrorKind::kInvalid);
    }
    if (range->end - range->start != host->end - host->start &&
        range->end != range->start) {
      return Fail("invalid ranges specified for container and host Ports: " +
                      std::string(port) + " and " + std::string(host_port),
                  ErrorKind::kInvalid);
    }
  }
  std::vector<std::string> out;
  std::string suffix = "/" + Lower(proto);
  for (int p = range->start; p <= range->end; ++p) {
    out.push_back(std::to_string(p) + suffix);
  }
  return out;
}

Status ValidateStopSignal(std::string_view signal) {
  auto number = ParseGoInt(signal);
  if (number) {
    if (*number == 0 || *number < INT32_MIN || *number > INT32_MAX) {
      return Fail("invalid signal: " + std::string(signal),
                  ErrorKind::kInvalid);
    }
    return Ok();
  }
  std::string name = Upper(signal);
  if (name.starts_with("SIG")) name.erase(0, 3);
  if (!IsSignalName(name)) {
    return Fail("invalid signal: " + std::string(signal), ErrorKind::kInvalid);
  }
  return Ok();
}

}  // namespace zlayer::plan
