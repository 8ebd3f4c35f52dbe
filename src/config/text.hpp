#pragma once
// Small text helpers of the configuration's messages and values: upper case
// (environment variable names), trimming a value (an environment variable's
// surrounding whitespace, line breaks included), "only digits", and joining
// names into "a, b and c". ASCII case folding, quoting a value and the RFC
// 3986 unreserved characters are net/text.hpp's and net/quote.hpp's.
#include "net/text.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::config {

inline std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

inline std::string_view trim(std::string_view s) {
  constexpr std::string_view space = " \t\r\n\v\f";
  auto first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

using net::all_digits;

// "a, b and c"
inline std::string join_and(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace gatehouse::config
