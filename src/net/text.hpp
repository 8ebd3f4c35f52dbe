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

// ASCII case-insensitive equality (header names, RFC 9110 §5.1; schemes
// and hosts, RFC 3986 §6.2.2.1). No allocation.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// One or more ASCII digits and nothing else (a port, delta-seconds, a
// number a person typed): no sign, no space, no empty string.
inline bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// RFC 3986 §2.3: the characters a URI component may carry unencoded.
inline bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace gatehouse::net
