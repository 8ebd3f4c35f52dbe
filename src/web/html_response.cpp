#include "web/html_response.hpp"

#include "web/template.hpp"

namespace gatehouse::web {

net::Reply html_page(net::http::status status, std::string html, std::string_view form_action_origin) {
  net::Response r{status, 11};
  r.set(net::http::field::content_type, "text/html; charset=utf-8");
  r.set(net::http::field::cache_control, "no-store");
  r.set("X-Frame-Options", "DENY");
  r.set("X-Content-Type-Options", "nosniff");
  r.set("Referrer-Policy", "no-referrer");
  std::string csp =
      "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; "
      "form-action 'self'";
  if (!form_action_origin.empty()) csp += " " + std::string(form_action_origin);
  r.set("Content-Security-Policy", csp);
  r.body() = std::move(html);
  r.prepare_payload();
  return net::reply(std::move(r));
}

net::Reply stylesheet() {
  net::Response r{net::http::status::ok, 11};
  r.set(net::http::field::content_type, "text/css; charset=utf-8");
  r.set(net::http::field::cache_control, "public, max-age=3600");
  r.body() = std::string(asset("gatehouse.css"));
  r.prepare_payload();
  return net::reply(std::move(r));
}

}  // namespace gatehouse::web
