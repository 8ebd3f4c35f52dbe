#pragma once
// The HTTP response around a page people see (sign-in, consent, errors, the
// home page): HTML, never framed (AZ6), never cached, a strict
// Content-Security-Policy that admits only this server's stylesheet.
#include "net/http.hpp"

#include <string>
#include <string_view>

namespace gatehouse::web {

// `form_action_origin`, when given, is admitted by form-action besides
// 'self': browsers apply form-action to the redirect that follows a form
// submission (the consent page's approval redirects to the client).
net::Reply html_page(net::http::status status, std::string html, std::string_view form_action_origin = {});

// web/gatehouse.css, the stylesheet every page links (/assets/gatehouse.css).
net::Reply stylesheet();

}  // namespace gatehouse::web
