#include "upstream/allowlist.hpp"

#include "net/text.hpp"

#include <algorithm>

namespace gatehouse::upstream {

namespace {

bool contains_ignoring_case(const std::vector<std::string>& list, std::string_view value) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& item) { return net::iequals(item, value); });
}

}  // namespace

std::optional<std::string> Allowlist::refusal(const Identity& identity) const {
  if (empty()) return std::nullopt;
  if (std::find(subjects.begin(), subjects.end(), identity.subject) != subjects.end()) return std::nullopt;
  if (identity.email_verified && !identity.email.empty()) {
    if (contains_ignoring_case(emails, identity.email)) return std::nullopt;
    const auto at = identity.email.rfind('@');
    if (at != std::string::npos && contains_ignoring_case(email_domains, std::string_view(identity.email).substr(at + 1)))
      return std::nullopt;
  }
  for (const auto& org : identity.organizations)
    if (contains_ignoring_case(organizations, org)) return std::nullopt;
  std::string why = "subject " + identity.subject;
  if (!identity.email.empty()) why += identity.email_verified ? ", email " + identity.email : ", unverified email " + identity.email;
  if (!organizations.empty()) why += ", " + std::to_string(identity.organizations.size()) + " organisations";
  return why + ": no allow rule matches";
}

}  // namespace gatehouse::upstream
