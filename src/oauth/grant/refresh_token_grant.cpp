#include "oauth/grant/refresh_token_grant.hpp"

#include "oauth/grant/token_response.hpp"
#include "oauth/resource/resource_uri.hpp"
#include "oauth/scope.hpp"

#include <spdlog/spdlog.h>

namespace gatehouse::oauth {

std::variant<boost::json::object, Error> refresh_access_token(ServerContext& ctx, const AuthenticatedClient& client,
                                                               const net::Form& form) {
  const auto* presented = form.get("refresh_token");
  if (!presented || presented->empty()) return Error::invalid_request("refresh_token is required");
  auto now = ctx.now();
  auto hash = token_hash(*presented);
  auto found = ctx.stores.grants->find_refresh(hash);
  if (!found) return Error::invalid_grant("the refresh token is not valid");
  auto& [grant, token] = *found;
  // RFC 6749 §6: the token is bound to the client it was issued to.
  if (grant.client_id != client.client.client_id) return Error::invalid_grant("the refresh token belongs to another client");
  if (const auto* resource = form.get("resource"); resource && !same_resource(*resource, grant.resource))
    return Error::invalid_target("resource differs from the grant's");
  // RFC 6749 §6: a scope parameter may narrow, never widen. Parsed with
  // the request caps (audit M2) before the token is rotated.
  std::vector<std::string> narrowed;
  if (const auto* scope = form.get("scope")) {
    auto requested = parse_requested_scope(*scope);
    if (auto* problem = std::get_if<std::string>(&requested)) return Error::invalid_scope(*problem);
    narrowed = std::get<std::vector<std::string>>(std::move(requested));
    if (!contains_all(parse_scope(grant.scope), narrowed)) return Error::invalid_scope("the requested scope exceeds the grant");
  }

  auto next = new_refresh_token(ctx, grant);
  auto result = ctx.stores.grants->rotate(hash, next.record, now);
  if (result.status == store::RotateStatus::already_rotated) {
    if (now - result.rotated_at > ctx.settings.refresh_reuse_grace.count()) {
      // A rotated token came back: someone holds a copy. End the grant.
      revoke_grant(ctx, grant.id);
      return Error::invalid_grant("the refresh token was already used; the grant is revoked");
    }
    // Grace: the client may have lost the answer to its refresh. The store
    // rotates the family's current token on its behalf — unless a later
    // token of the family was already used: then the client did get its
    // answer, and this token coming back is reuse (RFC 9700 §4.14.2).
    result = ctx.stores.grants->rotate_retry(hash, next.record, now);
    if (result.status == store::RotateStatus::successor_used) {
      spdlog::warn("refresh token of grant {} presented again after its successor was used: grant revoked", grant.id);
      revoke_grant(ctx, grant.id);
      return Error::invalid_grant("the refresh token was already used; the grant is revoked");
    }
    if (result.status == store::RotateStatus::rotated)
      spdlog::info("refresh token of grant {} presented again within the grace period: rotated the current one", grant.id);
  }
  switch (result.status) {
    case store::RotateStatus::rotated: break;
    case store::RotateStatus::revoked: return Error::invalid_grant("the grant was revoked");
    case store::RotateStatus::expired: return Error::invalid_grant("the refresh token has expired");
    case store::RotateStatus::already_rotated:
    case store::RotateStatus::successor_used:
    case store::RotateStatus::not_found: return Error::invalid_grant("the refresh token is not valid");
  }
  return token_response(ctx, grant, next.value, join_scope(narrowed));
}

}  // namespace gatehouse::oauth
