#include "oauth/scope.hpp"

#include <algorithm>

namespace gatehouse::oauth {

namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::unordered_set<std::string_view> set_of(const std::vector<std::string>& scopes) {
  return {scopes.begin(), scopes.end()};
}

}  // namespace

std::vector<std::string_view> split_scope(std::string_view scope) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < scope.size()) {
    while (i < scope.size() && space(scope[i])) ++i;
    std::size_t start = i;
    while (i < scope.size() && !space(scope[i])) ++i;
    if (i > start) out.push_back(scope.substr(start, i - start));
  }
  return out;
}

std::vector<std::string> parse_scope(std::string_view scope) { return distinct_scopes(split_scope(scope)); }

std::variant<std::vector<std::string>, std::string> parse_requested_scope(std::string_view scope) {
  // One counting pass first, storing nothing: an oversized value is refused
  // without building anything from it.
  std::size_t count = 0;
  for (std::size_t i = 0; i < scope.size();) {
    while (i < scope.size() && space(scope[i])) ++i;
    std::size_t start = i;
    while (i < scope.size() && !space(scope[i])) ++i;
    if (i - start > kMaxScopeLength)
      return "a scope value is " + std::to_string(i - start) + " bytes long; at most " +
             std::to_string(kMaxScopeLength) + " are accepted";
    if (i > start) ++count;
  }
  if (count > kMaxScopes)
    return "the scope lists " + std::to_string(count) + " values; at most " + std::to_string(kMaxScopes) +
           " are accepted";
  return distinct_scopes(split_scope(scope));
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
  auto offered = set_of(supported);
  std::vector<std::string> out;
  for (const auto& s : requested)
    if (offered.contains(s)) out.push_back(s);
  return out;
}

bool contains_all(const std::vector<std::string>& have, const std::vector<std::string>& need) {
  auto held = set_of(have);
  return std::all_of(need.begin(), need.end(), [&](const auto& s) { return held.contains(s); });
}

}  // namespace gatehouse::oauth
