#pragma once
// Which hosts may publish Client ID Metadata Documents this server accepts
// (the operator's trust policy). By default every public host may; an
// allowlist narrows that to known clients (e.g. only claude.ai), a denylist
// shuts out known-bad ones. The denylist wins.
//
// Entries are host names compared without case: "claude.ai" matches that
// host only; "*.example.com" matches every subdomain of example.com (not
// example.com itself). The configuration loader checks their spelling.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::oauth {

bool host_pattern_matches(std::string_view pattern, std::string_view host);

struct CimdTrustPolicy {
  std::vector<std::string> allowed_hosts;  // empty: any host
  std::vector<std::string> denied_hosts;

  // nullopt when documents from `host` may be used, else the reason.
  std::optional<std::string> refusal(std::string_view host) const;
};

}  // namespace gatehouse::oauth
