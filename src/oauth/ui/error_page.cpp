#include "oauth/ui/error_page.hpp"

#include "web/html_response.hpp"
#include "web/template.hpp"

#include <spdlog/spdlog.h>

namespace gatehouse::oauth::ui {

namespace http = boost::beast::http;

net::Reply error_page(http::status status, std::string_view heading, std::string_view message, std::string_view detail) {
  return web::html_page(status, web::render_page("error.html", heading,
                                                 {{"heading", std::string(heading)},
                                                  {"message", std::string(message)},
                                                  {"detail", std::string(detail)}}));
}

net::Reply store_failure_page(const store::StoreError& error, std::string_view where) {
  spdlog::error("{}: the store failed: {}", where, error.what());
  auto reply = error_page(http::status::service_unavailable, "Something went wrong",
                          "The server could not read or save this sign-in. Try again in a moment.");
  reply.response.set(http::field::retry_after, "5");
  return reply;
}

}  // namespace gatehouse::oauth::ui
