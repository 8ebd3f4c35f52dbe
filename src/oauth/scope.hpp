#pragma once
// Scope strings (RFC 6749 §3.3), parsed the tolerant way INTEROP AZ5 asks
// for: split on any whitespace, drop empties and duplicates, keep order.
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::oauth {

std::vector<std::string> parse_scope(std::string_view scope);
std::string join_scope(const std::vector<std::string>& scopes);
// `requested` minus what the server does not know (unknown scopes are
// ignored, not refused: Claude has sent `claudeai` and fixed lists).
std::vector<std::string> known_scopes(const std::vector<std::string>& requested, const std::vector<std::string>& supported);
bool contains_all(const std::vector<std::string>& have, const std::vector<std::string>& need);

}  // namespace gatehouse::oauth
