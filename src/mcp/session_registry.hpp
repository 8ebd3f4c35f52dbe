#pragma once
// The live sessions of one server process: lookup by id, a bound on their
// number and idle expiry.
#include "mcp/session.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gatehouse::mcp {

class SessionRegistry {
 public:
  struct Limits {
    std::size_t max_sessions = 10000;
    // Per authenticated user. A client that opens a session before every
    // call and never ends one (Claude has been seen to) must not lock its
    // own user out: at this bound the user's least recently used session
    // makes room. Anonymous sessions (no authentication) share only the total.
    std::size_t max_sessions_per_user = 100;
    std::chrono::seconds idle_timeout{30 * 60};
  };
  // Idleness is measured on `clock`'s monotonic time; sessions added here
  // should be touched on the same clock.
  explicit SessionRegistry(Limits limits, const time::Clock& clock = time::system_clock())
      : limits_(limits), clock_(clock) {}

  enum class Added {
    added,
    full,  // the process holds max_sessions: refused, nothing evicted
  };
  // Adds a session. Another user's session is never closed to make room:
  // when the process is full the new session is refused.
  Added add(std::shared_ptr<Session> session);
  std::shared_ptr<Session> find(const std::string& id) const;
  std::shared_ptr<Session> remove(const std::string& id);
  // Closes and drops sessions idle for longer than the timeout.
  std::size_t expire_idle();
  void close_all();
  std::size_t size() const;
  // Called with the id of every session that ends, however it ends (set
  // before the first session is added).
  void on_closed(std::function<void(const std::string&)> callback) { on_closed_ = std::move(callback); }
  template <class F>
  void for_each(F&& f) const {
    std::vector<std::shared_ptr<Session>> all;
    {
      std::lock_guard lock(mutex_);
      all.reserve(sessions_.size());
      for (const auto& [_, s] : sessions_) all.push_back(s);
    }
    for (auto& s : all) f(*s);
  }

 private:
  void forget_subject(const std::string& subject);  // with mutex_ held
  void closed(Session& session);                     // without mutex_ held
  std::function<void(const std::string&)> on_closed_;

  Limits limits_;
  const time::Clock& clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions_;
  std::unordered_map<std::string, std::size_t> per_user_;  // authenticated subjects only
};

}  // namespace gatehouse::mcp
