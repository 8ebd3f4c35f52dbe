#include "gateway/template.hpp"

#include "config/spelling.hpp"

#include <algorithm>
#include <cctype>

namespace gatehouse::gateway {

namespace {

bool space_char(char c) { return c >= 'a' && c <= 'z'; }
bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

// The variables each space offers today; env takes any variable name.
const std::vector<std::string> kUserNames{"subject", "name"};
const std::vector<std::string> kSpaces{"env", "user", "upstream", "connection"};
// What a grant's upstream sign-in offers (token_vault.hpp).
const std::vector<std::string> kUpstreamNames{"access_token", "subject", "username", "email"};

}  // namespace

Template Template::parse(std::string_view text) {
  Template t;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) t.parts_.push_back({std::move(literal), -1});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal += '}';
        i += 2;
        continue;
      }
      throw TemplateError("a lone \"}\" at character " + std::to_string(i + 1) + "; write \"}}\" for a brace");
    }
    if (c != '{') {
      literal += c;
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      i += 2;
      continue;
    }
    auto close = text.find('}', i);
    if (close == std::string_view::npos)
      throw TemplateError("\"{\" at character " + std::to_string(i + 1) +
                          " opens a variable that never closes; write \"{{\" for a brace");
    std::string_view inside = text.substr(i + 1, close - i - 1);
    auto dot = inside.find('.');
    std::string_view space = dot == std::string_view::npos ? inside : inside.substr(0, dot);
    std::string_view name = dot == std::string_view::npos ? std::string_view{} : inside.substr(dot + 1);
    bool well_formed = !space.empty() && !name.empty() && std::all_of(space.begin(), space.end(), space_char) &&
                       std::all_of(name.begin(), name.end(), name_char);
    if (!well_formed)
      throw TemplateError("\"{" + std::string(inside) + "}\" at character " + std::to_string(i + 1) +
                          " is not a variable: write {env.NAME}, {user.subject}, {user.name}, {upstream.access_token} or "
                          "{connection.FIELD} (\"{{\" for a brace)");
    flush();
    t.parts_.push_back({{}, static_cast<int>(t.variables_.size())});
    t.variables_.push_back({std::string(space), std::string(name)});
    i = close + 1;
  }
  flush();
  return t;
}

bool Template::per_user() const {
  return std::any_of(variables_.begin(), variables_.end(), [](const auto& v) { return v.space != "env"; });
}

bool Template::per_grant() const {
  return std::any_of(variables_.begin(), variables_.end(),
                     [](const auto& v) { return v.space == "upstream" || v.space == "connection"; });
}

std::string Template::expand(const std::function<std::string(const TemplateVariable&)>& value) const {
  std::string out;
  for (const auto& part : parts_) out += part.variable < 0 ? part.literal : value(variables_[part.variable]);
  return out;
}

std::string check(const TemplateVariable& v) {
  if (v.space == "env") {
    bool name_ok = !v.name.empty() && !std::isdigit(static_cast<unsigned char>(v.name[0])) &&
                   std::all_of(v.name.begin(), v.name.end(), [](char c) {
                     return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                   });
    if (name_ok) return {};
    return v.text() + " does not name an environment variable (letters, digits and _)";
  }
  if (v.space == "user") {
    if (std::find(kUserNames.begin(), kUserNames.end(), v.name) != kUserNames.end()) return {};
    std::string out = v.text() + " is not a variable";
    if (auto guess = config::closest(v.name, kUserNames)) return out + "; did you mean {user." + *guess + "}?";
    return out + "; the user variables are {user.subject} and {user.name}";
  }
  if (v.space == "upstream") {
    if (std::find(kUpstreamNames.begin(), kUpstreamNames.end(), v.name) != kUpstreamNames.end()) return {};
    std::string out = v.text() + " is not a variable";
    if (auto guess = config::closest(v.name, kUpstreamNames)) return out + "; did you mean {upstream." + *guess + "}?";
    return out + "; the upstream variables are {upstream.access_token}, {upstream.subject}, {upstream.username} and "
                 "{upstream.email}";
  }
  if (v.space == "connection") {
    // Which fields exist is the configuration's business (backend_rules.cpp).
    bool name_ok = !v.name.empty() && std::all_of(v.name.begin(), v.name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (name_ok) return {};
    return v.text() + " does not name a connect form field (lower-case letters, digits and _)";
  }
  std::string out = v.text() + " is not a variable: \"" + v.space + "\" is not a kind of variable";
  if (auto guess = config::closest(v.space, kSpaces)) return out + "; did you mean {" + *guess + "." + v.name + "}?";
  return out + " (the kinds are env, user, upstream and connection)";
}

std::vector<std::string> missing_environment(const Template& t, const std::function<const char*(const char*)>& getenv) {
  std::vector<std::string> missing;
  for (const auto& v : t.variables())
    if (v.space == "env") {
      const char* value = getenv(v.name.c_str());
      if (!value) missing.push_back(v.name);
    }
  return missing;
}

}  // namespace gatehouse::gateway
