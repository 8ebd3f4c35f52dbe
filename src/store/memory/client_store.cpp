// In-memory ClientStore: clients by id, plus an index of non-empty
// fingerprints.
#include "store/memory/memory_stores.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>

namespace gatehouse::store::memory {
namespace {

class MemoryClientStore final : public ClientStore {
 public:
  bool add(const Client& client) override {
    std::lock_guard lock(mutex_);
    if (clients_.contains(client.client_id)) return false;
    if (!client.fingerprint.empty() && ids_by_fingerprint_.contains(client.fingerprint)) return false;
    clients_.emplace(client.client_id, client);
    if (!client.fingerprint.empty()) ids_by_fingerprint_.emplace(client.fingerprint, client.client_id);
    return true;
  }

  std::optional<Client> find(std::string_view client_id) override {
    std::lock_guard lock(mutex_);
    auto it = clients_.find(client_id);
    if (it == clients_.end()) return std::nullopt;
    return it->second;
  }

  std::optional<Client> find_by_fingerprint(std::string_view fingerprint) override {
    if (fingerprint.empty()) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto it = ids_by_fingerprint_.find(fingerprint);
    if (it == ids_by_fingerprint_.end()) return std::nullopt;
    return clients_.at(it->second);
  }

  bool remove(std::string_view client_id) override {
    std::lock_guard lock(mutex_);
    auto it = clients_.find(client_id);
    if (it == clients_.end()) return false;
    erase(it);
    return true;
  }

  std::vector<Client> list() override {
    std::lock_guard lock(mutex_);
    std::vector<Client> out;
    out.reserve(clients_.size());
    for (const auto& [id, client] : clients_) out.push_back(client);
    std::stable_sort(out.begin(), out.end(),
                     [](const Client& a, const Client& b) { return a.created_at < b.created_at; });
    return out;
  }

  bool touch(std::string_view client_id, std::int64_t now) override {
    std::lock_guard lock(mutex_);
    auto it = clients_.find(client_id);
    if (it == clients_.end()) return false;
    it->second.last_used_at = now;
    return true;
  }

  std::size_t remove_unused(ClientKind kind, std::int64_t created_before) override {
    std::lock_guard lock(mutex_);
    std::size_t removed = 0;
    for (auto it = clients_.begin(); it != clients_.end();) {
      const Client& c = it->second;
      if (c.kind == kind && c.last_used_at == 0 && c.created_at < created_before) {
        it = erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
    return removed;
  }

 private:
  using Map = std::map<std::string, Client, std::less<>>;

  Map::iterator erase(Map::iterator it) {
    if (!it->second.fingerprint.empty()) ids_by_fingerprint_.erase(it->second.fingerprint);
    return clients_.erase(it);
  }

  std::mutex mutex_;
  Map clients_;  // ordered by client_id, so a stable sort by created_at gives list()'s order
  std::map<std::string, std::string, std::less<>> ids_by_fingerprint_;
};

}  // namespace

std::unique_ptr<ClientStore> make_client_store() { return std::make_unique<MemoryClientStore>(); }

}  // namespace gatehouse::store::memory
