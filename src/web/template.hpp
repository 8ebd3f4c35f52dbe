#pragma once
// The pages people see (login, consent, errors) are templates under web/,
// compiled into the binary. `{{name}}` inserts a value HTML-escaped;
// `{{{name}}}` inserts it as is (only for fragments the server built itself).
#include <map>
#include <string>
#include <string_view>

namespace gatehouse::web {

// The embedded file `name` (e.g. "login.html"); empty when there is none.
std::string_view asset(std::string_view name);

using Values = std::map<std::string, std::string, std::less<>>;
std::string render(std::string_view text, const Values& values);
// Renders `page` (a web/ file) inside layout.html with a title.
std::string render_page(std::string_view page, std::string_view title, const Values& values);

// & < > " ' escaped (OWASP rule #1).
std::string escape_html(std::string_view text);

}  // namespace gatehouse::web
