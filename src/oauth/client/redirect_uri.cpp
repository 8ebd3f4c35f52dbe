#include "oauth/client/redirect_uri.hpp"

#include "net/loopback.hpp"
#include "net/url.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>

namespace gatehouse::oauth {

namespace {

struct Parts {
  std::string scheme, host, port, rest;
};

std::optional<Parts> split(std::string_view uri) {
  auto u = net::parse_url(uri);
  if (!u || !u->has_authority()) return std::nullopt;
  Parts p;
  p.scheme = u->scheme();
  p.host = u->encoded_host();
  p.port = u->port();
  p.rest = std::string(u->encoded_path());
  if (u->has_query()) p.rest += "?" + std::string(u->encoded_query());
  if (u->has_fragment()) p.rest += "#" + std::string(u->encoded_fragment());
  if (u->has_userinfo()) p.rest += "@userinfo";  // never equal to a userinfo-free URI
  return p;
}

bool is_private_use_scheme(std::string_view scheme) { return scheme.find('.') != std::string_view::npos; }

bool starts_with_scheme(std::string_view uri, std::string_view scheme) {
  auto u = net::parse_url(uri);
  return u && u->scheme() == scheme;
}

bool has_loopback_host(std::string_view uri) {
  auto u = net::parse_url(uri);
  return u && u->has_authority() && net::is_native_loopback_host(u->encoded_host());
}

}  // namespace

bool is_loopback_redirect(std::string_view uri) {
  auto p = split(uri);
  return p && p->scheme == "http" && net::is_native_loopback_host(p->host);
}

namespace {
// RFC 8252 §7.1 and §7.3: what a native app may register.
bool native_redirect(std::string_view uri) {
  if (is_loopback_redirect(uri)) return true;
  auto u = net::parse_url(uri);
  return u && is_private_use_scheme(u->scheme());
}
}  // namespace

bool redirect_uri_matches(std::string_view registered, std::string_view requested) {
  if (registered == requested) return true;
  // RFC 8252 §7.3: loopback redirects may use any port.
  auto a = split(registered), b = split(requested);
  if (!a || !b) return false;
  if (a->scheme != "http" || b->scheme != "http" || !net::is_native_loopback_host(a->host)) return false;
  return a->host == b->host && a->rest == b->rest;
}

bool redirect_uri_allowed(const std::vector<std::string>& registered, std::string_view requested) {
  return std::any_of(registered.begin(), registered.end(),
                     [&](const std::string& r) { return redirect_uri_matches(r, requested); });
}

std::string redirect_uri_problem(std::string_view uri) {
  auto u = net::parse_url(uri);
  if (!u) return "is not an absolute URI";
  if (u->has_fragment()) return "must not have a fragment";
  std::string scheme(u->scheme());
  if (scheme == "https") return u->host().empty() ? "has no host" : "";
  if (scheme == "http") return net::is_native_loopback_host(u->encoded_host()) ? "" : "must use https unless the host is localhost, 127.0.0.1 or [::1]";
  // Private-use schemes (RFC 8252 §7.1: com.example.app:/callback) are for
  // native apps; Claude never uses them. A scheme without a dot (javascript:,
  // data:, file:) is no such scheme.
  if (is_private_use_scheme(scheme)) return "";
  return "must use https (or a loopback http address)";
}

std::string_view to_string(ApplicationType type) { return type == ApplicationType::native ? "native" : "web"; }

std::optional<ApplicationType> parse_application_type(std::string_view text) {
  if (text == "web") return ApplicationType::web;
  if (text == "native") return ApplicationType::native;
  return std::nullopt;
}

ApplicationType default_application_type(const std::vector<std::string>& uris) {
  bool all_native = std::all_of(uris.begin(), uris.end(), [](const std::string& uri) { return native_redirect(uri); });
  return all_native && !uris.empty() ? ApplicationType::native : ApplicationType::web;
}

std::string redirect_uris_problem(const std::vector<std::string>& uris, std::optional<ApplicationType> named) {
  if (uris.empty()) return "redirect_uris must list at least one URI";
  for (const auto& uri : uris) {
    if (auto problem = redirect_uri_problem(uri); !problem.empty()) return "redirect URI " + uri + " " + problem;
    if (!named) continue;
    // OpenID Connect Dynamic Client Registration 1.0 §2: web clients use
    // https and not localhost. Native clients may use everything the general
    // rule above allows: loopback http, a private-use scheme (RFC 8252 §7.1,
    // §7.3) or a claimed https URL (§7.2) — the MCP SDKs name a client native
    // as soon as one of its redirects is loopback, so a mixed list stays valid.
    if (*named == ApplicationType::web && (!starts_with_scheme(uri, "https") || has_loopback_host(uri)))
      return "redirect URI " + uri + " does not fit application_type web: use https on a host that is not loopback";
  }
  return "";
}

}  // namespace gatehouse::oauth
