#include "web/template.hpp"

#include <stdexcept>

namespace gatehouse::web {

extern const std::map<std::string_view, std::string_view> kAssets;

std::string_view asset(std::string_view name) {
  auto it = kAssets.find(name);
  return it == kAssets.end() ? std::string_view{} : it->second;
}

std::vector<std::string_view> asset_names() {
  std::vector<std::string_view> names;
  for (const auto& [name, text] : kAssets) names.push_back(name);
  return names;
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

namespace {

struct Token {
  enum class Kind { text, escaped, raw, section, inverted, close };
  Kind kind;
  std::string_view text;  // the text, or the tag's name
  std::size_t close = 0;  // section, inverted: the index of its closing tag
};

[[noreturn]] void malformed(std::string_view text, std::size_t at, std::string_view what) {
  const std::size_t start = at < 20 ? 0 : at - 20;
  throw std::logic_error("template: " + std::string(what) + " near \"" + std::string(text.substr(start, 60)) + "\"");
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

// Mustache's standalone rule: a section tag alone on its line takes the
// whole line with it (its indentation and its line break), so templates can
// give sections lines of their own without leaving blank lines behind.
// The tag spans [start, end); `end` moves past the line break.
void standalone(std::string_view text, std::size_t start, std::size_t& end, std::vector<Token>& tokens) {
  const auto newline = start == 0 ? std::string_view::npos : text.rfind('\n', start - 1);
  const std::size_t from = newline == std::string_view::npos ? 0 : newline + 1;
  if (!blank(text.substr(from, start - from))) return;
  const auto line_end = text.find('\n', end);
  if (!blank(text.substr(end, line_end == std::string_view::npos ? std::string_view::npos : line_end - end))) return;
  // The indentation is the tail of the text token before the tag.
  if (start > from) tokens.back().text.remove_suffix(start - from);
  end = line_end == std::string_view::npos ? text.size() : line_end + 1;
}

// The template as tokens, sections matched with their closing tags.
std::vector<Token> parse(std::string_view text) {
  std::vector<Token> tokens;
  std::vector<std::size_t> open;  // sections not closed yet, innermost last
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto start = text.find("{{", pos);
    if (start == std::string_view::npos) {
      tokens.push_back({Token::Kind::text, text.substr(pos)});
      break;
    }
    if (start > pos) tokens.push_back({Token::Kind::text, text.substr(pos, start - pos)});
    const bool raw = text.substr(start, 3) == "{{{";
    const std::string_view closer = raw ? "}}}" : "}}";
    const auto end = text.find(closer, start);
    if (end == std::string_view::npos) malformed(text, start, "a tag is never closed");
    const std::size_t inner = start + closer.size();
    std::string_view tag = text.substr(inner, end - inner);
    pos = end + closer.size();
    if (tag.empty()) malformed(text, start, "a tag has no name");
    if (raw) {
      tokens.push_back({Token::Kind::raw, tag});
      continue;
    }
    const char sigil = tag.front();
    if (sigil == '#' || sigil == '^' || sigil == '/') {
      tag.remove_prefix(1);
      if (tag.empty()) malformed(text, start, "a section has no name");
    }
    if (sigil == '#' || sigil == '^' || sigil == '/') standalone(text, start, pos, tokens);
    if (sigil == '#' || sigil == '^') {
      open.push_back(tokens.size());
      tokens.push_back({sigil == '#' ? Token::Kind::section : Token::Kind::inverted, tag});
    } else if (sigil == '/') {
      if (open.empty()) malformed(text, start, "a section is closed that was never opened");
      if (tokens[open.back()].text != tag)
        malformed(text, start, "section " + std::string(tokens[open.back()].text) + " is closed as " + std::string(tag));
      tokens[open.back()].close = tokens.size();
      open.pop_back();
      tokens.push_back({Token::Kind::close, tag});
    } else {
      tokens.push_back({Token::Kind::escaped, tag});
    }
  }
  if (!open.empty()) malformed(text, text.size(), "section " + std::string(tokens[open.back()].text) + " is never closed");
  return tokens;
}

// The values in force: a list item's, then those around it.
struct Scope {
  const Values& values;
  const Scope* outer = nullptr;

  const std::string* find(std::string_view name) const {
    for (const Scope* s = this; s; s = s->outer)
      if (auto it = s->values.find(name); it != s->values.end()) return &it->second;
    return nullptr;
  }
};

class Renderer {
 public:
  Renderer(const std::vector<Token>& tokens, const Lists& lists, std::string& out)
      : tokens_(tokens), lists_(lists), out_(out) {}

  // Tokens [first, last) under `scope`.
  void run(std::size_t first, std::size_t last, const Scope& scope) {
    for (std::size_t i = first; i < last; ++i) {
      const Token& t = tokens_[i];
      switch (t.kind) {
        case Token::Kind::text: out_.append(t.text); break;
        case Token::Kind::escaped:
          if (const auto* v = scope.find(t.text)) out_ += escape_html(*v);
          break;
        case Token::Kind::raw:
          if (const auto* v = scope.find(t.text)) out_ += *v;
          break;
        case Token::Kind::section:
          if (const auto* list = list_of(t.text, scope)) {
            for (const auto& item : *list) run(i + 1, t.close, Scope{item, &scope});
          } else if (const auto* v = scope.find(t.text); v && !v->empty()) {
            run(i + 1, t.close, scope);
          }
          i = t.close;
          break;
        case Token::Kind::inverted: {
          const auto* list = list_of(t.text, scope);
          const auto* v = list ? nullptr : scope.find(t.text);
          if (list ? list->empty() : !v || v->empty()) run(i + 1, t.close, scope);
          i = t.close;
          break;
        }
        case Token::Kind::close: break;  // skipped by its section
      }
    }
  }

 private:
  // The list called `name`, unless a value in scope is called so.
  const List* list_of(std::string_view name, const Scope& scope) const {
    if (scope.find(name)) return nullptr;
    auto it = lists_.find(name);
    return it == lists_.end() ? nullptr : &it->second;
  }

  const std::vector<Token>& tokens_;
  const Lists& lists_;
  std::string& out_;
};

}  // namespace

std::string render(std::string_view text, const Values& values, const Lists& lists) {
  const auto tokens = parse(text);
  std::string out;
  out.reserve(text.size() + 256);
  Renderer(tokens, lists, out).run(0, tokens.size(), Scope{values});
  return out;
}

std::string render_page(std::string_view page, std::string_view title, const Values& values, const Lists& lists) {
  Values layout{{"title", std::string(title)}, {"body", render(asset(page), values, lists)}};
  return render(asset("layout.html"), layout);
}

}  // namespace gatehouse::web
