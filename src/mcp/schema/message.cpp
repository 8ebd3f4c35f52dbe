#include "mcp/schema/message.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <charconv>
#include <cstddef>
#include <utility>

namespace gatehouse::mcp::schema {
namespace {

namespace json = boost::json;

// Bytes of a schema or instance value quoted in a message.
constexpr std::size_t kMaxRendered = 80;

void append_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    if (out.size() > kMaxRendered) break;
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void render_into(std::string& out, const json::value& v) {
  if (out.size() > kMaxRendered) return;
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      break;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      break;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      out += format_number(v);
      break;
    case json::kind::string: {
      const auto& s = v.get_string();
      append_quoted(out, std::string_view(s.data(), s.size()));
      break;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (out.size() > kMaxRendered) break;
        if (!first) out += ',';
        first = false;
        render_into(out, e);
      }
      out += ']';
      break;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (out.size() > kMaxRendered) break;
        if (!first) out += ',';
        first = false;
        append_quoted(out, std::string_view(kv.key().data(), kv.key().size()));
        out += ':';
        render_into(out, kv.value());
      }
      out += '}';
      break;
    }
  }
}

std::string finish_render(std::string out) {
  if (out.size() <= kMaxRendered) return out;
  std::size_t cut = kMaxRendered;
  // Do not split a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  out += "...";
  return out;
}

}  // namespace

std::string format_number(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v.get_double());
  return std::string(buf, r.ptr);
}

std::string render(const json::value& v) {
  std::string out;
  render_into(out, v);
  return finish_render(std::move(out));
}

std::string quote(std::string_view s) {
  std::string out;
  append_quoted(out, s);
  return finish_render(std::move(out));
}

std::string plural(std::uint64_t n, std::string_view noun) {
  std::string out = std::to_string(n);
  out += ' ';
  out += noun;
  if (n != 1) out += 's';
  return out;
}

}  // namespace gatehouse::mcp::schema
