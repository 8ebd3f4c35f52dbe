#include "mcp/stateless_request.hpp"

#include "crypto/encoding.hpp"
#include "mcp/protocol_headers.hpp"
#include "mcp/protocol_version.hpp"
#include "net/text.hpp"

#include <cmath>

namespace gatehouse::mcp {

namespace http = boost::beast::http;

namespace {

std::string_view header(const net::Request& r, std::string_view name) {
  auto it = r.find(name);  // Beast compares field names case-insensitively
  return it == r.end() ? std::string_view{} : std::string_view(it->value());
}

bool has_header(const net::Request& r, std::string_view name) { return r.find(name) != r.end(); }

const json::object* meta_of(const json::object& params) {
  auto* meta = params.if_contains("_meta");
  return meta ? meta->if_object() : nullptr;
}

Refusal mismatch(std::string message) {
  return {http::status::bad_request, stateless_error::header_mismatch, std::move(message)};
}

// The value a header must mirror: strings as they are, numbers and booleans
// in their JSON spelling.
std::optional<std::string> mirrored_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return std::nullopt;
}

bool number_matches(const json::value& v, std::string_view text) {
  if (!v.is_number()) return false;
  try {
    std::size_t used = 0;
    double parsed = std::stod(std::string(text), &used);
    return used == text.size() && parsed == v.to_number<double>();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

bool is_stateless_request(std::string_view version_header, const json::value& body) {
  if (is_stateless_version(version_header)) return true;
  auto* obj = body.if_object();
  if (!obj) return false;
  auto* params = obj->if_contains("params");
  if (!params || !params->is_object()) return false;
  auto* meta = meta_of(params->get_object());
  return meta && meta->contains(meta_key::protocol_version);
}

std::optional<std::string> decode_header_value(std::string_view raw) {
  auto value = net::trim_ows(raw);
  constexpr std::string_view prefix = "=?base64?", suffix = "?=";
  if (value.size() >= prefix.size() + suffix.size() && value.starts_with(prefix) && value.ends_with(suffix)) {
    return crypto::base64_decode_strict(value.substr(prefix.size(), value.size() - prefix.size() - suffix.size()));
  }
  return std::string(value);
}

std::variant<StatelessRequest, Refusal> check_stateless_request(const net::Request& request,
                                                                const jsonrpc::Message& message,
                                                                const StatelessOptions& options) {
  // 1. The version header is required on every request of this revision.
  if (!has_header(request, headers::protocol_version))
    return mismatch("Bad Request: the MCP-Protocol-Version header is required");
  auto header_version = net::trim_ows(header(request, headers::protocol_version));

  // 2. params._meta must carry the version and the client's capabilities
  //    (clientInfo is optional).
  const json::object* meta = meta_of(message.params);
  if (!meta) return Refusal{http::status::bad_request, error_code::invalid_params, "Invalid params: params._meta is required"};
  auto* version = meta->if_contains(meta_key::protocol_version);
  auto* capabilities = meta->if_contains(meta_key::client_capabilities);
  if (!version || !version->is_string())
    return Refusal{http::status::bad_request, error_code::invalid_params,
                   "Invalid params: params._meta is missing io.modelcontextprotocol/protocolVersion"};
  if (!capabilities || !capabilities->is_object())
    return Refusal{http::status::bad_request, error_code::invalid_params,
                   "Invalid params: params._meta is missing io.modelcontextprotocol/clientCapabilities"};

  StatelessRequest out;
  out.version = version->get_string();
  out.client_capabilities = capabilities->get_object();
  if (auto* info = meta->if_contains(meta_key::client_info); info && info->is_object()) out.client_info = info->get_object();
  if (auto* level = meta->if_contains(meta_key::log_level); level && level->is_string()) {
    out.log_level = parse_log_level(level->get_string());
    if (!out.log_level)
      return Refusal{http::status::bad_request, error_code::invalid_params,
                     "Invalid params: io.modelcontextprotocol/logLevel is not a logging level"};
  }

  // 3. The header must equal _meta — except the pattern Claude has been
  //    reported to send (modern body, 2025 header), tolerated by default.
  if (header_version != out.version) {
    bool claude_pattern = is_stateless_version(out.version) && is_session_version(header_version);
    if (!claude_pattern || options.strict_protocol_headers)
      return mismatch("Bad Request: MCP-Protocol-Version header (" + std::string(header_version) +
                      ") does not match params._meta protocolVersion (" + out.version + ")");
    out.legacy_header = true;
  }

  // 4. A version this endpoint does not serve statelessly.
  if (!is_stateless_version(out.version)) {
    json::array supported;
    for (auto v : kAllVersions) supported.emplace_back(v);
    return Refusal{http::status::bad_request, stateless_error::unsupported_version,
                   "Unsupported protocol version: " + out.version,
                   json::object{{"supported", std::move(supported)}, {"requested", out.version}}};
  }

  // 5. Mcp-Method mirrors the method (values case-sensitive), Mcp-Name the
  //    tool, prompt, resource or task the request is about.
  if (!has_header(request, headers::method)) return mismatch("Bad Request: the Mcp-Method header is required");
  auto method = decode_header_value(header(request, headers::method));
  if (!method || *method != message.method)
    return mismatch("Bad Request: Mcp-Method header does not match the request method " + message.method);
  auto name_param = headers::name_param(message.method);
  if (!name_param.empty()) {
    if (!has_header(request, headers::name)) return mismatch("Bad Request: the Mcp-Name header is required for " + message.method);
    auto name = decode_header_value(header(request, headers::name));
    auto* body_name = message.params.if_contains(name_param);
    if (!name || !body_name || !body_name->is_string() || *name != body_name->get_string())
      return mismatch("Bad Request: Mcp-Name header does not match params." + std::string(name_param));
  }
  return out;
}

std::optional<Refusal> check_param_headers(const net::Request& request, const json::object& input_schema,
                                           const json::object& arguments) {
  auto* properties = input_schema.if_contains("properties");
  if (!properties || !properties->is_object()) return std::nullopt;
  for (const auto& [name, property] : properties->get_object()) {
    auto* spec = property.if_object();
    if (!spec) continue;
    auto* header_name = spec->if_contains("x-mcp-header");
    if (!header_name || !header_name->is_string()) continue;
    auto* value = arguments.if_contains(name);
    if (!value || value->is_null()) continue;
    std::string field = headers::param_prefix + std::string(header_name->get_string());
    if (!has_header(request, field)) return mismatch("Bad Request: the " + field + " header is required");
    auto decoded = decode_header_value(header(request, field));
    if (!decoded) return mismatch("Bad Request: the " + field + " header has invalid base64");
    bool matches = false;
    if (value->is_number()) matches = number_matches(*value, *decoded);
    else if (auto text = mirrored_text(*value)) matches = *text == *decoded;
    if (!matches) return mismatch("Bad Request: the " + field + " header does not match arguments." + std::string(name));
  }
  return std::nullopt;
}

}  // namespace gatehouse::mcp
