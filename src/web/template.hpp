#pragma once
// The pages people see (sign-in, consent, errors, the home page) are
// templates under web/, compiled into the binary, in a small part of
// Mustache's syntax:
//
//   {{name}}              the value, HTML-escaped (escape_html below)
//   {{{name}}}            the value as is: only for HTML the server built
//                         itself (the layout's page body)
//   {{#name}}…{{/name}}   the body when `name` is a non-empty value; for a
//                         list, once per item, where the item's values come
//                         before the page's
//   {{^name}}…{{/name}}   the body when `name` is empty or absent (or an
//                         empty list)
//
// Sections nest. A section tag alone on its line takes the line with it, as
// in Mustache, so a template can give its sections lines of their own. A page therefore gets plain text and decides nothing about
// markup; the template says what a notice or a list item looks like.
// A tag left open, a section closed under another name, or one never closed
// is a mistake in the template, not in the request: render() throws
// std::logic_error, and template_test.cpp renders every web/ file so such a
// template fails the build's tests instead of a person's sign-in.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::web {

// The embedded file `name` (e.g. "login.html"); empty when there is none.
std::string_view asset(std::string_view name);
// The names of every embedded file.
std::vector<std::string_view> asset_names();

// A name is either a value or a list, never both.
using Values = std::map<std::string, std::string, std::less<>>;
using List = std::vector<Values>;
using Lists = std::map<std::string, List, std::less<>>;

// A value for a section that only shows or hides its body.
inline std::string flag(bool on) { return on ? "1" : ""; }

std::string render(std::string_view text, const Values& values, const Lists& lists = {});
// Renders `page` (a web/ file) inside layout.html with a title.
std::string render_page(std::string_view page, std::string_view title, const Values& values, const Lists& lists = {});

// & < > " ' escaped (OWASP rule #1): safe in element content and in quoted
// attribute values.
std::string escape_html(std::string_view text);

}  // namespace gatehouse::web
