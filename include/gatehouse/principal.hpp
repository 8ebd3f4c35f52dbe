#pragma once
// Who is calling: filled in by the resource guard from a verified access
// token (or an API key), empty when the server runs without authentication.
#include <algorithm>
#include <string>
#include <vector>

namespace gatehouse {

struct Principal {
  std::string subject;    // the user (`sub` claim); empty when anonymous
  std::string client_id;  // the OAuth client that obtained the token
  std::vector<std::string> scopes;
  std::string grant_id;   // the grant the token came from, for revocation

  bool authenticated() const noexcept { return !subject.empty(); }
  bool has_scope(std::string_view scope) const {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
  }
};

}  // namespace gatehouse
