#include "oauth/grant/authorization_response.hpp"

#include "crypto/random.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace gatehouse::oauth {

namespace http = boost::beast::http;

std::optional<std::string> issue_authorization_code(ServerContext& ctx, const CodeBinding& binding) {
  const auto now = ctx.now();
  std::string code = "gta_" + crypto::random_token(32);
  store::AuthorizationCode record;
  record.code_hash = token_hash(code);
  record.client_id = binding.client_id;
  record.redirect_uri = binding.redirect_uri;
  record.code_challenge = binding.code_challenge;
  record.code_challenge_method = "S256";
  record.resource = binding.resource;
  record.scope = binding.scope;
  record.user_id = binding.user_id;
  // Read back by exchange_authorization_code() (authorization_code_grant.cpp).
  if (!binding.grant_id.empty())
    record.extra_json = boost::json::serialize(boost::json::object{{"grant_id", binding.grant_id}});
  record.created_at = now;
  record.expires_at = now + ctx.settings.code_lifetime.count();
  if (!ctx.stores.codes->add(record)) return std::nullopt;
  spdlog::info("authorization code issued to client {} for user {}", binding.client_id, binding.user_id);
  return code;
}

net::Reply authorization_response(std::string_view redirect_uri, net::FormFields params, std::string_view state,
                                  std::string_view issuer) {
  if (!state.empty()) params.emplace_back("state", std::string(state));
  params.emplace_back("iss", std::string(issuer));
  net::Response r{http::status::found, 11};
  r.set(http::field::location, net::with_query(std::string(redirect_uri), params));
  r.set(http::field::cache_control, "no-store");
  r.prepare_payload();
  return net::reply(std::move(r));
}

}  // namespace gatehouse::oauth
