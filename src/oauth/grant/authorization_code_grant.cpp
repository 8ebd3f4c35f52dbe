#include "oauth/grant/authorization_code_grant.hpp"

#include "oauth/grant/pkce.hpp"
#include "oauth/grant/token_response.hpp"
#include "oauth/resource/resource_uri.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace gatehouse::oauth {

std::variant<boost::json::object, Error> exchange_authorization_code(ServerContext& ctx, const AuthenticatedClient& client,
                                                                      const net::Form& form) {
  const auto* code = form.get("code");
  const auto* verifier = form.get("code_verifier");
  if (!code || code->empty()) return Error::invalid_request("code is required");
  // OAuth 2.1 §4.1.3: PKCE is mandatory, so is the verifier.
  if (!verifier) return Error::invalid_request("code_verifier is required");

  auto now = ctx.now();
  auto hash = token_hash(*code);
  // Every binding of the code is checked (AZ8) — client, redirect, PKCE,
  // resource — before it is consumed (audit L5): a leaked code presented by
  // another client, or without its request's verifier, is refused and stays
  // usable by the client it was issued to, instead of being burned (or, once
  // used, revoking that client's grant). The bindings never change, so
  // checking them first opens no race: consume() below is still the one
  // compare-and-set that makes the code single use.
  auto stored = ctx.stores.codes->find(hash);
  if (!stored) return Error::invalid_grant("the authorization code is not valid");
  const auto& issued = *stored;
  if (issued.client_id != client.client.client_id)
    return Error::invalid_grant("the authorization code was issued to another client");
  if (const auto* redirect = form.get("redirect_uri"); redirect && *redirect != issued.redirect_uri)
    return Error::invalid_grant("redirect_uri differs from the one in the authorization request");
  if (!verify_pkce_s256(*verifier, issued.code_challenge))
    return Error::invalid_grant("the code_verifier does not match the code_challenge");
  if (const auto* resource = form.get("resource"); resource && !same_resource(*resource, issued.resource))
    return Error::invalid_target("resource differs from the one in the authorization request");

  auto consumed = ctx.stores.codes->consume(hash, now);
  switch (consumed.status) {
    case store::ConsumeStatus::not_found: return Error::invalid_grant("the authorization code is not valid");
    case store::ConsumeStatus::expired: return Error::invalid_grant("the authorization code has expired");
    case store::ConsumeStatus::already_used:
      // TK2 / RFC 6749 §4.1.2: a replayed code revokes what it produced.
      revoke_grant(ctx, consumed.grant_id);
      return Error::invalid_grant("the authorization code was already used")
          .with_debug("replay of a code of client " + issued.client_id);
    case store::ConsumeStatus::consumed: break;
  }

  store::Grant grant;
  grant.id = "gr_" + ctx.random.token(16);
  // An upstream sign-in chose the id: its tokens are sealed under it
  // (issue_authorization_code() in authorization_response.cpp, upstream/token_vault.hpp).
  if (!issued.extra_json.empty()) {
    boost::system::error_code ec;
    auto extra = boost::json::parse(issued.extra_json, ec);
    if (!ec && extra.is_object())
      if (const auto* id = extra.as_object().if_contains("grant_id"); id && id->is_string() && !id->get_string().empty())
        grant.id = std::string(id->get_string());
  }
  grant.user_id = issued.user_id;
  grant.client_id = issued.client_id;
  grant.scope = issued.scope;
  grant.resource = issued.resource;
  grant.created_at = now;
  grant.absolute_expires_at = now + ctx.settings.refresh_absolute_lifetime.count();
  auto refresh = new_refresh_token(ctx, grant);
  if (!ctx.stores.grants->create(grant, refresh.record)) return Error::server_error("the grant could not be stored");
  ctx.stores.codes->set_grant(hash, grant.id);
  ctx.stores.clients->touch(grant.client_id, now);
  if (ctx.grant_hooks.created) ctx.grant_hooks.created(grant.id);
  spdlog::info("token issued: grant {} for user {} and client {}", grant.id, grant.user_id, grant.client_id);
  return token_response(ctx, grant, refresh.value);
}

}  // namespace gatehouse::oauth
