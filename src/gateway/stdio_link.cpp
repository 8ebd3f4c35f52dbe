#include "gateway/stdio_link.hpp"

#include "gateway/backend_error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <array>

namespace gatehouse::gateway {

namespace asio = boost::asio;

namespace {

// Lines of the child's stderr kept to explain a failed start.
constexpr std::size_t kStderrTail = 8;
constexpr std::size_t kLoggedChars = 300;

std::string shorten(std::string_view text) {
  std::string out(text.substr(0, kLoggedChars));
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  if (text.size() > kLoggedChars) out += "…";
  return out;
}

}  // namespace

StdioLink::StdioLink(asio::strand<asio::any_io_executor> strand, std::shared_ptr<const BackendSettings> settings,
                     ChildSpec spec)
    : strand_(std::move(strand)),
      settings_(std::move(settings)),
      spec_(std::move(spec)),
      splitter_(settings_->max_message_bytes) {}

StdioLink::~StdioLink() {
  if (child_) child_->kill();
}

std::string StdioLink::describe() const { return "process " + std::to_string(pid_); }

asio::awaitable<void> StdioLink::open(std::shared_ptr<LinkEvents> events) {
  events_ = events;
  try {
    child_ = ChildProcess::spawn(strand_, spec_);
  } catch (const SpawnError& e) {
    throw backend_error(settings_->name, reason::start_failed, std::string("could not start: ") + e.what());
  }
  pid_ = child_->pid();
  auto self = shared_from_this();
  asio::co_spawn(strand_, read_loop(), asio::detached);
  asio::co_spawn(strand_, stderr_loop(), asio::detached);
  asio::co_spawn(strand_, exit_watch(), asio::detached);
  co_return;
}

void StdioLink::close(std::string_view why) {
  {
    std::lock_guard lock(mutex_);
    if (dead_ || !child_) return;
  }
  spdlog::info("backend {}: stopping process {} ({})", settings_->name, pid_, why);
  child_->terminate();
  // SIGKILL when SIGTERM is not enough.
  auto timer = std::make_shared<asio::steady_timer>(strand_, std::chrono::seconds(3));
  timer->async_wait([timer, self = shared_from_this()](const boost::system::error_code&) {
    std::lock_guard lock(self->mutex_);
    if (!self->dead_) self->child_->kill();
  });
}

std::string StdioLink::notes() const {
  std::lock_guard lock(mutex_);
  std::string out;
  if (not_json_)
    out = "it wrote " + std::to_string(not_json_) +
          " line(s) on stdout that are not JSON-RPC messages (see Gatehouse's log)";
  if (!exit_status_.empty()) {
    out += out.empty() ? "" : "; ";
    out += "the process ended (" + exit_status_ + ")";
    for (const auto& line : stderr_tail_) out += "\n  stderr: " + line;
  }
  return out;
}

void StdioLink::send(json::object message, std::shared_ptr<Route>) {
  std::string line = json::serialize(message);
  line.push_back('\n');
  bool start_writer = false;
  {
    std::lock_guard lock(mutex_);
    if (dead_) return;  // the exit fails the waiting requests
    if (input_bytes_ + line.size() > settings_->max_pending_input)
      throw backend_error(settings_->name, reason::protocol,
                          "the process is not reading its input (" + std::to_string(input_bytes_) + " bytes waiting)");
    input_bytes_ += line.size();
    input_.push_back(std::move(line));
    if (!writing_) start_writer = writing_ = true;
  }
  if (start_writer) asio::co_spawn(strand_, write_loop(), asio::detached);
}

asio::awaitable<void> StdioLink::write_loop() {
  auto self = shared_from_this();
  std::string batch;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (input_.empty() || dead_) {
        writing_ = false;
        co_return;
      }
      // Everything queued goes in one write: under load, one system call
      // carries many messages.
      batch.clear();
      while (!input_.empty() && batch.size() < 256 * 1024) {
        batch += input_.front();
        input_bytes_ -= input_.front().size();
        input_.pop_front();
      }
    }
    auto [ec, n] = co_await asio::async_write(child_->stdin_pipe(), asio::buffer(batch), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      // The process closed its input or ended: the exit watcher reports it.
      std::lock_guard lock(mutex_);
      writing_ = false;
      input_.clear();
      input_bytes_ = 0;
      co_return;
    }
  }
}

asio::awaitable<void> StdioLink::read_loop() {
  auto self = shared_from_this();
  std::array<char, 64 * 1024> buffer;
  bool oversize = false;
  for (;;) {
    auto [ec, n] = co_await child_->stdout_pipe().async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    splitter_.feed(
        std::string_view(buffer.data(), n), [&](std::string_view line) { on_line(line); },
        [&](std::size_t size) {
          oversize = true;
          spdlog::error("backend {}: process {} wrote a message of {} bytes, over the limit of {}; stopping it",
                        settings_->name, pid_, size, settings_->max_message_bytes);
        });
    // A line still arriving and already too long ends it too, without
    // waiting for its end (which may never come).
    if (!oversize && splitter_.pending() >= settings_->max_message_bytes) {
      oversize = true;
      spdlog::error("backend {}: process {} is writing a message over the limit of {} bytes; stopping it",
                    settings_->name, pid_, settings_->max_message_bytes);
    }
    if (oversize) break;
  }
  if (oversize) {
    {
      std::lock_guard lock(mutex_);
      oversize_ = true;
    }
    closed(backend_error(settings_->name, reason::protocol,
                         "the process wrote a message over the limit of " +
                             std::to_string(settings_->max_message_bytes) +
                             " bytes; it was stopped and is started again on the next request"));
  }
  // No more messages can come: a process without stdout is of no use.
  child_->kill();
}

asio::awaitable<void> StdioLink::stderr_loop() {
  auto self = shared_from_this();
  std::array<char, 16 * 1024> buffer;
  LineSplitter splitter(4096);
  for (;;) {
    auto [ec, n] = co_await child_->stderr_pipe().async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    splitter.feed(
        std::string_view(buffer.data(), n),
        [&](std::string_view line) {
          {
            std::lock_guard lock(mutex_);
            stderr_tail_.push_back(shorten(line));
            if (stderr_tail_.size() > kStderrTail) stderr_tail_.pop_front();
          }
          // The backend's own log, in Gatehouse's, at a bounded rate.
          if (auto count = stderr_throttle_.occurred())
            spdlog::info("backend {} [{}]: {}{}", settings_->name, pid_, shorten(line),
                         *count > 1 ? " (" + std::to_string(*count - 1) + " earlier lines not shown)" : "");
        },
        [](std::size_t) {});
  }
}

asio::awaitable<void> StdioLink::exit_watch() {
  auto self = shared_from_this();
  auto status = co_await child_->wait();
  {
    std::lock_guard lock(mutex_);
    exit_status_ = status;
  }
  closed(backend_error(settings_->name, reason::exited,
                       "the process ended (" + status + ") before answering; it is started again on the next request"));
}

void StdioLink::closed(const McpError& error) {
  {
    std::lock_guard lock(mutex_);
    dead_ = true;
  }
  if (auto events = events_.lock()) events->on_closed(error);
}

void StdioLink::on_line(std::string_view line) {
  boost::system::error_code ec;
  json::value value = json::parse(line, ec);
  if (ec || !value.is_object()) {
    // Often a print() meant for a log: stdout is for MCP messages only.
    {
      std::lock_guard lock(mutex_);
      ++not_json_;
    }
    if (auto count = noise_throttle_.occurred())
      spdlog::warn("backend {}: process {} wrote {} line(s) on stdout that are not JSON-RPC messages (stdout carries "
                   "MCP messages only; write logs to stderr), e.g.: {}",
                   settings_->name, pid_, *count, shorten(line));
    return;
  }
  if (auto events = events_.lock()) events->on_message(std::move(value), nullptr);
}

}  // namespace gatehouse::gateway
