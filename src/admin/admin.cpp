#include "admin/admin.hpp"

#include "crypto/password_hash.hpp"
#include "crypto/random.hpp"
#include "oauth/authorization_server.hpp"
#include "oauth/client/redirect_uri.hpp"
#include "oauth/context.hpp"
#include "time/clock.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace gatehouse::admin {

namespace {

// Administration runs once from the command line: the real clock.
std::int64_t now() { return time::system_clock().unix_seconds(); }

store::User user_named(store::Stores& stores, const std::string& name) {
  auto user = stores.users->find_by_name(name);
  if (!user) throw AdminError("there is no user named \"" + name + "\" (see: gatehouse users list)");
  return *user;
}

void check_password(const std::string& password) {
  if (password.size() < 8) throw AdminError("the password must have at least 8 characters");
  // M1: the sign-in page refuses longer ones, so such a password could never be used.
  if (password.size() > store::kMaxPasswordBytes)
    throw AdminError("the password must have at most " + std::to_string(store::kMaxPasswordBytes) + " bytes");
}

// Revocation as the server does it, minus the in-memory set of a process
// that is not this one: the store's revocation list reaches it.
void revoke(store::Stores& stores, const std::string& grant_id) {
  auto t = now();
  stores.grants->revoke_grant(grant_id, t);
  // Access tokens live at most a day under any configuration we allow.
  stores.revocations->revoke(grant_id, store::RevocationKind::grant, t + 24 * 3600, t);
}

}  // namespace

const std::vector<std::string>& claude_redirect_uris() {
  static const std::vector<std::string> kUris = {"https://claude.ai/api/mcp/auth_callback",
                                                 "https://claude.com/api/mcp/auth_callback"};
  return kUris;
}

void add_user(store::Stores& stores, const std::string& name, const std::string& password) {
  // M1: the sign-in page refuses longer names before looking them up.
  const bool control = std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
  if (name.empty() || name.size() > store::kMaxUserNameBytes || name.find(' ') != std::string::npos || control)
    throw AdminError("a user name is 1 to " + std::to_string(store::kMaxUserNameBytes) +
                     " bytes without spaces or control characters");
  check_password(password);
  if (stores.users->find_by_name(name)) throw AdminError("a user named \"" + name + "\" exists already");
  store::User user{"usr_" + crypto::random_token(12), name, crypto::hash_password(password), now(), false};
  if (!stores.users->add(user)) throw AdminError("the user could not be added");
}

void set_password(store::Stores& stores, const std::string& name, const std::string& password) {
  check_password(password);
  auto user = user_named(stores, name);
  stores.users->set_password_hash(user.id, crypto::hash_password(password));
}

void remove_user(store::Stores& stores, const std::string& name) {
  auto user = user_named(stores, name);
  for (const auto& grant : stores.grants->list_grants(user.id, std::nullopt))
    if (grant.revoked_at == 0) revoke(stores, grant.id);
  stores.users->remove(user.id);
}

std::vector<store::User> list_users(store::Stores& stores) { return stores.users->list(); }

NewClient add_client(store::Stores& stores, const std::string& name, const std::vector<std::string>& redirect_uris,
                     bool confidential) {
  if (redirect_uris.empty()) throw AdminError("give at least one --redirect-uri (or --claude for Claude's callbacks)");
  for (const auto& uri : redirect_uris)
    if (auto problem = oauth::redirect_uri_problem(uri); !problem.empty())
      throw AdminError("redirect URI " + uri + " " + problem);
  store::Client client;
  client.client_id = "gtc_" + crypto::random_token(16);
  client.client_name = name;
  client.redirect_uris = redirect_uris;
  client.grant_types = {"authorization_code", "refresh_token"};
  client.response_types = {"code"};
  client.kind = store::ClientKind::preregistered;
  client.created_at = now();
  NewClient out{client.client_id, {}};
  if (confidential) {
    out.client_secret = "gts_" + crypto::random_token(32);
    client.secret_hash = oauth::token_hash(out.client_secret);
    client.token_endpoint_auth_method = "client_secret_basic";
  } else {
    client.token_endpoint_auth_method = "none";
  }
  boost::json::array uris;
  for (const auto& u : redirect_uris) uris.emplace_back(u);
  client.metadata_json = boost::json::serialize(boost::json::object{
      {"client_name", name}, {"redirect_uris", uris}, {"token_endpoint_auth_method", client.token_endpoint_auth_method}});
  if (!stores.clients->add(client)) throw AdminError("the client could not be added");
  return out;
}

NewClient add_api_key(store::Stores& stores, const std::string& name) {
  store::Client client;
  client.client_id = "gtc_" + crypto::random_token(12);
  client.client_name = name;
  client.kind = store::ClientKind::api_key;
  client.token_endpoint_auth_method = "none";
  client.created_at = now();
  NewClient out{client.client_id, "gtk_" + crypto::random_token(32)};
  // The key is found by its hash (the fingerprint), never stored itself.
  client.fingerprint = oauth::token_hash(out.client_secret);
  client.metadata_json = boost::json::serialize(boost::json::object{{"client_name", name}});
  if (!stores.clients->add(client)) throw AdminError("the API key could not be added");
  return out;
}

void remove_client(store::Stores& stores, const std::string& client_id) {
  if (!stores.clients->find(client_id)) throw AdminError("there is no client " + client_id + " (see: gatehouse clients list)");
  for (const auto& grant : stores.grants->list_grants(std::nullopt, client_id))
    if (grant.revoked_at == 0) revoke(stores, grant.id);
  stores.clients->remove(client_id);
}

std::vector<store::Client> list_clients(store::Stores& stores) { return stores.clients->list(); }

std::vector<GrantListing> list_grants(store::Stores& stores, const std::optional<std::string>& user_name,
                                      const std::optional<std::string>& client_id) {
  std::optional<std::string> user_id;
  if (user_name) user_id = user_named(stores, *user_name).id;
  std::vector<GrantListing> out;
  for (auto& grant : stores.grants->list_grants(user_id, client_id)) {
    GrantListing listing{std::move(grant), "(removed user)", {}, std::nullopt};
    listing.vault = stores.upstream_tokens->find(listing.grant.id);
    if (auto user = stores.users->find(listing.grant.user_id)) listing.user_name = user->name;
    // A metadata-document client has no record: its id (a URL) names it.
    listing.client_name = listing.grant.client_id;
    if (auto client = stores.clients->find(listing.grant.client_id); client && !client->client_name.empty())
      listing.client_name = client->client_name;
    out.push_back(std::move(listing));
  }
  return out;
}

void revoke_grant(store::Stores& stores, const std::string& grant_id) {
  auto grant = stores.grants->find_grant(grant_id);
  if (!grant) throw AdminError("there is no grant " + grant_id + " (see: gatehouse grants list)");
  revoke(stores, grant_id);
}

std::size_t revoke_grants(store::Stores& stores, const std::optional<std::string>& user_name,
                          const std::optional<std::string>& client_id) {
  if (!user_name && !client_id) throw AdminError("name a grant id, --user or --client");
  std::size_t n = 0;
  for (const auto& listing : list_grants(stores, user_name, client_id))
    if (listing.grant.revoked_at == 0) {
      revoke(stores, listing.grant.id);
      ++n;
    }
  return n;
}

std::vector<store::SigningKey> list_keys(store::Stores& stores) { return stores.signing_keys->list(); }

std::string rotate_key(store::Stores& stores) { return oauth::rotate_signing_key(*stores.signing_keys, now()); }

}  // namespace gatehouse::admin
