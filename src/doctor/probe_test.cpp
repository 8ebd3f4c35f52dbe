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

}  // namespace
}  // namespace gatehouse::doctor
