#include "oauth/token/access_token.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/jwt.hpp"
#include "crypto/random.hpp"
#include "oauth/resource/resource_uri.hpp"
#include "oauth/scope.hpp"

namespace gatehouse::oauth {

namespace json = boost::json;

namespace {
// Cached tokens (each entry holds the token, ~0.5 KiB): bounds memory.
constexpr std::size_t kCacheLimit = 20'000;
// Clock skew tolerated on iat/nbf for tokens of other instances.
constexpr std::int64_t kLeeway = 60;

}  // namespace

bool RevokedGrants::contains(const std::string& grant_id) const {
  std::shared_lock lock(mutex_);
  return ids_.contains(grant_id);
}

std::optional<std::string> RevokedGrants::refusal(const std::string& grant_id) const {
  std::shared_lock lock(mutex_);
  auto it = ids_.find(grant_id);
  if (it == ids_.end()) return std::nullopt;
  if (it->second.empty()) return std::string("the access token was revoked");
  return it->second;
}

void RevokedGrants::replace(std::unordered_set<std::string> ids) {
  std::lock_guard lock(mutex_);
  std::unordered_map<std::string, std::string> next;
  for (auto& id : ids) {
    auto it = ids_.find(id);
    std::string reason = it == ids_.end() ? std::string() : std::move(it->second);
    next.emplace(id, std::move(reason));
  }
  ids_ = std::move(next);
}

void RevokedGrants::add(const std::string& grant_id, std::string reason) {
  std::lock_guard lock(mutex_);
  auto& stored = ids_[grant_id];
  if (!reason.empty()) stored = std::move(reason);
}

AccessTokens::AccessTokens(const Settings& settings, const SigningKeys& keys, const RevokedGrants& revoked,
                           const time::Clock& clock, crypto::Random& random)
    : settings_(settings), keys_(keys), revoked_(revoked), clock_(clock), random_(random) {}

std::optional<IssuedAccessToken> AccessTokens::issue(const AccessTokenRequest& r) const {
  auto set = keys_.snapshot();
  const auto* active = set->active();
  if (!active) return std::nullopt;
  auto now = clock_.unix_seconds();
  auto lifetime = settings_.access_token_lifetime.count();
  json::object claims{{"iss", settings_.issuer},
                      {"sub", r.subject},
                      {"aud", r.resource.empty() ? settings_.resource : r.resource},
                      {"client_id", r.client_id},
                      {"scope", join_scope(r.scopes)},
                      {"iat", now},
                      {"exp", now + lifetime},
                      {"jti", random_.token(16)},
                      {"gid", r.grant_id}};
  return IssuedAccessToken{crypto::sign_jwt(claims, active->key, active->kid), lifetime};
}

std::variant<Principal, Error> AccessTokens::verify(std::string_view token) const {
  auto now = clock_.unix_seconds();
  {
    std::shared_lock lock(cache_mutex_);
    if (auto it = cache_.find(token); it != cache_.end() && it->second.expires_at > now) {
      if (!revoked_.contains(it->second.principal.grant_id)) return it->second.principal;
      return Error::invalid_token(*revoked_.refusal(it->second.principal.grant_id));
    }
  }
  std::int64_t expires_at = 0;
  auto result = verify_uncached(token, expires_at);
  if (auto* principal = std::get_if<Principal>(&result)) {
    std::unique_lock lock(cache_mutex_);
    if (cache_.size() >= kCacheLimit) {
      // Drop what has expired; if nothing has, start over (bounded memory).
      std::erase_if(cache_, [&](const auto& kv) { return kv.second.expires_at <= now; });
      if (cache_.size() >= kCacheLimit) cache_.clear();
    }
    cache_.insert_or_assign(std::string(token), Cached{*principal, expires_at});
  }
  return result;
}

std::variant<Principal, Error> AccessTokens::verify_uncached(std::string_view token, std::int64_t& expires_at) const {
  auto set = keys_.snapshot();
  auto verified = crypto::verify_jwt(token, [&](std::string_view kid) { return set->find(kid); });
  if (auto* error = std::get_if<crypto::JwtError>(&verified))
    return Error::invalid_token("the access token is not valid").with_debug(std::string(crypto::to_string(*error)));
  const auto& claims = std::get<crypto::VerifiedJwt>(verified).claims;
  // RFC 9068 §4: an access token says so in its typ; another JWT signed with
  // the same key (there is none today) must not pass for one.
  if (!crypto::typ_matches(std::get<crypto::VerifiedJwt>(verified).header, "at+jwt"))
    return Error::invalid_token("the token is not an access token");

  auto now = clock_.unix_seconds();
  auto claim = [&](std::string_view name) -> std::string {
    auto* v = claims.if_contains(name);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  // RFC 9068 §4: iss, aud, exp are checked; the token is ours and for us.
  if (claim("iss") != settings_.issuer) return Error::invalid_token("the access token was issued by another server");
  if (!same_resource(claim("aud"), settings_.resource))
    return Error::invalid_token("the access token is meant for another resource");
  auto exp = crypto::int_claim(claims, "exp");
  if (!exp || *exp <= now) return Error::invalid_token("the access token has expired");
  if (auto nbf = crypto::int_claim(claims, "nbf"); nbf && *nbf > now + kLeeway)
    return Error::invalid_token("the access token is not valid yet");
  Principal p{claim("sub"), claim("client_id"), parse_scope(claim("scope")), claim("gid")};
  if (p.subject.empty()) return Error::invalid_token("the access token names no subject");
  if (!p.grant_id.empty())
    if (auto refused = revoked_.refusal(p.grant_id)) return Error::invalid_token(*refused);
  expires_at = *exp;
  return p;
}

std::size_t AccessTokens::cache_size() const {
  std::shared_lock lock(cache_mutex_);
  return cache_.size();
}

}  // namespace gatehouse::oauth
