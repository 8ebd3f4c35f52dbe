#pragma once
// Reading metadata documents (RFC 8414, RFC 9728, RFC 7591 answers) the
// way the doctor reports on them: a member of the expected JSON type or
// nothing.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::doctor {

inline std::optional<std::string> string_member(const boost::json::object& object, std::string_view key) {
  auto* value = object.if_contains(key);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string(value->get_string());
}

// The strings of an array member (non-strings skipped); nullopt when the
// member is absent or not an array.
inline std::optional<std::vector<std::string>> strings_member(const boost::json::object& object, std::string_view key) {
  auto* value = object.if_contains(key);
  if (!value || !value->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : value->get_array())
    if (item.is_string()) out.emplace_back(item.get_string());
  return out;
}

inline bool contains(const std::vector<std::string>& list, std::string_view value) {
  for (const auto& item : list)
    if (item == value) return true;
  return false;
}

inline std::string joined(const std::vector<std::string>& list, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : list) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace gatehouse::doctor
