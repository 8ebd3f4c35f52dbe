#include "upstream/token_vault.hpp"

#include "store/store_error.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace gatehouse::upstream {

namespace json = boost::json;
namespace asio = boost::asio;

namespace {

// The cache holds only successes; a failure travels as its text, with its
// kind in the first two characters.
constexpr std::string_view kNone = "N|", kReauthorize = "R|", kUnavailable = "U|";

// Claims kept with the tokens are bounded: a provider's userinfo answer
// may be large, and the record is rewritten at every refresh.
constexpr std::size_t kMaxClaimsBytes = 16 * 1024;

json::object identity_json(const Identity& identity) {
  json::array orgs;
  for (const auto& o : identity.organizations) orgs.emplace_back(o);
  json::object out{{"sub", identity.subject}, {"username", identity.username}, {"name", identity.name},
                   {"email", identity.email}, {"email_verified", identity.email_verified}, {"orgs", std::move(orgs)}};
  if (json::serialize(identity.claims).size() <= kMaxClaimsBytes) out["claims"] = identity.claims;
  return out;
}

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

Identity identity_from(const json::object& o) {
  Identity identity;
  identity.subject = text(o, "sub");
  identity.username = text(o, "username");
  identity.name = text(o, "name");
  identity.email = text(o, "email");
  const auto* verified = o.if_contains("email_verified");
  identity.email_verified = verified && verified->is_bool() && verified->get_bool();
  if (const auto* orgs = o.if_contains("orgs"); orgs && orgs->is_array())
    for (const auto& org : orgs->get_array())
      if (org.is_string()) identity.organizations.emplace_back(org.get_string());
  if (const auto* claims = o.if_contains("claims"); claims && claims->is_object()) identity.claims = claims->get_object();
  return identity;
}

}  // namespace

TokenVault::TokenVault(store::UpstreamTokenStore& store, VaultKeys keys, Provider* provider, ReauthorizationHook hook,
                       const time::Clock& clock)
    : store_(store),
      keys_(std::make_shared<const VaultKeys>(std::move(keys))),
      provider_(provider),
      on_reauthorization_(std::move(hook)),
      clock_(clock),
      cache_(oauth::FetchCacheLimits{.max_entries = 10'000, .max_bytes = 64 * 1024 * 1024}, clock) {}

std::int64_t TokenVault::now() const {
  return clock_.unix_seconds();
}

std::string TokenVault::seal(const std::string& grant_id, const Opened& opened) const {
  const auto& tokens = opened.tokens;
  json::object payload{{"access_token", tokens.access_token}, {"token_type", tokens.token_type},
                       {"refresh_token", tokens.refresh_token}, {"scope", tokens.scope},
                       {"expires_at", tokens.expires_at},       {"identity", identity_json(opened.identity)},
                       {"connection", opened.connection}};
  // The grant id is the associated data: a record copied onto another
  // grant's row does not open (vault_keys.hpp).
  return keys()->seal(grant_id, json::serialize(payload));
}

std::shared_ptr<const VaultKeys> TokenVault::keys() const {
  std::lock_guard lock(keys_mutex_);
  return keys_;
}

void TokenVault::reload_keys_with(std::function<VaultKeys()> reload, std::function<std::string()> stamp) {
  reload_ = std::move(reload);
  stamp_ = std::move(stamp);
  if (stamp_) {
    auto now_stamp = stamp_();
    std::lock_guard lock(keys_mutex_);
    last_stamp_ = std::move(now_stamp);
  }
}

bool TokenVault::reload() {
  try {
    auto fresh = std::make_shared<const VaultKeys>(reload_());
    spdlog::info("upstream token vault: keys read again (active key {})", fresh->active_id());
    std::lock_guard lock(keys_mutex_);
    keys_ = std::move(fresh);
    return true;
  } catch (const std::exception& e) {
    spdlog::error("upstream token vault: reading the keys again failed: {}", e.what());
    return false;
  }
}

void TokenVault::follow_key_changes() {
  if (!reload_ || !stamp_) return;
  auto now_stamp = stamp_();
  {
    std::lock_guard lock(keys_mutex_);
    if (now_stamp == last_stamp_) return;
    last_stamp_ = now_stamp;
  }
  // New records are sealed under the new active key from now on.
  reload();
}

bool TokenVault::reload_for(std::string_view sealed) {
  if (!reload_ || keys()->knows_key_of(sealed)) return false;
  std::int64_t last = last_reload_.load();
  if (now() - last < 10 || !last_reload_.compare_exchange_strong(last, now())) return false;
  return reload();
}

std::string TokenVault::seal_value(std::string_view associated_data, std::string_view plaintext) const {
  return keys()->seal(associated_data, plaintext);
}

std::optional<std::string> TokenVault::open_value(std::string_view associated_data, std::string_view sealed) {
  reload_for(sealed);
  return keys()->open(associated_data, sealed);
}

TokenVault::Resealed TokenVault::reseal_all() {
  Resealed count;
  auto k = keys();
  for (auto record : store_.list()) {
    if (k->sealed_with_active(record.sealed)) {
      ++count.current;
      continue;
    }
    auto plain = k->open(record.grant_id, record.sealed);
    if (!plain) {
      ++count.unreadable;
      spdlog::warn("upstream tokens of grant {} are sealed under a key that is not configured; left as they are",
                   record.grant_id);
      continue;
    }
    const auto version = record.version;
    record.sealed = k->seal(record.grant_id, *plain);
    record.updated_at = now();
    if (store_.update(record, version)) ++count.resealed;
    else ++count.current;  // written meanwhile, by a server sealing under the active key
  }
  return count;
}

std::optional<TokenVault::Opened> TokenVault::open(const store::UpstreamTokenRecord& record) {
  reload_for(record.sealed);
  auto plain = keys()->open(record.grant_id, record.sealed);
  if (!plain) return std::nullopt;
  boost::system::error_code ec;
  auto doc = json::parse(*plain, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const auto& o = doc.as_object();
  Opened opened;
  opened.tokens.access_token = text(o, "access_token");
  opened.tokens.token_type = text(o, "token_type");
  opened.tokens.refresh_token = text(o, "refresh_token");
  opened.tokens.scope = text(o, "scope");
  if (const auto* exp = o.if_contains("expires_at"); exp && exp->is_int64()) opened.tokens.expires_at = exp->get_int64();
  if (const auto* id = o.if_contains("identity"); id && id->is_object()) opened.identity = identity_from(id->get_object());
  if (const auto* c = o.if_contains("connection"); c && c->is_object()) opened.connection = c->get_object();
  return opened;
}

void TokenVault::put_pending(const std::string& grant_id, const std::string& user_id, const TokenSet* tokens,
                             const Identity* identity, const json::object& connection) {
  const auto t = now();
  Opened opened;
  if (tokens) opened.tokens = *tokens;
  if (identity) opened.identity = *identity;
  opened.connection = connection;
  store::UpstreamTokenRecord record{.grant_id = grant_id,
                                    .user_id = user_id,
                                    .provider = tokens && provider_ ? provider_->settings().name : std::string(),
                                    .sealed = seal(grant_id, opened),
                                    .access_expires_at = opened.tokens.expires_at,
                                    .has_refresh_token = !opened.tokens.refresh_token.empty(),
                                    .state = store::VaultState::pending,
                                    .version = 1,
                                    .created_at = t,
                                    .updated_at = t};
  if (!store_.add(record)) throw store::StoreError("upstream tokens for grant " + grant_id + " exist already");
}

bool TokenVault::set_connection(const std::string& grant_id, const json::object& connection) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto record = store_.find(grant_id);
    if (!record || record->state != store::VaultState::pending) return false;
    auto opened = open(*record);
    if (!opened) return false;
    opened->connection = connection;
    const auto version = record->version;
    record->sealed = seal(grant_id, *opened);
    record->updated_at = now();
    if (store_.update(*record, version)) return true;
  }
  return false;
}

std::optional<std::string> TokenVault::pending_user(const std::string& grant_id) {
  try {
    auto record = store_.find(grant_id);
    if (!record || record->state != store::VaultState::pending) return std::nullopt;
    return record->user_id;
  } catch (const store::StoreError& e) {
    spdlog::error("upstream tokens of grant {}: {}", grant_id, e.what());
    return std::nullopt;
  }
}

void TokenVault::activate(const std::string& grant_id) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto record = store_.find(grant_id);
    if (!record || record->state != store::VaultState::pending) return;
    const auto version = record->version;
    record->state = store::VaultState::active;
    record->updated_at = now();
    if (store_.update(*record, version)) return;
  }
}

asio::awaitable<std::variant<std::shared_ptr<const Access>, AccessFailure>> TokenVault::access(
    const std::string& grant_id) {
  if (grant_id.empty()) co_return AccessFailure{AccessFailure::Kind::none, "this request has no grant"};
  oauth::FetchCache<Access>::Fetch fetch = [this, grant_id] { return load(grant_id); };
  auto outcome = co_await cache_.get(grant_id, fetch);
  if (auto* value = std::get_if<std::shared_ptr<const Access>>(&outcome)) co_return *value;
  const auto& error = std::get<std::string>(outcome);
  const auto kind = error.starts_with(kNone)         ? AccessFailure::Kind::none
                    : error.starts_with(kReauthorize) ? AccessFailure::Kind::needs_reauthorization
                                                      : AccessFailure::Kind::unavailable;
  AccessFailure failure{kind, error};
  failure.message.erase(0, 2);
  co_return failure;
}

asio::awaitable<oauth::FetchCache<Access>::FetchResult> TokenVault::load(std::string grant_id) {
  using Result = oauth::FetchCache<Access>::FetchResult;
  const std::string name = provider_ ? provider_->settings().display_name : std::string("the provider");
  const std::string provider_name = provider_ ? provider_->settings().name : std::string();
  const auto ahead = provider_ ? provider_->settings().refresh_ahead.count() : 60;
  auto fresh = [&](const Opened& opened) -> Result {
    auto access = std::make_shared<Access>();
    access->access_token = opened.tokens.access_token;
    access->token_type = opened.tokens.token_type;
    access->expires_at = opened.tokens.expires_at;
    access->scope = opened.tokens.scope;
    access->identity = opened.identity;
    access->connection = opened.connection;
    // Kept in memory until it is due for refresh; tokens without a stated
    // expiry are looked at again every five minutes (another instance may
    // have marked the grant meanwhile).
    // Connect-form values alone do not change: an hour.
    std::int64_t lifetime = opened.tokens.expires_at == 0 ? 300 : opened.tokens.expires_at - ahead - now();
    if (opened.tokens.access_token.empty()) lifetime = 3600;
    return oauth::FetchCache<Access>::Fresh{access, std::chrono::seconds(std::max<std::int64_t>(lifetime, 0)),
                                            access->access_token.size() + 1024};
  };
  try {
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto record = store_.find(grant_id);
      if (!record) co_return std::string(kNone) + "no upstream sign-in is stored for this grant";
      if (record->state == store::VaultState::needs_reauthorization)
        co_return std::string(kReauthorize) + "the sign-in at " + name + " has ended; connect again";
      auto opened = open(*record);
      if (!opened) {
        spdlog::error("upstream tokens of grant {} cannot be opened: the vault key that sealed them ({}) is not "
                      "configured, or the record was altered",
                      grant_id, record->sealed.substr(0, std::min<std::size_t>(record->sealed.size(), 11)));
        co_return std::string(kUnavailable) + "the stored sign-in at " + name + " cannot be read";
      }
      const bool due = opened->tokens.expires_at != 0 && opened->tokens.expires_at - ahead <= now();
      if (due && !provider_) co_return fresh(*opened);  // no provider to refresh with
      if (!due) co_return fresh(*opened);
      if (opened->tokens.refresh_token.empty()) {
        if (opened->tokens.expires_at > now()) co_return fresh(*opened);  // the rest of its life
        co_return std::string(kReauthorize) + "the access at " + name + " has expired and cannot be refreshed";
      }
      auto refreshed = co_await provider_->refresh(opened->tokens.refresh_token);
      if (auto* error = std::get_if<TokenError>(&refreshed)) {
        // Another instance (or an earlier attempt) may have refreshed and
        // rotated the refresh token meanwhile: its new tokens are in the
        // store, and the refusal was only for our old copy.
        auto now_stored = store_.find(grant_id);
        if (now_stored && now_stored->version != record->version) continue;
        if (!error->refused) {
          spdlog::warn("login provider {}: refreshing the tokens of grant {} failed: {}", provider_name, grant_id,
                       error->description);
          if (opened->tokens.expires_at > now()) co_return fresh(*opened);  // still valid a little longer
          co_return std::string(kUnavailable) + name + " could not be reached to refresh the access; try again";
        }
        std::string said = error->error;
        if (!error->description.empty()) said += ": " + error->description;
        spdlog::warn("login provider {} refused to refresh the tokens of grant {} ({}); the grant needs a new "
                     "authorization",
                     provider_name, grant_id, said);
        auto marked = *record;
        marked.state = store::VaultState::needs_reauthorization;
        marked.updated_at = now();
        store_.update(marked, record->version);
        if (on_reauthorization_) on_reauthorization_(grant_id);
        co_return std::string(kReauthorize) + name + " refused to renew the access (" + error->error +
            "); connect again";
      }
      auto& tokens = std::get<TokenSet>(refreshed);
      auto updated = *record;
      Opened renewed{tokens, opened->identity, opened->connection};
      updated.sealed = seal(grant_id, renewed);
      updated.access_expires_at = tokens.expires_at;
      updated.has_refresh_token = !tokens.refresh_token.empty();
      updated.updated_at = now();
      // The rotated refresh token is stored before the new access token is
      // handed out: a crash after this point loses nothing.
      if (!store_.update(updated, record->version)) continue;  // another writer won: read theirs
      spdlog::info("login provider {}: refreshed the tokens of grant {}", provider_name, grant_id);
      co_return fresh(renewed);
    }
    co_return std::string(kUnavailable) + "the stored sign-in at " + name + " kept changing; try again";
  } catch (const store::StoreError& e) {
    spdlog::error("upstream tokens of grant {}: {}", grant_id, e.what());
    co_return std::string(kUnavailable) + "the stored sign-in at " + name + " cannot be read right now; try again";
  }
}

asio::awaitable<void> TokenVault::revoke(std::string grant_id) {
  std::optional<store::UpstreamTokenRecord> record;
  std::optional<Opened> opened;
  try {
    record = store_.find(grant_id);
    if (!record) co_return;
    opened = open(*record);
    if (record->state == store::VaultState::needs_reauthorization) {
      // Kept for the operator's view, with nothing usable left in it.
      Opened emptied;
      if (opened) emptied.identity = opened->identity;
      auto kept = *record;
      kept.sealed = seal(grant_id, emptied);
      kept.has_refresh_token = false;
      kept.access_expires_at = 0;
      kept.updated_at = now();
      store_.update(kept, record->version);
    } else {
      store_.remove(grant_id);
    }
  } catch (const store::StoreError& e) {
    spdlog::error("upstream tokens of grant {}: {}", grant_id, e.what());
    co_return;
  }
  cache_.erase(grant_id);
  if (!opened || !provider_ || opened->tokens.access_token.empty()) co_return;
  // RFC 7009 §2.1: revoking the refresh token ends its access tokens too
  // where the provider supports that; the access token is revoked as well
  // for providers that do not.
  if (!opened->tokens.refresh_token.empty()) co_await provider_->revoke(opened->tokens.refresh_token, "refresh_token");
  co_await provider_->revoke(opened->tokens.access_token, "access_token");
  spdlog::info("login provider {}: tokens of grant {} revoked", provider_->settings().name, grant_id);
}

asio::awaitable<void> TokenVault::sweep(store::GrantStore& grants) {
  std::vector<std::string> ended;
  try {
    for (const auto& record : store_.list()) {
      if (record.state == store::VaultState::pending) continue;  // remove_abandoned's
      auto grant = grants.find_grant(record.grant_id);
      if (!grant) {
        ended.push_back(record.grant_id);
        continue;
      }
      if (grant->revoked_at != 0 && (record.state == store::VaultState::active || record.has_refresh_token))
        ended.push_back(record.grant_id);
    }
  } catch (const store::StoreError& e) {
    spdlog::error("following revoked grants in the upstream token vault: {}", e.what());
    co_return;
  }
  for (auto& id : ended) {
    // A grant that is gone altogether takes its record with it.
    bool gone = false;
    try {
      gone = !grants.find_grant(id);
    } catch (const store::StoreError&) {
      continue;
    }
    co_await revoke(id);
    if (gone) {
      try {
        store_.remove(id);
      } catch (const store::StoreError& e) {
        spdlog::error("upstream tokens of grant {}: {}", id, e.what());
      }
    }
  }
}

asio::awaitable<void> TokenVault::remove_abandoned(std::chrono::seconds age) {
  std::vector<store::UpstreamTokenRecord> removed;
  try {
    removed = store_.remove_pending(now() - age.count());
  } catch (const store::StoreError& e) {
    spdlog::error("removing abandoned upstream sign-ins: {}", e.what());
    co_return;
  }
  for (const auto& record : removed) {
    auto opened = open(record);
    if (!opened || !provider_ || opened->tokens.access_token.empty()) continue;
    if (!opened->tokens.refresh_token.empty()) co_await provider_->revoke(opened->tokens.refresh_token, "refresh_token");
    co_await provider_->revoke(opened->tokens.access_token, "access_token");
  }
  if (!removed.empty()) spdlog::info("removed {} upstream sign-ins whose authorization was never completed", removed.size());
}

}  // namespace gatehouse::upstream
