#pragma once
// The connections of one backend, one per isolation key: one in all
// (shared), one per user, or one per session (docs/gateway.md "Isolation");
// for a stdio backend each is a process. Bounded by max_processes: at the
// bound an idle connection makes room, the least recently used first; when
// every one is busy the request is refused with a clear error rather than
// queued without end.
#include "gateway/backend_connection.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace gatehouse::gateway {

// One grant's template values: "upstream.access_token" -> the token,
// "connection.FIELD" -> the value. Never logged.
struct GrantValues {
  std::string grant_id;
  std::map<std::string, std::string> values;
  std::string fingerprint;  // a hash of `values`: what a process was started with
};

class ConnectionPool {
 public:
  ConnectionPool(boost::asio::any_io_executor executor, std::shared_ptr<const BackendSettings> settings,
              std::function<std::string(const std::string& subject)> user_name, ConnectionEvents events,
              std::shared_ptr<const BackendMetrics> metrics = nullptr,
              const time::Clock& clock = time::system_clock());
  ~ConnectionPool();

  // The connection serving `subject` (and `session_id` with isolation
  // session); made, not opened, when there is none. Throws backend_error
  // process_cap when the bound is reached and nothing is idle.
  // `grant`: the caller's {upstream.*} / {connection.*} values, for a
  // backend whose templates use them (BackendSettings::grant_variables).
  // The process then belongs to that grant; when the values differ from
  // those it was started with (its upstream token was refreshed), an idle
  // process is replaced by a new one, a busy one serves on until idle.
  std::shared_ptr<BackendConnection> instance(const std::string& subject, const std::string& session_id,
                                              const GrantValues* grant = nullptr);

  // Closes connections idle for longer than idle_timeout; returns how many.
  std::size_t stop_idle();
  void session_closed(const std::string& session_id);
  void stop_all();
  std::size_t size() const;

  const BackendSettings& settings() const noexcept { return *settings_; }

 private:
  boost::asio::any_io_executor executor_;
  std::shared_ptr<const BackendSettings> settings_;
  std::function<std::string(const std::string&)> user_name_;
  ConnectionEvents events_;
  std::shared_ptr<const BackendMetrics> metrics_;
  const time::Clock& clock_;  // the connections' too
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<BackendConnection>> instances_;  // by isolation key
  std::map<std::string, std::string> fingerprints_;  // by isolation key: the grant values a process started with
  std::shared_ptr<void> tls_;  // http: the TLS context of every link
};

}  // namespace gatehouse::gateway
