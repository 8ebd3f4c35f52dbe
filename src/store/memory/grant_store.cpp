// In-memory GrantStore: grants by id and refresh tokens by hash, under one
// mutex so a rotation sees a consistent grant and family.
#include "store/memory/memory_stores.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace gatehouse::store::memory {
namespace {

class MemoryGrantStore final : public GrantStore {
 public:
  bool create(const Grant& grant, const RefreshToken& first_refresh_token) override {
    std::lock_guard lock(mutex_);
    if (grants_.contains(grant.id) || tokens_.contains(first_refresh_token.token_hash)) return false;
    grants_.emplace(grant.id, grant);
    RefreshToken token = first_refresh_token;
    token.grant_id = grant.id;
    token.rotated_at = 0;
    token.replaced_by_hash.clear();
    token.used_at = 0;
    tokens_.emplace(token.token_hash, std::move(token));
    return true;
  }

  std::optional<std::pair<Grant, RefreshToken>> find_refresh(std::string_view token_hash) override {
    std::lock_guard lock(mutex_);
    auto it = tokens_.find(token_hash);
    if (it == tokens_.end()) return std::nullopt;
    return std::pair{grants_.at(it->second.grant_id), it->second};
  }

  RotateResult rotate(std::string_view old_hash, const RefreshToken& new_token, std::int64_t now) override {
    std::lock_guard lock(mutex_);
    auto it = tokens_.find(old_hash);
    if (it == tokens_.end()) return {.status = RotateStatus::not_found};
    auto result = rotate_locked(it->second, new_token, now);
    if (result.status == RotateStatus::rotated) it->second.used_at = now;
    return result;
  }

  RotateResult rotate_retry(std::string_view retried_hash, const RefreshToken& new_token, std::int64_t now) override {
    std::lock_guard lock(mutex_);
    auto retried = tokens_.find(retried_hash);
    if (retried == tokens_.end() || retried->second.rotated_at == 0) return {.status = RotateStatus::not_found};
    auto head = retried;
    for (int i = 0; i < kMaxRetryChain && head->second.rotated_at != 0; ++i) {
      head = tokens_.find(head->second.replaced_by_hash);
      if (head == tokens_.end()) return {.status = RotateStatus::not_found};
      if (head->second.used_at != 0)
        return {.status = RotateStatus::successor_used, .grant_id = retried->second.grant_id};
    }
    if (head->second.rotated_at != 0) return {.status = RotateStatus::not_found};  // chain too long
    auto result = rotate_locked(head->second, new_token, now);
    if (result.status == RotateStatus::rotated) retried->second.used_at = now;
    return result;
  }

  bool revoke_grant(std::string_view grant_id, std::int64_t now) override {
    std::lock_guard lock(mutex_);
    auto it = grants_.find(grant_id);
    if (it == grants_.end() || it->second.revoked_at != 0) return false;
    it->second.revoked_at = now;
    return true;
  }

  std::optional<Grant> find_grant(std::string_view grant_id) override {
    std::lock_guard lock(mutex_);
    auto it = grants_.find(grant_id);
    if (it == grants_.end()) return std::nullopt;
    return it->second;
  }

  std::vector<Grant> list_grants(const std::optional<std::string>& user_id,
                                 const std::optional<std::string>& client_id) override {
    std::lock_guard lock(mutex_);
    std::vector<Grant> out;
    for (const auto& [id, g] : grants_)
      if ((!user_id || g.user_id == *user_id) && (!client_id || g.client_id == *client_id)) out.push_back(g);
    std::stable_sort(out.begin(), out.end(),
                     [](const Grant& a, const Grant& b) { return a.created_at < b.created_at; });
    return out;
  }

  GrantCleanup remove_expired(std::int64_t now) override {
    std::lock_guard lock(mutex_);
    GrantCleanup removed;
    std::set<std::string, std::less<>> dead;
    for (const auto& [id, g] : grants_)
      if (g.absolute_expires_at <= now) dead.insert(id);
    removed.refresh_tokens = std::erase_if(tokens_, [&](const auto& kv) {
      return kv.second.expires_at <= now || dead.contains(kv.second.grant_id);
    });
    std::set<std::string, std::less<>> with_tokens;
    for (const auto& [hash, t] : tokens_) with_tokens.insert(t.grant_id);
    removed.grants = std::erase_if(grants_, [&](const auto& kv) { return !with_tokens.contains(kv.first); });
    return removed;
  }

 private:
  // rotate's compare-and-set on `old`, under the lock; does not mark it used.
  RotateResult rotate_locked(RefreshToken& old, const RefreshToken& new_token, std::int64_t now) {
    const Grant& grant = grants_.at(old.grant_id);
    if (old.rotated_at != 0)
      return {.status = RotateStatus::already_rotated,
              .grant_id = old.grant_id,
              .rotated_at = old.rotated_at,
              .replaced_by_hash = old.replaced_by_hash};
    if (grant.revoked_at != 0) return {.status = RotateStatus::revoked, .grant_id = old.grant_id};
    if (now >= old.expires_at || now >= grant.absolute_expires_at)
      return {.status = RotateStatus::expired, .grant_id = old.grant_id};
    if (tokens_.contains(new_token.token_hash))
      throw StoreError("rotate: refresh token hash already exists");
    old.rotated_at = now;
    old.replaced_by_hash = new_token.token_hash;
    RefreshToken added = new_token;
    added.grant_id = old.grant_id;
    added.rotated_at = 0;
    added.replaced_by_hash.clear();
    added.used_at = 0;
    tokens_.emplace(added.token_hash, std::move(added));  // std::map: `old` stays valid
    return {.status = RotateStatus::rotated, .grant_id = old.grant_id};
  }

  std::mutex mutex_;
  std::map<std::string, Grant, std::less<>> grants_;  // ordered by id: list_grants' tie-break
  std::map<std::string, RefreshToken, std::less<>> tokens_;
};

}  // namespace

std::unique_ptr<GrantStore> make_grant_store() { return std::make_unique<MemoryGrantStore>(); }

}  // namespace gatehouse::store::memory
