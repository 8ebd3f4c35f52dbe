#include "runtime/home_page.hpp"

#include "net/text.hpp"
#include "web/html_response.hpp"
#include "web/template.hpp"


namespace gatehouse::runtime {

namespace http = boost::beast::http;

bool accepts_html(std::string_view accept) {
  while (!accept.empty()) {
    auto comma = accept.find(',');
    std::string_view range = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    auto semicolon = range.find(';');
    if (net::lower(net::trim_ows(range.substr(0, semicolon))) != "text/html") continue;
    // "text/html;q=0" says "not HTML" (RFC 9110 §12.4.2).
    bool refused = false;
    for (auto params = semicolon == std::string_view::npos ? std::string_view{} : range.substr(semicolon + 1);
         !params.empty();) {
      auto next = params.find(';');
      auto param = net::trim_ows(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        auto value = param.substr(2);
        refused = value.find_first_not_of("0.") == std::string_view::npos;
      }
    }
    if (!refused) return true;
  }
  return false;
}

std::string render_home_page(const HomePage& page) {
  std::string auth;
  std::string auth_detail;
  if (page.auth == "oauth") {
    auth = "OAuth 2.1 sign-in";
    auth_detail = "When a client connects, your browser opens this server's sign-in page; sign in with an account the "
                  "server's operator created for you, then allow the client access.";
  } else if (page.auth == "api-key") {
    auth = "API key";
    auth_detail = "Clients send a key from this server's operator (Authorization: Bearer). Claude cannot connect this "
                  "way; it needs OAuth.";
  } else {
    auth = "None";
    auth_detail = "Anyone who can reach this address can use the tools.";
  }
  // claude.ai and Claude Desktop reach servers from Anthropic's network: only
  // public https URLs work (INTEROP NET1).
  std::string claude_note;
  if (!page.mcp_url.starts_with("https://"))
    claude_note = " <span class=\"muted\">(It reaches only public https addresses; this one is not.)</span>";
  return web::render_page("home.html", page.title,
                          {{"title", page.title},
                           {"name", page.name},
                           {"mcp_url", page.mcp_url},
                           {"auth", auth},
                           {"auth_detail", auth_detail},
                           {"claude_note", claude_note}});
}

void install_home_page(net::Router& router, HomePage page) {
  router.route("/", [html = render_home_page(page)](net::Request& request,
                                                     const net::Peer&) -> boost::asio::awaitable<net::Reply> {
    bool read = request.method() == http::verb::get || request.method() == http::verb::head;
    auto accept = request.find(http::field::accept);
    if (!read || accept == request.end() || !accepts_html(accept->value())) co_return net::Router::not_found("/");
    co_return web::html_page(http::status::ok, html);
  });
  router.route("/assets/gatehouse.css", [](net::Request&, const net::Peer&) -> boost::asio::awaitable<net::Reply> {
    co_return web::stylesheet();
  });
}

}  // namespace gatehouse::runtime
