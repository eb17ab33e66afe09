// Go formatting, EXPOSE port parsing, STOPSIGNAL validation, platforms.
#include <gtest/gtest.h>

#include "plan/config_rules.h"
#include "plan/go_format.h"

namespace zlayer::plan {
namespace {

using namespace std::chrono_literals;

TEST(GoFormatTest, DurationsAsGoPrintsThem) {
  EXPECT_EQ(GoDuration(0s), "0s");
  EXPECT_EQ(GoDuration(1500ms), "1.5s");
  EXPECT_EQ(GoDuration(500ms), "500ms");
  EXPECT_EQ(GoDuration(90s), "1m30s");
  EXPECT_EQ(GoDuration(1h), "1h0m0s");
  EXPECT_EQ(GoDuration(1us), "1\xC2\xB5s");
  EXPECT_EQ(GoDuration(1500ns), "1.5\xC2\xB5s");
  EXPECT_EQ(GoDuration(7ns), "7ns");
  EXPECT_EQ(GoDuration(-2s), "-2s");
  EXPECT_EQ(GoDuration(3723004ms), "1h2m3.004s");
}

TEST(GoFormatTest, Lists) {
  EXPECT_EQ(GoListV({}), "[]");
  EXPECT_EQ(GoListV({"a", "b c"}), "[a b c]");
  EXPECT_EQ(GoListQ({"/bin/sh", "-c", "echo \"hi\""}),
            "[\"/bin/sh\" \"-c\" \"echo \\\"hi\\\"\"]");
}

std::vector<std::string> Ports(std::string_view raw) {
  auto ports = ParseExposePort(raw, nullptr);
  EXPECT_TRUE(ports) << raw << ": " << ports.error().message();
  return ports ? *ports : std::vector<std::string>{};
}

std::string PortError(std::string_view raw) {
  auto ports = ParseExposePort(raw, nullptr);
  EXPECT_FALSE(ports) << raw;
  return ports ? "" : ports.error().message();
}

TEST(ExposePortTest, Forms) {
  EXPECT_EQ(Ports("80"), std::vector<std::string>{"80/tcp"});
  EXPECT_EQ(Ports("53/UDP"), std::vector<std::string>{"53/udp"});
  EXPECT_EQ(Ports("7-9/sctp"),
            (std::vector<std::string>{"7/sctp", "8/sctp", "9/sctp"}));
  EXPECT_EQ(Ports("5-5"), std::vector<std::string>{"5/tcp"});
  EXPECT_EQ(Ports("8080:80"), std::vector<std::string>{"80/tcp"});
  EXPECT_EQ(Ports("127.0.0.1:8080:80"), std::vector<std::string>{"80/tcp"});
  EXPECT_EQ(Ports("[::1]:8080:80/udp"), std::vector<std::string>{"80/udp"});
}

TEST(ExposePortTest, Errors) {
  EXPECT_EQ(PortError("/tcp"), "invalid port: \"/tcp\": no port specified");
  EXPECT_EQ(PortError("70000"), "invalid containerPort: 70000");
  EXPECT_EQ(PortError("9-7"), "invalid containerPort: 9-7");
  EXPECT_EQ(PortError("1.2.3:80:80"), "invalid IP address: 1.2.3");
  EXPECT_EQ(PortError("x:80"), "invalid hostPort: x");
  EXPECT_EQ(PortError("1-3:5-6"),
            "invalid ranges specified for container and host Ports: 5-6 and "
            "1-3");
}

TEST(ExposePortTest, LintFindings) {
  std::vector<std::string> lint;
  ASSERT_TRUE(ParseExposePort("0.0.0.0:80:80/TCP", &lint));
  ASSERT_EQ(lint.size(), 2u);
  EXPECT_TRUE(lint[0].starts_with("ExposeProtoCasing: "));
  EXPECT_TRUE(lint[1].starts_with("ExposeInvalidFormat: "));
}

TEST(StopSignalTest, NamesAndNumbers) {
  for (const char* ok :
       {"SIGTERM", "term", "9", "SIGRTMIN+3", "RTMAX-14", "sigusr1", "WINCH"}) {
    EXPECT_TRUE(ValidateStopSignal(ok)) << ok;
  }
  for (const char* bad : {"0", "SIGFOO", "", "RTMIN+16", "RTMAX-0"}) {
    auto status = ValidateStopSignal(bad);
    ASSERT_FALSE(status) << bad;
    EXPECT_EQ(status.error().message(), std::string("invalid signal: ") + bad);
  }
}

}  // namespace
}  // namespace zlayer::plan
