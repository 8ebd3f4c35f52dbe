#include "oauth/ui/login_page.hpp"

#include "net/url.hpp"
#include "web/html_response.hpp"
#include "web/template.hpp"

namespace gatehouse::oauth::ui {

net::Reply login_page(const LoginPage& page, net::http::status status) {
  auto html = web::render_page("login.html", "Sign in",
                               {{"client_name", page.flow.client_name},
                                {"client_domain", page.verified_host},
                                {"upstream", page.upstream_name},
                                {"notice", page.notice},
                                {"username", page.username},
                                {"request", page.flow.form.request},
                                {"csrf_token", page.flow.form.csrf_token}});
  return web::html_page(status, std::move(html), net::origin_of(page.flow.redirect_uri));
}

std::string wait_text(std::int64_t seconds) {
  if (seconds < 1) seconds = 1;
  if (seconds < 60) return "in " + std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
  const std::int64_t minutes = (seconds + 59) / 60;
  return "in " + std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
}

}  // namespace gatehouse::oauth::ui
