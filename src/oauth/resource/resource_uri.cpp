#include "oauth/resource/resource_uri.hpp"
#include "net/text.hpp"

#include "net/url.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace gatehouse::oauth {


std::optional<std::string> canonical_resource(std::string_view uri) {
  auto parsed = net::parse_url(uri);
  if (!parsed || parsed->has_fragment() || !parsed->has_authority() || parsed->host().empty()) return std::nullopt;
  auto scheme = net::lower(parsed->scheme());
  if (scheme != "http" && scheme != "https") return std::nullopt;
  if (parsed->has_userinfo()) return std::nullopt;
  std::string out = scheme + "://" + net::lower(parsed->encoded_host());
  if (parsed->has_port()) {
    auto port = parsed->port();
    bool is_default = (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
    if (!is_default) out += ":" + std::string(port);
  }
  std::string path(parsed->encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  out += path;
  if (parsed->has_query()) {
    out += "?";
    out += parsed->encoded_query();
  }
  return out;
}

bool same_resource(std::string_view a, std::string_view b) {
  auto ca = canonical_resource(a), cb = canonical_resource(b);
  return ca && cb && *ca == *cb;
}

}  // namespace gatehouse::oauth
