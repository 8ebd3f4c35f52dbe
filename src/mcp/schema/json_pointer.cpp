#include "mcp/schema/json_pointer.hpp"

#include "net/form.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <charconv>
#include <system_error>

namespace gatehouse::mcp::schema {
namespace {

// Evaluates one pointer token (already split on '/') against `node`.
const boost::json::value* step(const boost::json::value& node, std::string_view token) {
  std::string unescaped;
  if (token.find('~') != std::string_view::npos) {
    for (std::size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
        unescaped += token[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        unescaped += token[i];
      }
    }
    token = unescaped;
  }
  if (const auto* obj = node.if_object()) return obj->if_contains(token);
  if (const auto* arr = node.if_array()) {
    // RFC 6901 §4: decimal digits, no leading zeros.
    if (token.empty() || (token.size() > 1 && token[0] == '0')) return nullptr;
    std::size_t index = 0;
    const auto r = std::from_chars(token.data(), token.data() + token.size(), index);
    if (r.ec != std::errc{} || r.ptr != token.data() + token.size()) return nullptr;
    return index < arr->size() ? &(*arr)[index] : nullptr;
  }
  return nullptr;
}

}  // namespace

void prepend_key(std::string& path, std::string_view key) {
  std::string segment;
  segment.reserve(key.size() + 1);
  segment += '/';
  for (const char c : key) {
    if (c == '~')
      segment += "~0";
    else if (c == '/')
      segment += "~1";
    else
      segment += c;
  }
  path.insert(0, segment);
}

void prepend_index(std::string& path, std::size_t index) {
  path.insert(0, std::to_string(index));
  path.insert(0, 1, '/');
}

const boost::json::value* resolve_pointer(const boost::json::value& root, std::string_view pointer) {
  std::string decoded;
  if (pointer.find('%') != std::string_view::npos) {
    decoded = net::percent_decode_lenient(pointer);  // RFC 6901 §6: a fragment is URI-encoded
    pointer = decoded;
  }
  if (pointer.empty()) return &root;
  if (pointer[0] != '/') return nullptr;  // a plain-name fragment ("#foo"): anchors are not supported
  const boost::json::value* node = &root;
  std::size_t pos = 1;
  while (node) {
    const std::size_t slash = pointer.find('/', pos);
    const std::string_view token =
        pointer.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    node = step(*node, token);
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return node;
}

}  // namespace gatehouse::mcp::schema
