#pragma once
// Scope strings (RFC 6749 §3.3), parsed the tolerant way INTEROP AZ5 asks
// for: split on any whitespace, drop empties and duplicates, keep order.
//
// Every step is linear in the input (audit M2: a quadratic dedupe let one
// /token request with 40,000 scopes hold an I/O thread for 1.4 s), and
// scope values from requests are capped before anything else looks at them.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <variant>
#include <vector>

namespace gatehouse::oauth {

// Caps on a requested scope value (the /authorize and /token `scope`
// parameter, a registration's `scope`, [oauth] tool_scopes). MCP clients
// ask for a handful of scopes with short names; the caps leave ample room.
inline constexpr std::size_t kMaxScopes = 100;          // scope tokens, duplicates included
inline constexpr std::size_t kMaxScopeLength = 200;     // bytes in one scope token

// The whitespace-separated tokens of `scope`, empties dropped, duplicates
// kept, as views into `scope`.
std::vector<std::string_view> split_scope(std::string_view scope);

// The tokens without duplicates, in first-seen order, in one pass over a
// hash set. `equal` is the set's equality (a parameter so that tests can
// count the comparisons and see the work grow linearly).
template <class Equal = std::equal_to<std::string_view>>
std::vector<std::string> distinct_scopes(const std::vector<std::string_view>& tokens, Equal equal = {}) {
  std::unordered_set<std::string_view, std::hash<std::string_view>, Equal> seen(tokens.size() * 2 + 1,
                                                                                std::hash<std::string_view>{}, equal);
  std::vector<std::string> out;
  for (auto token : tokens)
    if (seen.insert(token).second) out.emplace_back(token);
  return out;
}

// For values the server wrote itself (a grant's scope, a token's claim).
std::vector<std::string> parse_scope(std::string_view scope);

// For values from a request: as parse_scope, or why the value is refused
// (more than kMaxScopes tokens, or one longer than kMaxScopeLength bytes),
// as a sentence for an error_description.
std::variant<std::vector<std::string>, std::string> parse_requested_scope(std::string_view scope);

std::string join_scope(const std::vector<std::string>& scopes);
// `requested` minus what the server does not know (unknown scopes are
// ignored, not refused: Claude has sent `claudeai` and fixed lists).
std::vector<std::string> known_scopes(const std::vector<std::string>& requested, const std::vector<std::string>& supported);
bool contains_all(const std::vector<std::string>& have, const std::vector<std::string>& need);

}  // namespace gatehouse::oauth
