#pragma once
// The error pages of /authorize: what a person sees when the request cannot
// go on. Never a redirect (AZ2: the error may come before the redirect URI
// is known good), never cached or framed (web/html_response.hpp).
#include "net/http.hpp"
#include "store/store_error.hpp"

#include <string_view>

namespace gatehouse::oauth::ui {

// web/error.html: a heading, a sentence for the person, and an optional
// detail (an error code, the value that was refused) for the developer.
net::Reply error_page(net::http::status status, std::string_view heading, std::string_view message,
                      std::string_view detail = {});

// DESIGN "Errors": a store that fails (disk full, a database locked past its
// busy timeout, a damaged file) is the server's failure. The person gets a
// 503 page saying so, with Retry-After, never a connection closed on them;
// the cause goes to the log only, under `where`.
net::Reply store_failure_page(const store::StoreError& error, std::string_view where);

}  // namespace gatehouse::oauth::ui
