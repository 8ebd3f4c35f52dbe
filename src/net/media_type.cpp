#include "net/media_type.hpp"

#include "net/text.hpp"

#include <string>

namespace gatehouse::net {

namespace {

// The value of one parameter, unquoted (RFC 9110 §5.6.4 quoted-string:
// backslash escapes the next character).
std::string parameter_value(std::string_view raw) {
  raw = trim_ows(raw);
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return std::string(raw);
  std::string out;
  for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 2 < raw.size()) ++i;
    out += raw[i];
  }
  return out;
}

}  // namespace

JsonContentType json_content_type(std::string_view content_type) {
  auto semicolon = content_type.find(';');
  if (!iequals(trim_ows(content_type.substr(0, semicolon)), "application/json")) return JsonContentType::not_json;
  while (semicolon != std::string_view::npos) {
    // A quoted value may hold ';': skip over quoted-strings when splitting.
    std::size_t end = semicolon + 1;
    for (bool quoted = false; end < content_type.size(); ++end) {
      char c = content_type[end];
      if (quoted && c == '\\') ++end;
      else if (c == '"') quoted = !quoted;
      else if (c == ';' && !quoted) break;
    }
    auto parameter = content_type.substr(semicolon + 1, end - semicolon - 1);
    semicolon = end < content_type.size() ? end : std::string_view::npos;
    auto equals = parameter.find('=');
    if (equals == std::string_view::npos) continue;  // not a parameter; nothing to honour
    if (!iequals(trim_ows(parameter.substr(0, equals)), "charset")) continue;
    if (!iequals(parameter_value(parameter.substr(equals + 1)), "utf-8")) return JsonContentType::unsupported_charset;
  }
  return JsonContentType::json;
}

std::string media_type_essence(std::string_view content_type) {
  return lower(trim_ows(content_type.substr(0, content_type.find(';'))));
}

bool is_form_content_type(std::string_view content_type) {
  return iequals(trim_ows(content_type.substr(0, content_type.find(';'))), "application/x-www-form-urlencoded");
}

}  // namespace gatehouse::net
