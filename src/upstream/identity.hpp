#pragma once
// Who signed in at the upstream provider, as Gatehouse keeps it: from the
// ID token (OpenID Connect) and the userinfo answer.
#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace gatehouse::upstream {

struct Identity {
  std::string subject;   // stable id at the provider (OIDC `sub`, GitHub's numeric id)
  std::string username;  // shown to people: preferred_username, GitHub login, or the email
  std::string name;      // display name, when the provider gives one
  std::string email;
  bool email_verified = false;  // only a verified email counts for allowlists
  std::vector<std::string> organizations;  // GitHub organisations, when asked for
  boost::json::object claims;              // ID token claims, then userinfo's
};

}  // namespace gatehouse::upstream
