#pragma once
// A backend process's stdin and stdout as a link (MCP basic/transports
// "stdio"): newline-delimited JSON-RPC, one line at most max_message_bytes,
// writes queued up to max_pending_input. The process's stderr goes to the
// log, rate-limited; its exit closes the link.
#include "gateway/backend_settings.hpp"
#include "gateway/child_process.hpp"
#include "gateway/line_splitter.hpp"
#include "gateway/link.hpp"
#include "net/log_throttle.hpp"

#include <boost/asio/strand.hpp>

#include <deque>
#include <memory>
#include <mutex>

namespace gatehouse::gateway {

class StdioLink final : public Link, public std::enable_shared_from_this<StdioLink> {
 public:
  StdioLink(boost::asio::strand<boost::asio::any_io_executor> strand, std::shared_ptr<const BackendSettings> settings,
            ChildSpec spec);
  ~StdioLink() override;

  boost::asio::awaitable<void> open(std::shared_ptr<LinkEvents> events) override;
  void send(json::object message, std::shared_ptr<Route> route) override;
  void close(std::string_view why) override;
  std::string notes() const override;
  std::string describe() const override;

 private:
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> stderr_loop();
  boost::asio::awaitable<void> exit_watch();
  void on_line(std::string_view line);
  void closed(const McpError& error);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::shared_ptr<const BackendSettings> settings_;
  ChildSpec spec_;
  std::unique_ptr<ChildProcess> child_;
  pid_t pid_ = 0;
  std::weak_ptr<LinkEvents> events_;

  mutable std::mutex mutex_;  // everything below
  std::deque<std::string> input_;
  std::size_t input_bytes_ = 0;
  bool writing_ = false;
  bool dead_ = false;
  bool oversize_ = false;
  std::string exit_status_;
  std::deque<std::string> stderr_tail_;
  std::size_t not_json_ = 0;

  LineSplitter splitter_;  // read loop only
  net::LogThrottle stderr_throttle_{std::chrono::seconds(10)};  // strand only
  net::LogThrottle noise_throttle_{std::chrono::seconds(10)};   // strand only
};

}  // namespace gatehouse::gateway
