#pragma once
// Who may sign in through the upstream provider ([login] allow_*): anyone
// matching one rule. Emails count only when the provider says they are
// verified (an unverified address proves nothing about its owner). Empty
// lists allow everyone the provider signs in — the configuration refuses
// that for public providers (GitHub, Google) unless said explicitly.
#include "upstream/identity.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::upstream {

struct Allowlist {
  std::vector<std::string> subjects;       // the provider's user ids (OIDC sub, GitHub's numeric id)
  std::vector<std::string> emails;         // compared ignoring ASCII case
  std::vector<std::string> email_domains;  // "example.com": the part after the last @, exactly
  std::vector<std::string> organizations;  // GitHub organisation logins, ignoring case

  bool empty() const { return subjects.empty() && emails.empty() && email_domains.empty() && organizations.empty(); }
  // Why `identity` may not sign in (for the log), or nullopt when it may.
  std::optional<std::string> refusal(const Identity& identity) const;
};

}  // namespace gatehouse::upstream
