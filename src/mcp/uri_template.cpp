#include "mcp/uri_template.hpp"

namespace gatehouse::mcp {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

}  // namespace

UriTemplate::UriTemplate(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find('{', pos);
    if (open == std::string_view::npos) {
      parts_.push_back({false, std::string(text.substr(pos))});
      break;
    }
    auto close = text.find('}', open);
    if (close == std::string_view::npos) {  // not an expression: keep it literal
      parts_.push_back({false, std::string(text.substr(pos))});
      break;
    }
    if (open > pos) parts_.push_back({false, std::string(text.substr(pos, open - pos))});
    std::string name(text.substr(open + 1, close - open - 1));
    variables_.push_back(name);
    parts_.push_back({true, std::move(name)});
    pos = close + 1;
  }
}

std::optional<std::map<std::string, std::string>> UriTemplate::match(std::string_view uri) const {
  std::map<std::string, std::string> bound;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    const auto& part = parts_[i];
    if (!part.is_variable) {
      if (uri.substr(pos, part.text.size()) != part.text) return std::nullopt;
      pos += part.text.size();
      continue;
    }
    // A variable runs to the next literal (or '/' / the end), and is non-empty.
    std::size_t end = uri.find('/', pos);
    if (end == std::string_view::npos) end = uri.size();
    if (i + 1 < parts_.size()) {
      const auto& next = parts_[i + 1].text;
      auto found = uri.find(next, pos);
      if (found == std::string_view::npos) return std::nullopt;
      end = std::min(end, found);
    }
    if (end == pos) return std::nullopt;
    bound[part.text] = percent_decode(uri.substr(pos, end - pos));
    pos = end;
  }
  if (pos != uri.size()) return std::nullopt;
  return bound;
}

}  // namespace gatehouse::mcp
