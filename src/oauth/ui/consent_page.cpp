#include "oauth/ui/consent_page.hpp"

#include "net/url.hpp"
#include "oauth/client/redirect_uri.hpp"
#include "oauth/scope.hpp"
#include "web/html_response.hpp"
#include "web/template.hpp"

namespace gatehouse::oauth::ui {

namespace {

// How the application came to be known, in words.
std::string client_kind_text(const ConsentPage& page) {
  if (page.client_kind == "cimd") return "identified by " + page.verified_host;
  if (page.client_kind == "dynamic") return "registered itself";
  return "registered by the operator";
}

std::string host_of(std::string_view uri) {
  auto u = net::parse_url(uri);
  return u ? std::string(u->encoded_host_and_port()) : std::string(uri);
}

}  // namespace

net::Reply consent_page(const ConsentPage& page) {
  web::List scopes;
  for (auto& s : parse_scope(page.scope)) scopes.push_back({{"scope", std::move(s)}});
  // AZ6: a CIMD client is shown by the domain that published its document,
  // prominently: its name is whatever the document says. The page also says
  // so when the code can only go to this computer; when every redirect URI
  // the client has is loopback, anyone's program on this computer could be
  // behind it, and it says that more firmly.
  auto html = web::render_page("consent.html", "Allow access",
                               {{"client_id", page.client_id},
                                {"client_name", page.flow.client_name},
                                {"client_kind", client_kind_text(page)},
                                {"verified_host", page.verified_host},
                                {"username", page.username},
                                {"redirect_host", host_of(page.flow.redirect_uri)},
                                {"loopback_only", web::flag(page.loopback_only)},
                                {"loopback", web::flag(is_loopback_redirect(page.flow.redirect_uri))},
                                {"resource", page.resource},
                                {"request", page.flow.form.request},
                                {"csrf_token", page.flow.form.csrf_token}},
                               {{"scopes", std::move(scopes)}});
  return web::html_page(net::http::status::ok, std::move(html), net::origin_of(page.flow.redirect_uri));
}

}  // namespace gatehouse::oauth::ui
