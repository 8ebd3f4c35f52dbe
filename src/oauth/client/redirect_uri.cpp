#include "oauth/client/redirect_uri.hpp"

#include "net/url.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>

namespace gatehouse::oauth {

namespace {

bool loopback_host(std::string_view host) {
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

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

}  // namespace

bool is_loopback_redirect(std::string_view uri) {
  auto p = split(uri);
  return p && p->scheme == "http" && loopback_host(p->host);
}

bool redirect_uri_matches(std::string_view registered, std::string_view requested) {
  if (registered == requested) return true;
  // RFC 8252 §7.3: loopback redirects may use any port.
  auto a = split(registered), b = split(requested);
  if (!a || !b) return false;
  if (a->scheme != "http" || b->scheme != "http" || !loopback_host(a->host)) return false;
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
  if (scheme == "http") return loopback_host(u->encoded_host()) ? "" : "must use https unless the host is localhost, 127.0.0.1 or [::1]";
  // Private-use schemes (RFC 8252 §7.1: com.example.app:/callback) are for
  // native apps; Claude never uses them.
  if (scheme.find('.') != std::string::npos) return "";
  return "must use https (or a loopback http address)";
}

}  // namespace gatehouse::oauth
