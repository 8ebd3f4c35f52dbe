// Recognising and checking requests of the stateless revision (MCP
// 2026-07-28 basic/versioning, basic/transports; SEP-2243 headers): MO1 era
// selection, MO2 error codes, MO3 headers.
#include "mcp/stateless_request.hpp"

#include "mcp/protocol_version.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::mcp {
namespace {

namespace http = boost::beast::http;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr int kHeaderMismatch = -32020;
constexpr int kUnsupportedVersion = -32022;
constexpr int kInvalidParams = -32602;

json::object full_meta(std::string version = "2026-07-28") {
  return json::object{{"io.modelcontextprotocol/protocolVersion", version},
                      {"io.modelcontextprotocol/clientCapabilities", json::object{{"elicitation", json::object{}}}},
                      {"io.modelcontextprotocol/clientInfo", json::object{{"name", "test-client"}, {"version", "1"}}}};
}

jsonrpc::Message message(std::string method, json::object params) {
  jsonrpc::Message m;
  m.kind = jsonrpc::Kind::request;
  m.id = 7;
  m.method = std::move(method);
  m.params = std::move(params);
  return m;
}

// tools/list with complete _meta unless `params` says otherwise.
jsonrpc::Message list_message() { return message("tools/list", json::object{{"_meta", full_meta()}}); }

net::Request request(const Headers& headers) {
  net::Request r{http::verb::post, "/mcp", 11};
  r.set(http::field::host, "localhost");
  for (const auto& [name, value] : headers) r.set(name, value);
  return r;
}

Headers good_headers(std::string method = "tools/list") {
  return {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", std::move(method)}};
}

using Checked = std::variant<StatelessRequest, Refusal>;

Checked check(const Headers& headers, const jsonrpc::Message& m, StatelessOptions options = {}) {
  return check_stateless_request(request(headers), m, options);
}

// ---------------------------------------------------------------- MO1: era

TEST(StatelessRequest, MO1_IsStatelessRequestTable) {
  struct Case {
    const char* name;
    std::string header;
    const char* body;
    bool expected;
  };
  const std::vector<Case> cases = {
      {"2026 header, no _meta", "2026-07-28", R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", true},
      {"2026 header, empty params", "2026-07-28", R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}})",
       true},
      {"2026 header, array body", "2026-07-28", R"([{"jsonrpc":"2.0","id":1,"method":"tools/list"}])", true},
      {"_meta version, absent header", "",
       R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})",
       true},
      {"_meta version, legacy header", "2025-11-25",
       R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})",
       true},
      {"_meta version, unknown header", "1999-01-01",
       R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})",
       true},
      {"_meta unknown version, no header", "",
       R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"v999"}}})",
       true},
      {"legacy header, no _meta", "2025-11-25", R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}})", false},
      {"no header, no params", "", R"({"jsonrpc":"2.0","id":1,"method":"ping"})", false},
      {"legacy header, _meta without version", "2025-06-18",
       R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","_meta":{"progressToken":"p"}}})", false},
      {"_meta not an object", "", R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":"2026-07-28"}})",
       false},
      {"params not an object", "", R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":[1]})", false},
      {"legacy initialize", "",
       R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}})",
       false},
      {"array without 2026 header", "",
       R"([{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}])",
       false},
      {"array with legacy header", "2025-03-26", R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])", false},
      {"scalar body", "", R"(42)", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(is_stateless_request(c.header, json::parse(c.body)), c.expected) << c.name;
}

// ------------------------------------------------- MO2/MO3: a valid request

TEST(StatelessRequest, MO3_CompleteRequestIsAccepted) {
  auto checked = check(good_headers(), list_message());
  ASSERT_TRUE(std::holds_alternative<StatelessRequest>(checked));
  const auto& ok = std::get<StatelessRequest>(checked);
  EXPECT_EQ(ok.version, "2026-07-28");
  EXPECT_TRUE(ok.client_capabilities.contains("elicitation"));
  EXPECT_EQ(ok.client_info.at("name"), "test-client");
  EXPECT_FALSE(ok.log_level);
  EXPECT_FALSE(ok.legacy_header);
}

TEST(StatelessRequest, MO3_ClientInfoIsOptional) {
  auto meta = full_meta();
  meta.erase("io.modelcontextprotocol/clientInfo");
  auto checked = check(good_headers(), message("tools/list", {{"_meta", meta}}));
  ASSERT_TRUE(std::holds_alternative<StatelessRequest>(checked));
  EXPECT_TRUE(std::get<StatelessRequest>(checked).client_info.empty());
}

// ------------------------------------------------------ MO2: refusal table

struct RefusalCase {
  const char* name;
  Headers headers;
  jsonrpc::Message message;
  int code;
  const char* message_part;  // part of the error message that names the rule
  StatelessOptions options = {};
};

json::object meta_without(std::string_view key) {
  auto meta = full_meta();
  meta.erase(key);
  return meta;
}

json::object meta_with(std::string_view key, json::value value, std::string version = "2026-07-28") {
  auto meta = full_meta(std::move(version));
  meta[key] = std::move(value);
  return meta;
}

void expect_refusals(const std::vector<RefusalCase>& cases) {
  for (const auto& c : cases) {
    auto checked = check(c.headers, c.message, c.options);
    ASSERT_TRUE(std::holds_alternative<Refusal>(checked)) << c.name << ": accepted";
    const auto& refusal = std::get<Refusal>(checked);
    EXPECT_EQ(refusal.code, c.code) << c.name << ": " << refusal.message;
    EXPECT_EQ(refusal.status, http::status::bad_request) << c.name;
    EXPECT_NE(refusal.message.find(c.message_part), std::string::npos)
        << c.name << ": message \"" << refusal.message << "\" lacks \"" << c.message_part << "\"";
  }
}

TEST(StatelessRequest, MO2_RefusalsInTheRevisionsOrder) {
  Headers no_version = {{"Mcp-Method", "tools/list"}};
  Headers legacy_version = {{"MCP-Protocol-Version", "2025-11-25"}, {"Mcp-Method", "tools/list"}};
  Headers v999 = {{"MCP-Protocol-Version", "v999"}, {"Mcp-Method", "tools/list"}};
  Headers v999_no_method = {{"MCP-Protocol-Version", "v999"}};
  Headers no_method = {{"MCP-Protocol-Version", "2026-07-28"}};
  std::vector<RefusalCase> cases = {
      // 1. the version header first, before anything in the body
      {"missing version header", no_version, list_message(), kHeaderMismatch, "MCP-Protocol-Version header is required"},
      {"missing version header and _meta", no_version, message("tools/list", {}), kHeaderMismatch,
       "MCP-Protocol-Version header is required"},
      // 2. _meta complete
      {"missing _meta", good_headers(), message("tools/list", {}), kInvalidParams, "_meta is required"},
      {"_meta not an object", good_headers(), message("tools/list", {{"_meta", "x"}}), kInvalidParams,
       "_meta is required"},
      {"missing protocolVersion", good_headers(),
       message("tools/list", {{"_meta", meta_without("io.modelcontextprotocol/protocolVersion")}}), kInvalidParams,
       "protocolVersion"},
      {"protocolVersion not a string", good_headers(),
       message("tools/list", {{"_meta", meta_with("io.modelcontextprotocol/protocolVersion", 20260728)}}),
       kInvalidParams, "protocolVersion"},
      {"missing clientCapabilities", good_headers(),
       message("tools/list", {{"_meta", meta_without("io.modelcontextprotocol/clientCapabilities")}}), kInvalidParams,
       "clientCapabilities"},
      {"clientCapabilities not an object", good_headers(),
       message("tools/list", {{"_meta", meta_with("io.modelcontextprotocol/clientCapabilities", json::array{})}}),
       kInvalidParams, "clientCapabilities"},
      {"missing clientCapabilities beats header mismatch", legacy_version,
       message("tools/list", {{"_meta", meta_without("io.modelcontextprotocol/clientCapabilities")}}), kInvalidParams,
       "clientCapabilities"},
      // 3. header equal to _meta
      {"header 2026, _meta 2025", good_headers(), message("tools/list", {{"_meta", full_meta("2025-11-25")}}),
       kHeaderMismatch, "does not match params._meta"},
      {"unknown header, _meta 2026", {{"MCP-Protocol-Version", "1999-01-01"}, {"Mcp-Method", "tools/list"}},
       list_message(), kHeaderMismatch, "does not match params._meta"},
      {"mismatch beats unsupported version", good_headers(), message("tools/list", {{"_meta", full_meta("v999")}}),
       kHeaderMismatch, "does not match params._meta"},
      {"Claude pattern under strict headers", legacy_version, list_message(), kHeaderMismatch,
       "does not match params._meta", StatelessOptions{.strict_protocol_headers = true}},
      // 4. version supported
      {"unsupported version with matching header", v999, message("tools/list", {{"_meta", full_meta("v999")}}),
       kUnsupportedVersion, "Unsupported protocol version"},
      {"unsupported version beats missing Mcp-Method", v999_no_method,
       message("tools/list", {{"_meta", full_meta("v999")}}), kUnsupportedVersion, "Unsupported protocol version"},
      {"legacy version in both is not served statelessly", legacy_version,
       message("tools/list", {{"_meta", full_meta("2025-11-25")}}), kUnsupportedVersion, "Unsupported protocol version"},
      // 5. Mcp-Method, then Mcp-Name
      {"missing Mcp-Method", no_method, list_message(), kHeaderMismatch, "Mcp-Method header is required"},
      {"missing Mcp-Method beats missing Mcp-Name", no_method,
       message("tools/call", {{"name", "add"}, {"_meta", full_meta()}}), kHeaderMismatch,
       "Mcp-Method header is required"},
      {"Mcp-Method of another method", good_headers("tools/call"), list_message(), kHeaderMismatch,
       "Mcp-Method header does not match"},
      {"Mcp-Method value in other case", good_headers("TOOLS/LIST"), list_message(), kHeaderMismatch,
       "Mcp-Method header does not match"},
      {"Mcp-Method with invalid base64", good_headers("=?base64?dG9vbHMvbGlzdA?=" /* unpadded */), list_message(),
       kHeaderMismatch, "Mcp-Method header does not match"},
      {"Mcp-Method empty", good_headers(""), list_message(), kHeaderMismatch, "Mcp-Method header does not match"},
  };
  expect_refusals(cases);
}

TEST(StatelessRequest, MO2_UnsupportedVersionNamesSupportedAndRequested) {
  Headers headers = {{"MCP-Protocol-Version", "v999"}, {"Mcp-Method", "tools/list"}};
  auto checked = check(headers, message("tools/list", {{"_meta", full_meta("v999")}}));
  ASSERT_TRUE(std::holds_alternative<Refusal>(checked));
  const auto& refusal = std::get<Refusal>(checked);
  EXPECT_EQ(refusal.code, -32022);
  EXPECT_EQ(refusal.status, http::status::bad_request);
  ASSERT_TRUE(refusal.data.is_object());
  EXPECT_EQ(refusal.data.at("requested"), "v999");
  ASSERT_TRUE(refusal.data.at("supported").is_array());
  const auto& supported = refusal.data.at("supported").as_array();
  EXPECT_NE(std::find(supported.begin(), supported.end(), json::value("2026-07-28")), supported.end());
  for (auto v : kAllVersions)
    EXPECT_NE(std::find(supported.begin(), supported.end(), json::value(v)), supported.end()) << v;
}

// ------------------------------------------ MO3: the reported Claude pattern

TEST(StatelessRequest, MO3_ClaudePatternAcceptedWithLegacyHeaderByDefault) {
  for (std::string legacy : {"2025-11-25", "2025-06-18", "2025-03-26"}) {
    Headers headers = {{"MCP-Protocol-Version", legacy}, {"Mcp-Method", "tools/list"}};
    auto checked = check(headers, list_message());
    ASSERT_TRUE(std::holds_alternative<StatelessRequest>(checked)) << legacy;
    const auto& ok = std::get<StatelessRequest>(checked);
    EXPECT_TRUE(ok.legacy_header) << legacy;
    EXPECT_EQ(ok.version, "2026-07-28") << legacy;
  }
}

TEST(StatelessRequest, MO3_ClaudePatternRefusedWhenStrict) {
  Headers headers = {{"MCP-Protocol-Version", "2025-11-25"}, {"Mcp-Method", "tools/list"}};
  auto checked = check(headers, list_message(), {.strict_protocol_headers = true});
  ASSERT_TRUE(std::holds_alternative<Refusal>(checked));
  EXPECT_EQ(std::get<Refusal>(checked).code, -32020);
  EXPECT_EQ(std::get<Refusal>(checked).status, http::status::bad_request);
}

TEST(StatelessRequest, MO3_VersionHeaderValueIsTrimmed) {
  Headers headers = {{"MCP-Protocol-Version", " 2026-07-28\t"}, {"Mcp-Method", "tools/list"}};
  auto checked = check(headers, list_message());
  ASSERT_TRUE(std::holds_alternative<StatelessRequest>(checked));
  EXPECT_FALSE(std::get<StatelessRequest>(checked).legacy_header);
}

// -------------------------------------------------- MO3: Mcp-Method header

TEST(StatelessRequest, MO3_HeaderNamesAreCaseInsensitive) {
  for (const auto& [version_name, method_name] :
       std::vector<std::pair<std::string, std::string>>{{"mcp-protocol-version", "mcp-method"},
                                                        {"MCP-PROTOCOL-VERSION", "MCP-METHOD"},
                                                        {"Mcp-Protocol-Version", "Mcp-Method"}}) {
    Headers headers = {{version_name, "2026-07-28"}, {method_name, "tools/list"}};
    EXPECT_TRUE(std::holds_alternative<StatelessRequest>(check(headers, list_message())))
        << version_name << " / " << method_name;
  }
}

TEST(StatelessRequest, MO3_McpMethodValueTrimmedAndBase64Decoded) {
  for (std::string value : {" tools/list ", "\ttools/list", "=?base64?dG9vbHMvbGlzdA==?="}) {
    EXPECT_TRUE(std::holds_alternative<StatelessRequest>(check(good_headers(value), list_message()))) << value;
  }
}

// ---------------------------------------------------- MO3: Mcp-Name header

TEST(StatelessRequest, MO3_McpNameTable) {
  struct Case {
    const char* name;
    std::string method;
    json::object params;  // without _meta
    std::optional<std::string> mcp_name;
    bool accepted;
  };
  const std::vector<Case> cases = {
      {"tools/call with name", "tools/call", {{"name", "add"}}, "add", true},
      {"tools/call without Mcp-Name", "tools/call", {{"name", "add"}}, std::nullopt, false},
      {"tools/call with another name", "tools/call", {{"name", "add"}}, "sub", false},
      {"tools/call name in other case", "tools/call", {{"name", "add"}}, "ADD", false},
      {"tools/call trimmed value", "tools/call", {{"name", "add"}}, "  add\t", true},
      {"tools/call base64 value", "tools/call", {{"name", "add"}}, "=?base64?YWRk?=", true},
      {"tools/call base64 of another name", "tools/call", {{"name", "add"}}, "=?base64?SGVsbG8=?=", false},
      {"tools/call invalid base64", "tools/call", {{"name", "add"}}, "=?base64?YWR?=", false},
      {"tools/call body without name", "tools/call", {}, "add", false},
      {"tools/call body name not a string", "tools/call", {{"name", 5}}, "5", false},
      {"prompts/get with name", "prompts/get", {{"name", "greet"}}, "greet", true},
      {"prompts/get without Mcp-Name", "prompts/get", {{"name", "greet"}}, std::nullopt, false},
      {"prompts/get with another name", "prompts/get", {{"name", "greet"}}, "other", false},
      {"resources/read with uri", "resources/read", {{"uri", "notes://a"}}, "notes://a", true},
      {"resources/read without Mcp-Name", "resources/read", {{"uri", "notes://a"}}, std::nullopt, false},
      {"resources/read with another uri", "resources/read", {{"uri", "notes://a"}}, "notes://b", false},
      {"resources/read mirrors uri, not name", "resources/read", {{"uri", "notes://a"}, {"name", "n"}}, "n", false},
      {"resources/read base64 uri with space", "resources/read", {{"uri", "notes://a b"}}, "=?base64?bm90ZXM6Ly9hIGI=?=",
       true},
      // SEP-2663 (TA5): the task methods mirror params.taskId.
      {"tasks/get with the task id", "tasks/get", {{"taskId", "t1"}}, "t1", true},
      {"tasks/get without Mcp-Name", "tasks/get", {{"taskId", "t1"}}, std::nullopt, false},
      {"tasks/get with another task id", "tasks/get", {{"taskId", "t1"}}, "t2", false},
      {"tasks/update with the task id", "tasks/update", {{"taskId", "t1"}, {"inputResponses", json::object{}}}, "t1", true},
      {"tasks/update with another task id", "tasks/update", {{"taskId", "t1"}}, "t2", false},
      {"tasks/cancel with the task id", "tasks/cancel", {{"taskId", "t1"}}, "t1", true},
      {"tasks/cancel without Mcp-Name", "tasks/cancel", {{"taskId", "t1"}}, std::nullopt, false},
      {"tools/list needs no Mcp-Name", "tools/list", {}, std::nullopt, true},
      {"server/discover needs no Mcp-Name", "server/discover", {}, std::nullopt, true},
  };
  for (const auto& c : cases) {
    auto params = c.params;
    params["_meta"] = full_meta();
    Headers headers = good_headers(c.method);
    if (c.mcp_name) headers.emplace_back("Mcp-Name", *c.mcp_name);
    auto checked = check(headers, message(c.method, params));
    if (c.accepted) {
      EXPECT_TRUE(std::holds_alternative<StatelessRequest>(checked))
          << c.name << ": " << std::get<Refusal>(checked).message;
    } else {
      ASSERT_TRUE(std::holds_alternative<Refusal>(checked)) << c.name << ": accepted";
      EXPECT_EQ(std::get<Refusal>(checked).code, -32020) << c.name;
      EXPECT_EQ(std::get<Refusal>(checked).status, http::status::bad_request) << c.name;
      EXPECT_NE(std::get<Refusal>(checked).message.find("Mcp-Name"), std::string::npos) << c.name;
    }
  }
}

TEST(StatelessRequest, MO3_McpNameHeaderNameIsCaseInsensitive) {
  Headers headers = {{"mcp-protocol-version", "2026-07-28"}, {"mcp-method", "tools/call"}, {"MCP-NAME", "add"}};
  EXPECT_TRUE(std::holds_alternative<StatelessRequest>(
      check(headers, message("tools/call", {{"name", "add"}, {"_meta", full_meta()}}))));
}

// ------------------------------------------------------------- logLevel

TEST(StatelessRequest, LogLevelIsReadFromMeta) {
  struct Case {
    std::string level;
    LogLevel expected;
  };
  const std::vector<Case> cases = {{"debug", LogLevel::debug},     {"info", LogLevel::info},
                                   {"notice", LogLevel::notice},   {"warning", LogLevel::warning},
                                   {"error", LogLevel::error},     {"critical", LogLevel::critical},
                                   {"alert", LogLevel::alert},     {"emergency", LogLevel::emergency}};
  for (const auto& c : cases) {
    auto checked =
        check(good_headers(), message("tools/list", {{"_meta", meta_with("io.modelcontextprotocol/logLevel", json::string(c.level))}}));
    ASSERT_TRUE(std::holds_alternative<StatelessRequest>(checked)) << c.level;
    ASSERT_TRUE(std::get<StatelessRequest>(checked).log_level) << c.level;
    EXPECT_EQ(*std::get<StatelessRequest>(checked).log_level, c.expected) << c.level;
  }
}

TEST(StatelessRequest, MO2_InvalidLogLevelIsInvalidParams) {
  for (std::string level : {"verbose", "WARNING", ""}) {
    auto checked =
        check(good_headers(), message("tools/list", {{"_meta", meta_with("io.modelcontextprotocol/logLevel", json::string(level))}}));
    ASSERT_TRUE(std::holds_alternative<Refusal>(checked)) << level;
    EXPECT_EQ(std::get<Refusal>(checked).code, -32602) << level;
    EXPECT_EQ(std::get<Refusal>(checked).status, http::status::bad_request) << level;
  }
}

TEST(StatelessRequest, NoLogLevelMeansNoLogMessages) {
  auto checked = check(good_headers(), list_message());
  ASSERT_TRUE(std::holds_alternative<StatelessRequest>(checked));
  EXPECT_FALSE(std::get<StatelessRequest>(checked).log_level);
}

// --------------------------------------------------- decode_header_value

TEST(DecodeHeaderValue, MO3_Table) {
  struct Case {
    const char* name;
    std::string raw;
    std::optional<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"plain", "tools/list", "tools/list"},
      {"empty", "", ""},
      {"leading and trailing spaces", "  tools/list  ", "tools/list"},
      {"tabs", "\ttools/list\t", "tools/list"},
      {"inner spaces kept", " a b ", "a b"},
      {"valid base64", "=?base64?SGVsbG8=?=", "Hello"},
      {"base64 after trimming", "  =?base64?SGVsbG8=?=\t", "Hello"},
      {"base64 keeps decoded whitespace", "=?base64?IHBhZGRlZCA=?=", " padded "},
      {"base64 non-ASCII", "=?base64?w6l1cm9wZQ==?=", "\xc3\xa9urope"},
      {"base64 empty", "=?base64?" "?=", ""},
      {"invalid padding", "=?base64?SGVsbG8?=", std::nullopt},
      {"extra padding", "=?base64?SGVsbG8==?=", std::nullopt},
      {"invalid characters", "=?base64?SGV*bG8=?=", std::nullopt},
      {"url alphabet", "=?base64?-_8=?=", std::nullopt},
      {"prefix without suffix is literal", "=?base64?SGVsbG8=", "=?base64?SGVsbG8="},
      {"suffix without prefix is literal", "SGVsbG8=?=", "SGVsbG8=?="},
      {"too short to hold both", "=?base64?=", "=?base64?="},
  };
  for (const auto& c : cases) EXPECT_EQ(decode_header_value(c.raw), c.expected) << c.name;
}

// --------------------------------------------------- check_param_headers

json::object param_schema() {
  return json::parse(R"({"type":"object","properties":{
      "region":{"type":"string","x-mcp-header":"Region"},
      "count":{"type":"integer","x-mcp-header":"Count"},
      "ratio":{"type":"number","x-mcp-header":"Ratio"},
      "dry":{"type":"boolean","x-mcp-header":"Dry-Run"},
      "plain":{"type":"string"}}})")
      .as_object();
}

TEST(ParamHeaders, MO3_XMcpHeaderTable) {
  struct Case {
    const char* name;
    json::object arguments;
    Headers headers;
    bool accepted;
    const char* message_part = "";
  };
  const std::vector<Case> cases = {
      {"string mirrored", {{"region", "eu-west"}}, {{"Mcp-Param-Region", "eu-west"}}, true},
      {"string trimmed", {{"region", "eu-west"}}, {{"Mcp-Param-Region", "  eu-west "}}, true},
      {"header name case-insensitive", {{"region", "eu-west"}}, {{"mcp-param-region", "eu-west"}}, true},
      {"string base64", {{"region", "eu-west"}}, {{"Mcp-Param-Region", "=?base64?ZXUtd2VzdA==?="}}, true},
      {"non-ASCII string base64", {{"region", "\xc3\xa9urope"}}, {{"Mcp-Param-Region", "=?base64?w6l1cm9wZQ==?="}}, true},
      {"string mismatch", {{"region", "eu-west"}}, {{"Mcp-Param-Region", "us-east"}}, false, "does not match"},
      {"string case mismatch", {{"region", "eu-west"}}, {{"Mcp-Param-Region", "EU-WEST"}}, false, "does not match"},
      {"missing header", {{"region", "eu-west"}}, {}, false, "Mcp-Param-Region header is required"},
      {"invalid base64", {{"region", "eu-west"}}, {{"Mcp-Param-Region", "=?base64?ZXUtd2VzdA?="}}, false,
       "invalid base64"},
      {"integer mirrored", {{"count", 42}}, {{"Mcp-Param-Count", "42"}}, true},
      {"negative integer", {{"count", -3}}, {{"Mcp-Param-Count", "-3"}}, true},
      {"integer mismatch", {{"count", 42}}, {{"Mcp-Param-Count", "43"}}, false, "does not match"},
      {"integer not a number", {{"count", 42}}, {{"Mcp-Param-Count", "forty-two"}}, false, "does not match"},
      {"integer with trailing text", {{"count", 42}}, {{"Mcp-Param-Count", "42abc"}}, false, "does not match"},
      {"number mirrored", {{"ratio", 0.5}}, {{"Mcp-Param-Ratio", "0.5"}}, true},
      {"number mismatch", {{"ratio", 0.5}}, {{"Mcp-Param-Ratio", "0.25"}}, false, "does not match"},
      {"boolean true", {{"dry", true}}, {{"Mcp-Param-Dry-Run", "true"}}, true},
      {"boolean false", {{"dry", false}}, {{"Mcp-Param-Dry-Run", "false"}}, true},
      {"boolean mismatch", {{"dry", true}}, {{"Mcp-Param-Dry-Run", "false"}}, false, "does not match"},
      {"boolean not JSON spelling", {{"dry", true}}, {{"Mcp-Param-Dry-Run", "1"}}, false, "does not match"},
      {"absent argument needs no header", {}, {}, true},
      {"null argument needs no header", {{"region", nullptr}}, {}, true},
      {"argument without x-mcp-header", {{"plain", "x"}}, {}, true},
      {"all mirrored",
       {{"region", "eu-west"}, {"count", 1}, {"dry", false}},
       {{"Mcp-Param-Region", "eu-west"}, {"Mcp-Param-Count", "1"}, {"Mcp-Param-Dry-Run", "false"}},
       true},
      {"one of several missing",
       {{"region", "eu-west"}, {"count", 1}},
       {{"Mcp-Param-Region", "eu-west"}},
       false,
       "Mcp-Param-Count header is required"},
  };
  auto schema = param_schema();
  for (const auto& c : cases) {
    auto refusal = check_param_headers(request(c.headers), schema, c.arguments);
    if (c.accepted) {
      EXPECT_FALSE(refusal) << c.name << ": " << refusal->message;
    } else {
      ASSERT_TRUE(refusal) << c.name << ": accepted";
      EXPECT_EQ(refusal->code, -32020) << c.name;
      EXPECT_EQ(refusal->status, http::status::bad_request) << c.name;
      EXPECT_NE(refusal->message.find(c.message_part), std::string::npos) << c.name << ": " << refusal->message;
    }
  }
}

TEST(ParamHeaders, MO3_SchemaWithoutHeadersNeedsNone) {
  auto request_without = request({});
  EXPECT_FALSE(check_param_headers(request_without, json::object{{"type", "object"}}, json::object{{"a", 1}}));
  EXPECT_FALSE(check_param_headers(request_without, json::parse(R"({"type":"object","properties":{"a":{"type":"integer"}}})").as_object(),
                                   json::object{{"a", 1}}));
}

}  // namespace
}  // namespace gatehouse::mcp
