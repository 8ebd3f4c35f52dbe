#pragma once
// Reading WWW-Authenticate (RFC 9110 §11.6.1): one or more challenges, each
// an auth-scheme followed by a token68 or by comma-separated auth-params
// whose values are tokens or quoted-strings. What a client reads from a
// protected resource's 401 (RFC 6750 §3, RFC 9728 §5.1).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::net {

struct AuthChallenge {
  std::string scheme;  // as sent ("Bearer")
  std::string token68;
  std::vector<std::pair<std::string, std::string>> params;  // names lower case, values unquoted

  // The value of parameter `name` (lower case), or nullopt.
  std::optional<std::string> param(std::string_view name) const;
};

// Every challenge in `value`; parsing stops at the first malformed part, and
// what was read before it is returned (`complete` says whether it stopped).
struct AuthChallenges {
  std::vector<AuthChallenge> challenges;
  bool complete = true;

  // The first challenge whose scheme is `scheme` (case-insensitive).
  const AuthChallenge* find(std::string_view scheme) const;
};
AuthChallenges parse_www_authenticate(std::string_view value);

}  // namespace gatehouse::net
