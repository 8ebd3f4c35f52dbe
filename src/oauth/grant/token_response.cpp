#include "oauth/grant/token_response.hpp"

#include "oauth/scope.hpp"

namespace gatehouse::oauth {

NewRefreshToken new_refresh_token(const ServerContext& ctx, const store::Grant& grant) {
  auto now = ctx.now();
  // 32 random bytes; the prefix makes leaked tokens easy to recognise in scanners.
  std::string value = "gtr_" + ctx.random.token(32);
  store::RefreshToken record;
  record.token_hash = token_hash(value);
  record.grant_id = grant.id;
  record.created_at = now;
  record.expires_at = std::min<std::int64_t>(now + ctx.settings.refresh_idle_lifetime.count(), grant.absolute_expires_at);
  return {std::move(value), std::move(record)};
}

std::variant<boost::json::object, Error> token_response(const ServerContext& ctx, const store::Grant& grant,
                                                         const std::string& refresh_token, const std::string& scope) {
  const std::string& granted = scope.empty() ? grant.scope : scope;
  auto scopes = parse_scope(granted);
  auto issued = ctx.tokens.issue({grant.user_id, grant.client_id, scopes, grant.id, grant.resource});
  if (!issued) return Error::server_error("no signing key is available");
  return boost::json::object{{"access_token", issued->token},
                             {"token_type", "Bearer"},
                             {"expires_in", issued->expires_in},
                             {"refresh_token", refresh_token},
                             {"scope", join_scope(scopes)}};
}

}  // namespace gatehouse::oauth
