#include "mcp/jsonrpc.hpp"

#include <gatehouse/error.hpp>

namespace gatehouse::mcp::jsonrpc {

namespace {

bool valid_id(const json::value& id) {
  // MCP: "Unlike base JSON-RPC, the ID MUST NOT be null"; JSON-RPC §4 allows
  // strings and numbers, and numbers SHOULD NOT have fractional parts.
  return id.is_string() || id.is_int64() || id.is_uint64();
}

}  // namespace

std::variant<Message, Invalid> classify(json::value value) {
  auto* obj = value.if_object();
  if (!obj) return Invalid{error_code::invalid_request, "a JSON-RPC message must be an object", nullptr};
  json::value id = nullptr;
  if (auto* it = obj->if_contains("id")) id = *it;
  auto* version = obj->if_contains("jsonrpc");
  if (!version || !version->is_string() || version->get_string() != "2.0")
    return Invalid{error_code::invalid_request, "\"jsonrpc\" must be \"2.0\"", valid_id(id) ? id : nullptr};

  Message m;
  if (auto* method = obj->if_contains("method")) {
    if (!method->is_string())
      return Invalid{error_code::invalid_request, "\"method\" must be a string", valid_id(id) ? id : nullptr};
    m.method = method->get_string();
    if (auto* params = obj->if_contains("params")) {
      if (!params->is_object() && !params->is_null())
        return Invalid{error_code::invalid_request, "\"params\" must be an object", valid_id(id) ? id : nullptr};
      if (params->is_object()) m.params = std::move(params->get_object());
    }
    if (obj->contains("id")) {
      if (!valid_id(id))
        return Invalid{error_code::invalid_request, "\"id\" must be a string or an integer", nullptr};
      m.kind = Kind::request;
      m.id = std::move(id);
    } else {
      m.kind = Kind::notification;
    }
    return m;
  }

  // A response to a request the server sent.
  bool has_result = obj->contains("result"), has_error = obj->contains("error");
  if (has_result == has_error || !valid_id(id))
    return Invalid{error_code::invalid_request,
                   "a message needs \"method\", or an \"id\" with exactly one of \"result\" and \"error\"",
                   valid_id(id) ? id : nullptr};
  m.kind = Kind::response;
  m.id = std::move(id);
  if (has_result) m.result = std::move(obj->at("result"));
  else m.error = std::move(obj->at("error"));
  return m;
}

json::object make_result(json::value id, json::value result) {
  json::object o;
  o.reserve(3);
  o["jsonrpc"] = "2.0";
  o["id"] = std::move(id);
  o["result"] = std::move(result);
  return o;
}

json::object make_error(json::value id, int code, std::string_view message, json::value data) {
  json::object error{{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = std::move(data);
  return {{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"error", std::move(error)}};
}

json::object make_notification(std::string_view method, json::object params) {
  json::object o{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.empty()) o["params"] = std::move(params);
  return o;
}

json::object make_request(json::value id, std::string_view method, json::object params) {
  json::object o{{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", method}};
  o["params"] = std::move(params);
  return o;
}

std::string id_key(const json::value& id) {
  if (id.is_string()) return "s:" + std::string(id.get_string());
  return "n:" + json::serialize(id);
}

}  // namespace gatehouse::mcp::jsonrpc
