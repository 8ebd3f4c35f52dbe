#pragma once
// Operator commands behind `gatehouse users|clients|grants|keys`. They work
// on the store directly, so they run before or while the server runs; a
// running server sees their effect within seconds (revocations, keys).
#include "store/stores.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatehouse::admin {

// A command that cannot be carried out, worded for the operator.
class AdminError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// users. Names are 1 to store::kMaxUserNameBytes bytes without spaces or
// control characters; passwords 8 to store::kMaxPasswordBytes bytes.
void add_user(store::Stores& stores, const std::string& name, const std::string& password);
// Also ends the user's sign-in sessions: they are bound to the password
// they were made with (AuthorizeEndpoint).
void set_password(store::Stores& stores, const std::string& name, const std::string& password);
// Removes the user and revokes every grant they hold.
void remove_user(store::Stores& stores, const std::string& name);
std::vector<store::User> list_users(store::Stores& stores);

// clients (pre-registered; `oauth_anthropic_creds` hands these to Anthropic)
struct NewClient {
  std::string client_id;
  std::string client_secret;  // empty for a public client; shown once, stored hashed
};
NewClient add_client(store::Stores& stores, const std::string& name, const std::vector<std::string>& redirect_uris,
                     bool confidential);
// An API key for `--auth api-key` (not usable by Claude): returned once.
NewClient add_api_key(store::Stores& stores, const std::string& name);
void remove_client(store::Stores& stores, const std::string& client_id);
std::vector<store::Client> list_clients(store::Stores& stores);

// grants, with the names of their user and client for people to read
struct GrantListing {
  store::Grant grant;
  std::string user_name;    // "(removed user)" when the user is gone
  std::string client_name;  // the client's name; a metadata-document client is its URL
  // The grant's upstream tokens / connect-form values, as the vault shows
  // them to operators (expiry, refresh token, state; never a token).
  std::optional<store::UpstreamTokenRecord> vault;
};
std::vector<GrantListing> list_grants(store::Stores& stores, const std::optional<std::string>& user_name,
                                      const std::optional<std::string>& client_id);
void revoke_grant(store::Stores& stores, const std::string& grant_id);
// Revokes every live grant of a user and/or client; returns how many.
std::size_t revoke_grants(store::Stores& stores, const std::optional<std::string>& user_name,
                          const std::optional<std::string>& client_id);

// signing keys
std::vector<store::SigningKey> list_keys(store::Stores& stores);
std::string rotate_key(store::Stores& stores);

// The redirect URIs Claude uses (claude.ai and claude.com callbacks).
const std::vector<std::string>& claude_redirect_uris();

}  // namespace gatehouse::admin
