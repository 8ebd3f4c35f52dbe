#include "config/toml_syntax.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace gatehouse::config {

namespace {

using namespace std::string_view_literals;

std::string_view trim(std::string_view s) {
  constexpr auto space = " \t\r"sv;
  auto first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

// The key and the value of a `key = value` line, as written ("" when the
// line has no '=').
std::pair<std::string_view, std::string_view> key_and_value(std::string_view line) {
  auto eq = line.find('=');
  if (eq == std::string_view::npos) return {};
  auto value = trim(line.substr(eq + 1));
  if (auto hash = value.find(" #"); hash != std::string_view::npos) value = trim(value.substr(0, hash));
  return {trim(line.substr(0, eq)), value};
}

bool bare_word(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '/';
  });
}

// What is wrong, in plain words, or "" when the description is not one of
// the mistakes recognised here.
std::string plain(std::string_view what, std::string_view detail, std::string_view line) {
  auto [key, value] = key_and_value(line);
  const std::string k(key.empty() ? "key"sv : key);
  if (detail == "could not determine value type") {
    if (value == "True" || value == "False" || value == "TRUE" || value == "FALSE" || value == "yes" ||
        value == "no" || value == "on" || value == "off")
      return "the value " + std::string(value) + " is not a TOML value: booleans are written true or false (lower case)";
    if (bare_word(value))
      return "the value " + std::string(value) + " is not quoted: strings go in double quotes, e.g. " + k + " = \"" +
             std::string(value) + "\"";
    return "the value after '=' is not a TOML value: strings go in double quotes (\"...\"), numbers are plain digits, "
           "booleans are true or false, lists are [\"a\", \"b\"]";
  }
  if (detail.starts_with("expected value, saw"))
    return "the key " + k + " has no value after '='; write a value (e.g. " + k + " = \"...\") or remove the line";
  if (detail.starts_with("expected '=', saw ':'"))
    return "keys and values are separated by '=', not ':' (" + std::string(trim(line.substr(0, line.find(':')))) +
           " = ...)";
  if (detail.starts_with("expected '=', saw"))
    return "a key must be one word before '=' (letters, digits, '_' and '-'); keys use underscores, e.g. data_dir";
  if (detail.starts_with("expected 'true'") || detail.starts_with("expected 'false'"))
    return "booleans are written true or false, in lower case";
  if (detail.find("control characters") != std::string_view::npos && std::count(line.begin(), line.end(), '"') % 2 == 1)
    return "the string is not closed: a quoted value ends with \" on the same line";
  if (detail.find("control characters") != std::string_view::npos && std::count(line.begin(), line.end(), '\'') % 2 == 1)
    return "the string is not closed: a quoted value ends with ' on the same line";
  if (detail.starts_with("unknown escape sequence"))
    return "a backslash in a double-quoted string starts an escape such as \\n; write \\\\ for a backslash, or use "
           "single quotes for paths ('C:\\dir')";
  if (detail.starts_with("cannot redefine existing table") && detail.ends_with("as array-of-tables"))
    return "[[...]] makes a list of tables; sections are written with single brackets, e.g. [server]";
  if (detail.starts_with("cannot redefine existing table"))
    return "this section appears twice in the file; put all its keys under one " + std::string(trim(line)) + " line";
  if (detail.starts_with("cannot redefine existing"))
    return "the key " + k + " is set twice in this section; keep one of the two lines";
  if (what == "table header" && detail.starts_with("expected ']'"))
    return "the section header is not closed: write it as [name]";
  if (what == "array" && detail.starts_with("encountered end-of-file"))
    return "the list is not closed: end it with ']'";
  if (what == "array" && detail.starts_with("expected comma or closing ']'"))
    return "list items are separated by commas, e.g. [\"a\", \"b\"]";
  if (detail.starts_with("expected a comment or whitespace"))
    return "there is more on this line after the value; only a comment (# ...) may follow it";
  if (detail.starts_with("leading zeroes are prohibited")) return "numbers must not start with 0 (write 1, not 01)";
  if (what.ends_with("integer") && detail.starts_with("expected digit"))
    return "numbers are plain digits without units: sizes are in bytes, durations in seconds (e.g. body_limit = "
           "4194304)";
  if (detail.starts_with("expected keys, tables, whitespace or comments"))
    return "each line must be a [section], a key = value pair, or a # comment";
  return {};
}

}  // namespace

std::string explain_toml_syntax_error(std::string_view description, std::string_view line) {
  constexpr auto kLead = "Error while parsing "sv;
  if (description.starts_with("Encountered invalid utf-8"))
    return "the file is not UTF-8 text; TOML files must be saved as UTF-8 (TOML syntax error: invalid UTF-8)";
  auto colon = description.find(": ");
  if (!description.starts_with(kLead) || colon == std::string_view::npos) return std::string(description);
  auto what = description.substr(kLead.size(), colon - kLead.size());
  auto detail = description.substr(colon + 2);
  std::string explained = plain(what, detail, line);
  if (explained.empty()) return std::string(detail) + " (TOML syntax error in the " + std::string(what) + ")";
  return explained + " (TOML syntax error in the " + std::string(what) + ": " + std::string(detail) + ")";
}

}  // namespace gatehouse::config
