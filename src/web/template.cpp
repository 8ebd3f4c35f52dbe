#include "web/template.hpp"

namespace gatehouse::web {

extern const std::map<std::string_view, std::string_view> kAssets;

std::string_view asset(std::string_view name) {
  auto it = kAssets.find(name);
  return it == kAssets.end() ? std::string_view{} : it->second;
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string render(std::string_view text, const Values& values) {
  std::string out;
  out.reserve(text.size() + 256);
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    bool raw = text.substr(open, 3) == "{{{";
    auto close = text.find(raw ? "}}}" : "}}", open);
    if (close == std::string_view::npos) {
      out.append(text.substr(open));
      break;
    }
    auto name = text.substr(open + (raw ? 3 : 2), close - open - (raw ? 3 : 2));
    if (auto it = values.find(name); it != values.end()) out += raw ? it->second : escape_html(it->second);
    pos = close + (raw ? 3 : 2);
  }
  return out;
}

std::string render_page(std::string_view page, std::string_view title, const Values& values) {
  Values layout{{"title", std::string(title)}, {"body", render(asset(page), values)}};
  return render(asset("layout.html"), layout);
}

}  // namespace gatehouse::web
