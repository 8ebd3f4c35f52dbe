#pragma once
// A session of the initialization-based revisions (MCP basic/lifecycle,
// basic/transports "Session Management"): the negotiated version, what the
// client declared, its log level and subscriptions, the requests in flight
// and the SSE streams that can still be resumed.
#include "mcp/client_requests.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/event_stream.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

namespace gatehouse::mcp {

class Session : public SessionHooks {
 public:
  // `replay_budget` (optional) bounds the bytes its streams keep for
  // resumption; see trim_replay. `clock` times idleness (last_seen), its
  // streams and its requests to the client: the registry's clock.
  Session(std::string id, std::string version, json::object client_capabilities, json::object client_info,
          std::string subject, EventStream::Limits stream_limits,
          std::shared_ptr<ReplayBudget> replay_budget = nullptr, const time::Clock& clock = time::system_clock());

  const std::string& id() const noexcept { return id_; }
  const std::string& version() const noexcept { return version_; }
  const json::object& client_capabilities() const noexcept { return client_capabilities_; }
  const json::object& client_info() const noexcept { return client_info_; }
  // The user the session belongs to; requests from anyone else do not see it.
  const std::string& subject() const noexcept { return subject_; }

  // SessionHooks
  void set_log_level(LogLevel level) override;
  void subscribe(const std::string& uri) override;
  void unsubscribe(const std::string& uri) override;
  const std::string& session_id() const override { return id_; }
  std::optional<LogLevel> log_level() const;
  bool subscribed(const std::string& uri) const;

  ClientRequests& client_requests() noexcept { return client_requests_; }

  // In-flight client requests, for notifications/cancelled.
  std::shared_ptr<std::atomic<bool>> begin_request(const json::value& id);
  void end_request(const json::value& id);
  void cancel_request(const json::value& id);

  // A new stream for the messages answering one POST.
  std::shared_ptr<EventStream> open_request_stream();
  // The standalone stream (GET) for messages unrelated to a request. Created
  // on first use; messages sent while no client listens wait in its buffer.
  std::shared_ptr<EventStream> standalone_stream();
  std::shared_ptr<EventStream> find_stream(const std::string& stream_id) const;

  void touch() { last_seen_ = clock_.monotonic().time_since_epoch().count(); }
  std::chrono::steady_clock::time_point last_seen() const {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(last_seen_.load()));
  }

  void close();  // ends every stream (DELETE, expiry, shutdown)

  // H6: brings the bytes kept for resumption down to `limit`, dropping what
  // a client is least likely to miss first: large events already written
  // (over a quarter of the session's budget), then every event already
  // written, then finished request streams, oldest first. Events of streams
  // still running and never written are kept. Returns the bytes freed.
  std::size_t trim_replay(std::size_t limit);
  const std::shared_ptr<ReplayBudget>& replay_budget() const noexcept { return replay_budget_; }

 private:
  const std::string id_;
  const std::string version_;
  const json::object client_capabilities_;
  const json::object client_info_;
  const std::string subject_;
  const EventStream::Limits stream_limits_;
  const std::shared_ptr<ReplayBudget> replay_budget_;
  const time::Clock& clock_;

  mutable std::mutex mutex_;
  std::optional<LogLevel> log_level_ = LogLevel::debug;
  std::set<std::string> subscriptions_;
  std::unordered_map<std::string, std::shared_ptr<std::atomic<bool>>> in_flight_;
  // Streams that can still be resumed, oldest first; bounded.
  std::deque<std::shared_ptr<EventStream>> streams_;
  std::shared_ptr<EventStream> standalone_;
  std::uint64_t next_stream_ = 1;
  ClientRequests client_requests_;
  std::atomic<std::chrono::steady_clock::rep> last_seen_;
};

}  // namespace gatehouse::mcp
