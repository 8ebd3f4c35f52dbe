#pragma once
// The sign-in page of /authorize (web/login.html): the local password form,
// and "Continue with …" above it when an upstream provider signs people in
// too ([login] method "both").
#include "net/http.hpp"
#include "oauth/ui/flow_page.hpp"

#include <cstdint>
#include <string>

namespace gatehouse::oauth::ui {

struct LoginPage {
  FlowPage flow;
  // A metadata-document client's name is its own claim: the page says whose
  // domain vouches for it (AZ6). Empty for registered clients.
  std::string verified_host;
  std::string upstream_name;  // the provider's display name; empty: no upstream sign-in
  std::string notice;         // why the last attempt failed; empty: none
  std::string username;       // refilled after a failed attempt
};

net::Reply login_page(const LoginPage& page, net::http::status status = net::http::status::ok);

// "in 30 seconds", "in 1 minute", "in 15 minutes": a wait in words, rounded
// up, for the notices of throttled sign-ins.
std::string wait_text(std::int64_t seconds);

}  // namespace gatehouse::oauth::ui
