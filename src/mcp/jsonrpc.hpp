#pragma once
// JSON-RPC 2.0 messages as MCP uses them (MCP basic/ "Messages"): requests
// with a string or integer id (never null), notifications, responses.
#include "json.hpp"
#include <boost/json.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace gatehouse::mcp::jsonrpc {

namespace json = boost::json;

enum class Kind { request, notification, response };

struct Message {
  Kind kind = Kind::request;
  json::value id;  // request and response
  std::string method;
  json::object params;
  // response: exactly one of the two is set
  json::value result;
  json::value error;
};

// Why a value is not a valid message; `id` is echoed when it could be read.
struct Invalid {
  int code;
  std::string message;
  json::value id;
};

// Classifies one element (JSON-RPC 2.0 §4, §5); never throws.
std::variant<Message, Invalid> classify(json::value value);

json::object make_result(json::value id, json::value result);
json::object make_error(json::value id, int code, std::string_view message, json::value data = nullptr);
json::object make_notification(std::string_view method, json::object params);
json::object make_request(json::value id, std::string_view method, json::object params);

// A key for maps of in-flight requests: ids 1 and "1" are different requests.
std::string id_key(const json::value& id);

}  // namespace gatehouse::mcp::jsonrpc
