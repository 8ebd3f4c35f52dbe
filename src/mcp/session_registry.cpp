#include "mcp/session_registry.hpp"

namespace gatehouse::mcp {

SessionRegistry::Added SessionRegistry::add(std::shared_ptr<Session> session) {
  std::shared_ptr<Session> evicted;
  {
    std::lock_guard lock(mutex_);
    const auto& subject = session->subject();
    if (!subject.empty() && per_user_[subject] >= limits_.max_sessions_per_user) {
      // The user's own least recently used session makes room.
      auto oldest = sessions_.end();
      for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
        if (it->second->subject() == subject &&
            (oldest == sessions_.end() || it->second->last_seen() < oldest->second->last_seen()))
          oldest = it;
      if (oldest != sessions_.end()) {
        evicted = std::move(oldest->second);
        sessions_.erase(oldest);
        --per_user_[subject];
      }
    }
    if (!evicted && sessions_.size() >= limits_.max_sessions) {
      if (!subject.empty() && per_user_[subject] == 0) per_user_.erase(subject);
      return Added::full;
    }
    if (!subject.empty()) ++per_user_[subject];
    sessions_.emplace(session->id(), std::move(session));
  }
  if (evicted) closed(*evicted);
  return Added::added;
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
    forget_subject(removed->subject());
  }
  closed(*removed);
  return removed;
}

std::size_t SessionRegistry::expire_idle() {
  auto cutoff = clock_.monotonic() - limits_.idle_timeout;
  std::vector<std::shared_ptr<Session>> expired;
  {
    std::lock_guard lock(mutex_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second->last_seen() < cutoff) {
        forget_subject(it->second->subject());
        expired.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : expired) closed(*s);
  return expired.size();
}

void SessionRegistry::close_all() {
  std::unordered_map<std::string, std::shared_ptr<Session>> all;
  {
    std::lock_guard lock(mutex_);
    all.swap(sessions_);
    per_user_.clear();
  }
  for (auto& [_, s] : all) closed(*s);
}

void SessionRegistry::closed(Session& session) {
  session.close();
  if (on_closed_) on_closed_(session.id());
}

void SessionRegistry::forget_subject(const std::string& subject) {
  if (subject.empty()) return;
  auto it = per_user_.find(subject);
  if (it != per_user_.end() && --it->second == 0) per_user_.erase(it);
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace gatehouse::mcp
