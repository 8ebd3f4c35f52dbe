#pragma once
// Recognising and checking a request of the stateless revision (MCP
// 2026-07-28 basic/versioning and basic/transports, SEP-2243 headers): which
// era a POST belongs to, its params._meta, and the headers that must mirror
// the body. Pure functions, so every rule has a unit test.
#include "mcp/jsonrpc.hpp"
#include "net/http.hpp"

#include <gatehouse/context.hpp>
#include <gatehouse/error.hpp>

#include <optional>
#include <string>
#include <variant>

namespace gatehouse::mcp {

namespace meta_key {
inline constexpr std::string_view protocol_version = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view client_capabilities = "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view client_info = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view log_level = "io.modelcontextprotocol/logLevel";
inline constexpr std::string_view server_info = "io.modelcontextprotocol/serverInfo";
inline constexpr std::string_view subscription_id = "io.modelcontextprotocol/subscriptionId";
}  // namespace meta_key

// Error codes of the 2026-07-28 revision.
namespace stateless_error {
inline constexpr int header_mismatch = -32020;
inline constexpr int missing_capability = -32021;
inline constexpr int unsupported_version = -32022;
}  // namespace stateless_error

// A refusal: the HTTP status and the JSON-RPC error to answer with.
struct Refusal {
  boost::beast::http::status status;
  int code;
  std::string message;
  json::value data = nullptr;
};

// What a valid request's _meta says about its client.
struct StatelessRequest {
  std::string version;
  json::object client_capabilities;
  json::object client_info;
  std::optional<LogLevel> log_level;  // only when the client asked for log messages
  // The reported Claude pattern: 2026-07-28 in _meta, a 2025 version in the
  // header. Served as 2026-07-28 unless strict.
  bool legacy_header = false;
};

struct StatelessOptions {
  // Refuse the legacy-header pattern with -32020 instead of tolerating it.
  bool strict_protocol_headers = false;
};

// True when a POST belongs to the stateless revision: its header names
// 2026-07-28, or its params._meta carries a protocol version (dual-era
// servers route on _meta; MCP 2026-07-28 basic/versioning).
bool is_stateless_request(std::string_view version_header, const json::value& body);

// Checks, in the order the revision gives: version header present, _meta
// complete, header equal to _meta, version supported, Mcp-Method and Mcp-Name
// equal to the body.
std::variant<StatelessRequest, Refusal> check_stateless_request(const net::Request& request,
                                                                const jsonrpc::Message& message,
                                                                const StatelessOptions& options);

// SEP-2243 x-mcp-header: every argument whose schema property names a header
// must arrive mirrored in Mcp-Param-<Name>.
std::optional<Refusal> check_param_headers(const net::Request& request, const json::object& input_schema,
                                           const json::object& arguments);

// A header value after trimming optional whitespace, decoded when it has the
// form =?base64?...?= (strict base64). nullopt when the encoding is invalid.
std::optional<std::string> decode_header_value(std::string_view raw);

}  // namespace gatehouse::mcp
