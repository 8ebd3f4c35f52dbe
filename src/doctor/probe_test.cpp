#include "doctor/findings.hpp"
#include "doctor/probe.hpp"

#include <gtest/gtest.h>

namespace gatehouse::doctor {
namespace {

// Evidence never shows a token, code or secret whole.
TEST(DoctorEvidence, MasksSecretsInJsonAndQueries) {
  std::string json = mask_secrets(
      R"({"access_token":"eyJhbGciOiJFUzI1NiJ9.payload.sig","token_type":"Bearer","refresh_token": "rt_0123456789abcdef","client_secret":"s3cr3t-value-long"})");
  EXPECT_EQ(json.find("payload.sig"), std::string::npos) << json;
  EXPECT_EQ(json.find("0123456789abcdef"), std::string::npos) << json;
  EXPECT_EQ(json.find("s3cr3t-value-long"), std::string::npos) << json;
  EXPECT_NE(json.find("\"token_type\":\"Bearer\""), std::string::npos) << json;
  EXPECT_NE(json.find("eyJh…("), std::string::npos) << json;

  std::string url = mask_secrets("https://c.example/callback?code=abcdefghijklmnop&state=xyz&iss=https%3A%2F%2Fa");
  EXPECT_EQ(url.find("abcdefghijklmnop"), std::string::npos) << url;
  EXPECT_NE(url.find("state=xyz"), std::string::npos) << url;
  EXPECT_NE(url.find("&iss="), std::string::npos) << url;

  std::string form = mask_secrets("grant_type=refresh_token&refresh_token=rt_secret_value_1&client_id=c");
  EXPECT_EQ(form.find("rt_secret_value_1"), std::string::npos) << form;
  EXPECT_NE(form.find("grant_type=refresh_token"), std::string::npos) << form;  // a value, not a name, here
  EXPECT_NE(form.find("client_id=c"), std::string::npos) << form;
}

TEST(DoctorEvidence, LeavesOtherWordsAlone) {
  EXPECT_EQ(mask_secrets("authorization_code=1 barcode=2 \"codes\":\"x\""), "authorization_code=1 barcode=2 \"codes\":\"x\"");
  EXPECT_EQ(masked(""), "");
  EXPECT_EQ(masked("short"), "…(5 chars)");
  EXPECT_EQ(masked("0123456789"), "0123…(10 chars)");
}

// A server's text reaches the terminal and the JSON report: no escape
// sequence, line break or malformed UTF-8 gets through, and lines are capped.
TEST(DoctorEvidence, ServerTextCannotDriveTheTerminal) {
  Findings findings;
  const std::string hostile = "bad\x1b[2J\x1b]0;owned\x07\r\nline two\xc2\x9b" "31m \xff\xfe end " + std::string(2000, 'x');
  findings.fail("auth.prm", hostile, {hostile, "ok"});
  const CheckResult* result = findings.find("auth.prm");
  ASSERT_NE(result, nullptr);
  for (const std::string* text : {&result->detail, &result->evidence[0]}) {
    for (char c : *text) {
      const auto byte = static_cast<unsigned char>(c);
      EXPECT_FALSE(byte < 0x20 || byte == 0x7f) << "control character " << int(byte);
    }
    EXPECT_EQ(text->find("\xc2\x9b"), std::string::npos);  // C1 CSI
    EXPECT_NE(text->find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD for the malformed bytes
    EXPECT_NE(text->find("line two"), std::string::npos);
    EXPECT_LE(text->size(), 420u);
  }
  EXPECT_EQ(result->evidence[1], "ok");
}

}  // namespace
}  // namespace gatehouse::doctor
