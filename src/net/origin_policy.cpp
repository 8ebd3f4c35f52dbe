#include "net/origin_policy.hpp"

#include "net/loopback.hpp"
#include "net/text.hpp"

#include "net/url.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace gatehouse::net {

namespace {

// "scheme://host[:port]" lowercased, or empty when `origin` is not one.
std::string normalise_origin(std::string_view origin) {
  auto url = net::parse_url(origin);
  if (!url || !url->has_authority() || url->host().empty()) return {};
  std::string out = lower(url->scheme()) + "://" + lower(url->encoded_host_and_port());
  return out;
}

}  // namespace

OriginPolicy::OriginPolicy(Settings settings) : settings_(std::move(settings)) {
  settings_.public_origin = normalise_origin(settings_.public_origin);
  for (auto& o : settings_.extra_origins) o = normalise_origin(o);
  for (auto& h : settings_.extra_hosts) h = host_name(h);
  if (!settings_.public_origin.empty())
    if (auto url = net::parse_url(settings_.public_origin)) public_host_ = lower(url->encoded_host());
}

std::string OriginPolicy::host_name(std::string_view host_header) {
  std::string_view h = host_header;
  if (!h.empty() && h.front() == '[') {
    auto close = h.find(']');
    if (close == std::string_view::npos) return lower(h);
    return lower(h.substr(0, close + 1));
  }
  if (auto colon = h.rfind(':'); colon != std::string_view::npos && h.find(':') == colon) h = h.substr(0, colon);
  return lower(h);
}

bool OriginPolicy::origin_allowed(std::string_view origin) const {
  if (origin.empty()) return true;
  auto normal = normalise_origin(origin);
  if (normal.empty()) return false;  // "null" and other opaque origins
  if (normal == settings_.public_origin) return true;
  if (std::find(settings_.extra_origins.begin(), settings_.extra_origins.end(), normal) != settings_.extra_origins.end())
    return true;
  // Local tools (the Inspector, a browser on this machine) may call a local
  // server; pages served from anywhere else may not.
  auto url = net::parse_url(normal);
  return url && is_loopback_host(url->encoded_host()) && (url->scheme() == "http" || url->scheme() == "https");
}

bool OriginPolicy::host_allowed(std::string_view host) const {
  auto name = host_name(host);
  if (!public_host_.empty() && name == public_host_) return true;
  if (std::find(settings_.extra_hosts.begin(), settings_.extra_hosts.end(), name) != settings_.extra_hosts.end())
    return true;
  // Only a loopback listener checks Host: that is where DNS rebinding bites.
  if (!settings_.loopback_bind) return true;
  return is_loopback_host(name);
}

}  // namespace gatehouse::net
