#include "doctor/report.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gatehouse::doctor {
namespace {

namespace json = boost::json;

Report sample() {
  Report report{"https://h.example/mcp", "oauth_dcr", {}};
  for (const auto& check : catalogue()) report.results.push_back({std::string(check.id), Verdict::pass, "fine", {}, {}});
  report.results[1] = {"deploy.port", Verdict::fail, "port 8443", {"POST https://h.example:8443/mcp -> 401"}, {}};
  report.results[2] = {"deploy.address", Verdict::warn, "odd", {}, "a specific fix"};
  report.results[3] = {"deploy.certificate", Verdict::skip, "not https", {}, {}};
  return report;
}

TEST(DoctorReport, JsonHasTheDocumentedShape) {
  std::ostringstream out;
  write_json(sample(), out);
  auto document = json::parse(out.str()).as_object();
  EXPECT_EQ(document.at("url").as_string(), "https://h.example/mcp");
  EXPECT_EQ(document.at("result").as_string(), "fail");
  EXPECT_EQ(document.at("claude_auth_type").as_string(), "oauth_dcr");
  const auto& counts = document.at("counts").as_object();
  EXPECT_EQ(counts.at("fail").as_int64(), 1);
  EXPECT_EQ(counts.at("warn").as_int64(), 1);
  EXPECT_EQ(counts.at("skip").as_int64(), 1);
  EXPECT_EQ(counts.at("pass").as_int64(), static_cast<std::int64_t>(catalogue().size()) - 3);
  const auto& checks = document.at("checks").as_array();
  ASSERT_EQ(checks.size(), catalogue().size());
  const auto& port = checks[1].as_object();
  EXPECT_EQ(port.at("id").as_string(), "deploy.port");
  EXPECT_EQ(port.at("group").as_string(), "deploy");
  EXPECT_EQ(port.at("verdict").as_string(), "fail");
  EXPECT_EQ(port.at("evidence").as_array().size(), 1u);
  EXPECT_EQ(port.at("fix").as_string(), check_info("deploy.port").fix);
  EXPECT_EQ(port.at("see").as_string(), check_info("deploy.port").see);
  EXPECT_EQ(checks[2].as_object().at("fix").as_string(), "a specific fix");
  EXPECT_FALSE(checks[0].as_object().contains("fix"));  // passed: no fix
}

TEST(DoctorReport, TableShowsFixesOfProblemsOnly) {
  std::ostringstream out;
  write_table(sample(), TableStyle{}, out);
  const std::string text = out.str();
  EXPECT_NE(text.find("FAIL  deploy.port"), std::string::npos) << text;
  EXPECT_NE(text.find("fix: " + std::string(check_info("deploy.port").fix)), std::string::npos) << text;
  EXPECT_NE(text.find("fix: a specific fix"), std::string::npos) << text;
  EXPECT_EQ(text.find("fix: " + std::string(check_info("deploy.https").fix)), std::string::npos) << text;
  EXPECT_NE(text.find("Result: FAIL — 1 failed, 1 warnings"), std::string::npos) << text;
  EXPECT_EQ(text.find("\x1b["), std::string::npos);  // no colour unless asked
}

TEST(DoctorReport, ErrorDocument) {
  std::ostringstream out;
  write_json_error("https://h/mcp", "no answer", out);
  auto document = json::parse(out.str()).as_object();
  EXPECT_EQ(document.at("result").as_string(), "error");
  EXPECT_EQ(document.at("error").as_string(), "no answer");
}

// docs/doctor.md lists every check, and only those.
TEST(DoctorCatalogue, EveryCheckIsDocumentedAndEveryDocumentedCheckExists) {
  std::filesystem::path root = std::getenv("TESTS_SOURCE_DIR") ? std::getenv("TESTS_SOURCE_DIR")
                                                                 : std::filesystem::path(__FILE__).parent_path() / ".." / "..";
  std::ifstream file(root / "docs" / "doctor.md");
  ASSERT_TRUE(file) << (root / "docs" / "doctor.md");
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string doc = buffer.str();
  std::set<std::string> documented;
  for (std::size_t at = 0; (at = doc.find("\n| `", at)) != std::string::npos;) {
    ++at;  // the line starts a table row
    auto end = doc.find('`', at + 3);
    documented.insert(doc.substr(at + 3, end - at - 3));
    at = end;
  }
  std::set<std::string> ids;
  for (const auto& check : catalogue()) {
    ids.insert(std::string(check.id));
    EXPECT_TRUE(documented.count(std::string(check.id))) << check.id << " is not in docs/doctor.md";
    EXPECT_FALSE(check.fix.empty()) << check.id;
    EXPECT_FALSE(check.see.empty()) << check.id;
  }
  for (const auto& id : documented) EXPECT_TRUE(ids.count(id)) << id << " is documented but not a check";
}

}  // namespace
}  // namespace gatehouse::doctor
