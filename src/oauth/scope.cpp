#include "oauth/scope.hpp"

#include <algorithm>

namespace gatehouse::oauth {

std::vector<std::string> parse_scope(std::string_view scope) {
  std::vector<std::string> out;
  std::size_t i = 0;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (i < scope.size()) {
    while (i < scope.size() && space(scope[i])) ++i;
    std::size_t start = i;
    while (i < scope.size() && !space(scope[i])) ++i;
    if (i > start) {
      std::string token(scope.substr(start, i - start));
      if (std::find(out.begin(), out.end(), token) == out.end()) out.push_back(std::move(token));
    }
  }
  return out;
}

std::string join_scope(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) {
    if (!out.empty()) out.push_back(' ');
    out += s;
  }
  return out;
}

std::vector<std::string> known_scopes(const std::vector<std::string>& requested, const std::vector<std::string>& supported) {
  std::vector<std::string> out;
  for (const auto& s : requested)
    if (std::find(supported.begin(), supported.end(), s) != supported.end()) out.push_back(s);
  return out;
}

bool contains_all(const std::vector<std::string>& have, const std::vector<std::string>& need) {
  return std::all_of(need.begin(), need.end(),
                     [&](const auto& s) { return std::find(have.begin(), have.end(), s) != have.end(); });
}

}  // namespace gatehouse::oauth
