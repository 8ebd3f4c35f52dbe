#include "oauth/client/pinned_documents.hpp"

#include <gtest/gtest.h>

namespace gatehouse::oauth {
namespace {

std::string error_of(std::string_view text) {
  PinnedDocuments pins;
  try {
    pins.add(text, "pin.json");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "<no error>";
}

constexpr std::string_view kPin = R"({"client_id":"https://app.example.com/client.json","use":"always",
  "source":"copied from the vendor's page","recorded":"2026-11-27",
  "document":{"client_id":"https://app.example.com/client.json","client_name":"App",
              "redirect_uris":["https://app.example.com/cb"]}})";

TEST(PinnedDocuments, CI5_ShipsClaudesTwoDocuments) {
  auto pins = PinnedDocuments::builtin();
  ASSERT_EQ(pins.size(), 2u);
  const auto* claude = pins.find("https://claude.ai/oauth/mcp-oauth-client-metadata");
  ASSERT_NE(claude, nullptr);
  EXPECT_EQ(claude->use, PinUse::fallback);
  EXPECT_EQ(claude->document.redirect_uris, std::vector<std::string>{"https://claude.ai/api/mcp/auth_callback"});
  EXPECT_EQ(claude->document.token_endpoint_auth_method, "none");
  EXPECT_FALSE(claude->source.empty());
  EXPECT_FALSE(claude->recorded.empty());
  const auto* code = pins.find("https://claude.ai/oauth/claude-code-client-metadata");
  ASSERT_NE(code, nullptr);
  EXPECT_TRUE(document_allows_redirect(code->document, "http://localhost:40123/callback"));
  EXPECT_TRUE(document_allows_redirect(code->document, "http://127.0.0.1:40123/callback"));
  EXPECT_FALSE(document_allows_redirect(code->document, "http://localhost:40123/other"));
}

TEST(PinnedDocuments, OperatorPinReplacesAShippedOne) {
  auto pins = PinnedDocuments::builtin();
  std::string pin(kPin);
  for (auto [from, to] : {std::pair<std::string, std::string>{"https://app.example.com/client.json",
                                                               "https://claude.ai/oauth/mcp-oauth-client-metadata"}})
    for (auto at = pin.find(from); at != std::string::npos; at = pin.find(from)) pin.replace(at, from.size(), to);
  pins.add(pin, "mine.json");
  EXPECT_EQ(pins.size(), 2u);
  const auto* claude = pins.find("https://claude.ai/oauth/mcp-oauth-client-metadata");
  ASSERT_NE(claude, nullptr);
  EXPECT_EQ(claude->use, PinUse::always);
  EXPECT_EQ(claude->origin, "mine.json");
}

TEST(PinnedDocuments, ReadsAPin) {
  PinnedDocuments pins;
  pins.add(kPin, "pin.json");
  const auto* pin = pins.find("https://app.example.com/client.json");
  ASSERT_NE(pin, nullptr);
  EXPECT_EQ(pin->use, PinUse::always);
  EXPECT_EQ(pin->document.client_name, "App");
  EXPECT_EQ(pin->source, "copied from the vendor's page");
}

TEST(PinnedDocuments, BadPinsNameTheFileAndTheProblem) {
  EXPECT_EQ(error_of("{"), "pinned client document pin.json: not JSON (incomplete JSON)");
  EXPECT_NE(error_of("[]").find("must be a JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"use":"fallback","source":"s","recorded":"r","document":{}})").find("\"client_id\" is missing"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"client_id":"http://app.example.com/c","source":"s","recorded":"r","document":{}})")
                .find("https"),
            std::string::npos);
  std::string sometimes(kPin);
  sometimes.replace(sometimes.find("always"), 6, "sometimes");
  EXPECT_NE(error_of(sometimes).find("\"use\" must be \"fallback\""), std::string::npos);
  std::string secret(kPin);
  secret.replace(secret.find("\"client_name\""), 0, "\"client_secret\":\"x\",");
  EXPECT_NE(error_of(secret).find("the document is not valid: the document must not contain client_secret"),
            std::string::npos);
  std::string mismatch(kPin);
  mismatch.replace(mismatch.rfind("client.json"), 11, "other.json");
  EXPECT_NE(error_of(mismatch).find("client_id"), std::string::npos);
  EXPECT_NE(error_of(R"({"client_id":"https://app.example.com/c","use":"always","recorded":"r","document":{}})")
                .find("\"source\" is missing"),
            std::string::npos);
}

TEST(PinnedDocuments, MissingFileIsNamed) {
  PinnedDocuments pins;
  try {
    pins.load_file("/nonexistent/pin.json");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "pinned client document /nonexistent/pin.json cannot be read");
  }
}

}  // namespace
}  // namespace gatehouse::oauth
