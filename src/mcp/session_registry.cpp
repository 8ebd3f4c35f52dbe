#include "mcp/session_registry.hpp"

namespace gatehouse::mcp {

bool SessionRegistry::add(std::shared_ptr<Session> session) {
  std::shared_ptr<Session> evicted;
  {
    std::lock_guard lock(mutex_);
    if (sessions_.size() >= limits_.max_sessions) {
      auto oldest = sessions_.end();
      for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
        if (oldest == sessions_.end() || it->second->last_seen() < oldest->second->last_seen()) oldest = it;
      if (oldest == sessions_.end()) return false;
      evicted = oldest->second;
      sessions_.erase(oldest);
    }
    sessions_.emplace(session->id(), std::move(session));
  }
  if (evicted) evicted->close();
  return true;
}

std::shared_ptr<Session> SessionRegistry::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

std::shared_ptr<Session> SessionRegistry::remove(const std::string& id) {
  std::shared_ptr<Session> removed;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    removed = std::move(it->second);
    sessions_.erase(it);
  }
  removed->close();
  return removed;
}

std::size_t SessionRegistry::expire_idle() {
  auto cutoff = std::chrono::steady_clock::now() - limits_.idle_timeout;
  std::vector<std::shared_ptr<Session>> expired;
  {
    std::lock_guard lock(mutex_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second->last_seen() < cutoff) {
        expired.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : expired) s->close();
  return expired.size();
}

void SessionRegistry::close_all() {
  std::unordered_map<std::string, std::shared_ptr<Session>> all;
  {
    std::lock_guard lock(mutex_);
    all.swap(sessions_);
  }
  for (auto& [_, s] : all) s->close();
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace gatehouse::mcp
