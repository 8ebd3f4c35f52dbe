// deploy.https, deploy.port and deploy.address judge the URL and its
// addresses alone; with IP literals no request and no resolution is made.
#include "doctor/stages.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <sstream>

namespace gatehouse::doctor {
namespace {

struct Judged {
  Verdict https, port, address;
  std::string address_detail;
};

Judged judge(std::string_view url, bool insecure_dev = false) {
  Options options;
  options.url = std::string(url);
  options.insecure_dev = insecure_dev;
  std::string error;
  auto target = parse_target(url, error);
  EXPECT_TRUE(target) << error;
  std::ostringstream err;
  Examination exam(options, *target, net::OutboundPolicy{}, err);
  boost::asio::io_context io;
  boost::asio::co_spawn(io, check_address(exam), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  auto verdict = [&](std::string_view id) {
    auto* result = exam.findings.find(id);
    EXPECT_NE(result, nullptr) << id;
    return result ? result->verdict : Verdict::skip;
  };
  auto* address = exam.findings.find("deploy.address");
  return {verdict("deploy.https"), verdict("deploy.port"), verdict("deploy.address"), address ? address->detail : ""};
}

// NET1: https on 443 with a public IPv4 address.
TEST(DoctorDeployment, NET1_HttpsOn443AtAPublicIPv4AddressPasses) {
  auto judged = judge("https://8.8.8.8/mcp");
  EXPECT_EQ(judged.https, Verdict::pass);
  EXPECT_EQ(judged.port, Verdict::pass);
  EXPECT_EQ(judged.address, Verdict::pass);
}

TEST(DoctorDeployment, NET1_PlainHttpFails) {
  auto judged = judge("http://8.8.8.8/mcp");
  EXPECT_EQ(judged.https, Verdict::fail);
  EXPECT_EQ(judged.port, Verdict::fail);  // port 80
  EXPECT_EQ(judged.address, Verdict::pass);
}

TEST(DoctorDeployment, NET1_AnotherPortFails) {
  auto judged = judge("https://8.8.8.8:8443/mcp");
  EXPECT_EQ(judged.https, Verdict::pass);
  EXPECT_EQ(judged.port, Verdict::fail);
  EXPECT_EQ(judged.address, Verdict::pass);
}

TEST(DoctorDeployment, NET1_PrivateAndSpecialAddressesFail) {
  for (std::string_view url : {"https://10.1.2.3/mcp", "https://192.168.1.10/mcp", "https://127.0.0.1/mcp",
                               "https://169.254.169.254/mcp", "https://100.64.0.1/mcp", "https://[fd00::1]/mcp"}) {
    auto judged = judge(url);
    EXPECT_EQ(judged.https, Verdict::pass) << url;
    EXPECT_EQ(judged.port, Verdict::pass) << url;
    EXPECT_EQ(judged.address, Verdict::fail) << url;
    EXPECT_NE(judged.address_detail.find(" is in "), std::string::npos) << judged.address_detail;
  }
}

TEST(DoctorDeployment, NET1_IPv6OnlyFails) {
  auto judged = judge("https://[2606:4700:4700::1111]/mcp");
  EXPECT_EQ(judged.address, Verdict::fail);
  EXPECT_NE(judged.address_detail.find("no IPv4"), std::string::npos) << judged.address_detail;
}

// --insecure-dev: a local test server; the rules only warn.
TEST(DoctorDeployment, InsecureDevTurnsTheDeploymentRulesIntoWarnings) {
  auto judged = judge("http://127.0.0.1:8080/mcp", true);
  EXPECT_EQ(judged.https, Verdict::warn);
  EXPECT_EQ(judged.port, Verdict::warn);
  EXPECT_EQ(judged.address, Verdict::warn);
  EXPECT_NE(judged.address_detail.find("--insecure-dev"), std::string::npos) << judged.address_detail;
}

}  // namespace
}  // namespace gatehouse::doctor
