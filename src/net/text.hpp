#pragma once
// Small text helpers for protocol values: ASCII case folding (scheme, host
// and header values compare case-insensitively) and trimming optional
// whitespace (RFC 9110 §5.6.3 OWS: spaces and tabs).
#include <string>
#include <string_view>

namespace gatehouse::net {

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace gatehouse::net
