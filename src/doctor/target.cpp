#include "doctor/target.hpp"

#include "net/text.hpp"
#include "net/url.hpp"

#include <boost/url/url_view.hpp>

namespace gatehouse::doctor {

namespace {

template <class View>
std::string_view view(const View& v) {
  return std::string_view(v.data(), v.size());
}

}  // namespace

std::optional<Target> parse_target(std::string_view text, std::string& error) {
  auto url = net::parse_url(text);
  if (!url) {
    error = "'" + std::string(text) + "' is not an absolute URL (e.g. https://mcp.example.com/mcp)";
    return std::nullopt;
  }
  Target target;
  target.url = std::string(text);
  target.scheme = net::lower(view(url->scheme()));
  if (target.scheme != "https" && target.scheme != "http") {
    error = "the URL must start with https:// (or http:// for a local server)";
    return std::nullopt;
  }
  if (!url->has_authority() || url->encoded_host().empty()) {
    error = "the URL has no host";
    return std::nullopt;
  }
  if (url->has_userinfo()) {
    error = "the URL carries a user name or password; Claude is given the URL alone";
    return std::nullopt;
  }
  if (url->has_fragment()) {
    error = "the URL has a fragment (#...); an MCP URL has none";
    return std::nullopt;
  }
  target.host = net::lower(view(url->encoded_host()));
  if (!target.host.empty() && target.host.front() == '[') target.host = target.host.substr(1, target.host.size() - 2);
  target.port = target.scheme == "https" ? 443 : 80;
  if (auto port = net::url_port(*url)) {
    if (*port == 0) {
      error = "the URL's port is out of range";
      return std::nullopt;
    }
    target.port = static_cast<unsigned short>(*port);
    target.explicit_port = true;
  }
  target.origin = net::origin_of(text);
  target.path = std::string(view(url->encoded_path()));
  if (target.path == "/") target.path.clear();
  return target;
}

std::string prm_path_url(const Target& target) {
  return target.origin + "/.well-known/oauth-protected-resource" + target.path;
}

std::string prm_root_url(const Target& target) { return target.origin + "/.well-known/oauth-protected-resource"; }

std::vector<std::string> as_metadata_urls(std::string_view issuer) {
  std::string origin = net::origin_of(issuer);
  if (origin.empty()) return {};
  std::string path(issuer.substr(origin.size()));
  if (auto query = path.find_first_of("?#"); query != std::string::npos) path.resize(query);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.empty()) {
    return {origin + "/.well-known/oauth-authorization-server", origin + "/.well-known/openid-configuration"};
  }
  return {origin + "/.well-known/oauth-authorization-server" + path,
          origin + "/.well-known/openid-configuration" + path, origin + path + "/.well-known/openid-configuration"};
}

std::string resource_mismatch(const Target& target, std::string_view resource) {
  if (resource == target.url) return "";
  if (resource == target.url + "/") return "a trailing slash more than the URL";
  if (!target.url.empty() && target.url.back() == '/' && resource == target.url.substr(0, target.url.size() - 1))
    return "a trailing slash less than the URL";
  std::string origin = net::origin_of(resource);
  if (origin.empty()) return "not an absolute URL";
  if (!net::iequals(origin, target.origin)) return "another origin (" + origin + ")";
  std::string path(resource.substr(origin.size()));
  if ((path.empty() || path == "/") && !target.path.empty()) return "the bare origin, without the path " + target.path;
  if (net::lower(resource) == net::lower(target.url)) return "the same URL in another letter case";
  return "another path (" + path + ")";
}

}  // namespace gatehouse::doctor
