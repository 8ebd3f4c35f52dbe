#pragma once
// Small replies of the MCP endpoint, shared by both eras: JSON-RPC error
// bodies with an HTTP status, and 202 Accepted.
#include "mcp/jsonrpc.hpp"
#include "net/http.hpp"

#include <cctype>
#include <string>

namespace gatehouse::mcp {

// Codes the MCP SDKs use for transport-level failures.
inline constexpr int kTransportError = -32000;
inline constexpr int kSessionNotFound = -32001;

inline net::Reply rpc_error(boost::beast::http::status status, int code, std::string_view message,
                            json::value id = nullptr, json::value data = nullptr) {
  return net::reply(net::json_response(
      status, json::serialize(jsonrpc::make_error(std::move(id), code, message, std::move(data)))));
}

inline net::Reply accepted() {
  net::Response r{boost::beast::http::status::accepted, 11};
  r.prepare_payload();
  return net::reply(std::move(r));
}

// Whether an Accept header admits `type` ("application/json"), directly or
// through a wildcard.
inline bool accepts(std::string_view accept_header, std::string_view type) {
  std::string accept(accept_header);
  for (auto& c : accept) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto slash = type.find('/');
  return accept.find(type) != std::string::npos || accept.find("*/*") != std::string::npos ||
         accept.find(std::string(type.substr(0, slash)) + "/*") != std::string::npos;
}

inline std::string_view header_value(const net::Request& r, std::string_view name) {
  auto it = r.find(name);
  return it == r.end() ? std::string_view{} : std::string_view(it->value());
}

}  // namespace gatehouse::mcp
