#include "mcp/uri_template.hpp"

#include "net/form.hpp"

namespace gatehouse::mcp {

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
    bound[part.text] = net::percent_decode_lenient(uri.substr(pos, end - pos));
    pos = end;
  }
  if (pos != uri.size()) return std::nullopt;
  return bound;
}

}  // namespace gatehouse::mcp
