#pragma once
// Protocol errors a handler can raise. JSON-RPC 2.0 §5.1 codes and the MCP
// specific ones; the transport turns an McpError into a JSON-RPC error object.
#include <boost/json/value.hpp>

#include <stdexcept>
#include <string>

namespace gatehouse {


namespace error_code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
// MCP 2025-11-25 server/resources: "Resource not found" (legacy eras).
inline constexpr int resource_not_found = -32002;
// MCP 2025-11-25 client/elicitation: URL elicitation required.
inline constexpr int url_elicitation_required = -32042;
}  // namespace error_code

// Thrown by handlers (tools, resources, prompts, completion) to answer with a
// JSON-RPC error instead of a result. Anything else a tool throws becomes a
// tool result with isError: true, as MCP asks for tool execution errors.
class McpError : public std::runtime_error {
 public:
  McpError(int code, std::string message, boost::json::value data = nullptr)
      : std::runtime_error(message), code_(code), data_(std::move(data)) {}

  static McpError invalid_params(std::string message) {
    return {error_code::invalid_params, std::move(message)};
  }
  static McpError method_not_found(std::string message) {
    return {error_code::method_not_found, std::move(message)};
  }
  static McpError internal(std::string message) {
    return {error_code::internal_error, std::move(message)};
  }
  // The transport maps this to the era's own code (-32002 or -32602).
  static McpError resource_not_found(std::string uri) {
    boost::json::object data;
    data["uri"] = uri;
    return {error_code::resource_not_found, "Resource not found: " + uri, std::move(data)};
  }

  int code() const noexcept { return code_; }
  const boost::json::value& data() const noexcept { return data_; }

 private:
  int code_;
  boost::json::value data_;
};

}  // namespace gatehouse
