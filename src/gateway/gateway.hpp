#pragma once
// The gateway: existing MCP servers behind Gatehouse's endpoint
// (docs/gateway.md). It serves the requests the dispatcher hands a backend
// (mcp/backend.hpp) from one or more `[[backend]]`s: lists are merged with
// each backend's prefix and policy applied, calls go to the backend whose
// prefix the name carries, in the process of the caller's isolation key.
#include "config/config.hpp"
#include "gateway/connection_pool.hpp"
#include "mcp/backend.hpp"
#include "upstream/credentials.hpp"

#include <gatehouse/server.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <vector>

namespace gatehouse::gateway {

class Gateway final : public mcp::Backend {
 public:
  // `server` receives the backends' resource and list notifications for
  // the transports. `user_name` turns a subject into a login name for
  // {user.name} (called when a process starts).
  // `metrics` (optional) receives each backend's series.
  Gateway(boost::asio::any_io_executor executor, Server& server, const config::Config& config,
          std::function<std::string(const std::string& subject)> user_name = {}, net::Metrics* metrics = nullptr);
  ~Gateway() override;

  json::object capabilities() const override;
  bool per_user_lists() const override;
  std::vector<std::string> tool_scopes(std::string_view name) const override;
  bool runs_tasks() const override { return true; }
  TaskSupport configured_task_support(std::string_view name) const override;
  boost::asio::awaitable<TaskSupport> task_support(mcp::Call& call, std::string_view name) override;
  boost::asio::awaitable<json::value> task_call(mcp::Call& call) override;
  boost::asio::awaitable<json::value> handle(mcp::Call& call) override;
  void session_closed(std::string_view session_id) override;

  // Where {upstream.*} and {connection.*} values come from (the token
  // vault); without it a backend using them cannot start.
  void set_upstream(std::shared_ptr<upstream::VaultCredentials> upstream) { upstream_ = std::move(upstream); }

  // Stops idle processes; call now and then.
  void housekeeping();
  void stop_all();
  // Live processes of all backends.
  std::size_t processes() const;

 private:
  struct Entry {
    std::shared_ptr<const BackendSettings> settings;
    std::unique_ptr<ConnectionPool> pool;
  };
  // The backend a client-facing tool or prompt name belongs to, and the name
  // the backend knows it by.
  std::pair<const Entry*, std::string> resolve(std::string_view name) const;
  // The caller's process of `entry`, after fetching the grant's template
  // values when the backend uses any (refreshing an upstream token first).
  // `outside_session`: the user's process of no session, for a task (which
  // outlives the session that started it).
  boost::asio::awaitable<std::shared_ptr<BackendConnection>> instance(const Entry& entry, const mcp::Call& call,
                                                                      bool outside_session = false) const;
  boost::asio::awaitable<json::array> merged(mcp::Call& call, std::string method, std::string key, bool prefixed);
  boost::asio::awaitable<const Entry*> resource_owner(mcp::Call& call, std::string uri);
  // tools/call; `in_task`: made inside a task of Gatehouse's.
  boost::asio::awaitable<json::value> call_tool(mcp::Call& call, bool in_task);
  json::object page(json::array items, const json::object& params, std::string_view key) const;

  std::vector<Entry> backends_;
  std::size_t page_size_;
  std::shared_ptr<upstream::VaultCredentials> upstream_;
};

}  // namespace gatehouse::gateway
