#pragma once
// A TOML syntax error in words an operator can act on. toml++ describes what
// its parser expected ("Error while parsing value: could not determine value
// type"); most of these come from a few mistakes (an unquoted string, a ':'
// for '=', a key set twice), and the line itself tells which one.
#include <string>
#include <string_view>

namespace gatehouse::config {

// `description` is toml++'s text, `line` the text of the line it points at
// (without its newline). Returns the plain explanation first and the
// parser's own words in parentheses, e.g.
//   the value oauth is not quoted: strings go in double quotes, e.g. auth = "oauth"
//   (TOML syntax error in the value: could not determine value type)
std::string explain_toml_syntax_error(std::string_view description, std::string_view line);

}  // namespace gatehouse::config
