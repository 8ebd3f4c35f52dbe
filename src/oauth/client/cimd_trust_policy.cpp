#include "oauth/client/cimd_trust_policy.hpp"

#include "net/text.hpp"

#include <algorithm>

namespace gatehouse::oauth {

bool host_pattern_matches(std::string_view pattern, std::string_view host) {
  auto p = net::lower(pattern);
  auto h = net::lower(host);
  while (h.ends_with('.')) h.pop_back();  // "claude.ai." is claude.ai
  if (p.starts_with("*.")) {
    std::string_view suffix = std::string_view(p).substr(1);  // ".example.com"
    return h.size() > suffix.size() && h.ends_with(suffix);
  }
  return p == h;
}

std::optional<std::string> CimdTrustPolicy::refusal(std::string_view host) const {
  for (const auto& p : denied_hosts)
    if (host_pattern_matches(p, host)) return "the host " + std::string(host) + " is on this server's denylist";
  if (!allowed_hosts.empty() &&
      std::none_of(allowed_hosts.begin(), allowed_hosts.end(), [&](const auto& p) { return host_pattern_matches(p, host); }))
    return "the host " + std::string(host) + " is not on this server's allowlist of client hosts";
  return std::nullopt;
}

}  // namespace gatehouse::oauth
