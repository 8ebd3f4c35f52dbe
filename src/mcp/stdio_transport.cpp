#include "mcp/stdio_transport.hpp"

#include "mcp/protocol_version.hpp"
#include "mcp/session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>
#include <unistd.h>

namespace gatehouse::mcp {

namespace asio = boost::asio;

namespace {

void write_stdout(std::string_view line) {
  std::string out(line);
  out.push_back('\n');
  const char* p = out.data();
  std::size_t left = out.size();
  while (left > 0) {
    auto n = ::write(STDOUT_FILENO, p, left);
    if (n <= 0) return;  // the client went away; nothing left to tell it
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

struct StdioTransport::State : std::enable_shared_from_this<State> {
  State(asio::io_context& ioc, const Server& server, std::function<void(std::string_view)> write, DispatchOptions options)
      : strand(asio::make_strand(ioc)), dispatcher(server, std::move(options)), write_line(std::move(write)) {
    if (!write_line) write_line = write_stdout;
  }

  asio::strand<asio::io_context::executor_type> strand;
  Dispatcher dispatcher;
  std::function<void(std::string_view)> write_line;
  std::mutex write_mutex;
  std::shared_ptr<Session> session;  // set by initialize
  std::atomic<std::size_t> in_flight{0};
  std::thread reader;
  Principal principal;  // stdio runs as the local user: no token

  void send(std::string message) {
    std::lock_guard lock(write_mutex);
    write_line(message);
  }

  std::shared_ptr<Session> current_session() {
    if (!session)  // requests before initialize get a provisional session
      session = std::make_shared<Session>("stdio", std::string(kAssumedVersion), json::object{}, json::object{}, "",
                                          EventStream::Limits{});
    return session;
  }

  class Channel final : public RequestChannel {
   public:
    Channel(std::shared_ptr<State> state, std::shared_ptr<Session> session, std::shared_ptr<std::atomic<bool>> cancelled)
        : state_(std::move(state)), session_(std::move(session)), cancelled_(std::move(cancelled)) {}
    void notify(std::string_view method, json::object params) override {
      state_->send(json::serialize(jsonrpc::make_notification(method, std::move(params))));
    }
    awaitable<json::value> ask(std::string_view method, json::object params, std::string_view) override {
      auto capability = required_client_capability(method);
      if (!capability.empty() && !session_->client_capabilities().contains(capability))
        throw McpError(error_code::invalid_request,
                       "the client did not declare the " + std::string(capability) + " capability");
      // Named, not a temporary: GCC 12 destroys a lambda temporary inside a
      // co_await expression twice.
      std::function<void(std::string)> send = [state = state_](std::string m) { state->send(std::move(m)); };
      co_return co_await session_->client_requests().ask(method, std::move(params), send, std::chrono::seconds(300),
                                                         cancelled_.get());
    }
    bool cancelled() const override { return cancelled_->load(); }
    std::optional<LogLevel> log_level() const override { return session_->log_level(); }
    const json::object& client_capabilities() const override { return session_->client_capabilities(); }
    std::string_view protocol_version() const override { return session_->version(); }

   private:
    std::shared_ptr<State> state_;
    std::shared_ptr<Session> session_;
    std::shared_ptr<std::atomic<bool>> cancelled_;
  };

  // Runs on the strand.
  void handle(json::value value, bool in_batch, std::shared_ptr<std::vector<json::value>> batch_out,
              std::shared_ptr<std::size_t> batch_left) {
    auto classified = jsonrpc::classify(std::move(value));
    if (auto* invalid = std::get_if<jsonrpc::Invalid>(&classified)) {
      auto error = jsonrpc::make_error(invalid->id, invalid->code, "Invalid Request: " + invalid->message);
      finish(std::move(error), in_batch, batch_out, batch_left);
      return;
    }
    auto message = std::move(std::get<jsonrpc::Message>(classified));
    if (message.kind == jsonrpc::Kind::response) {
      current_session()->client_requests().deliver(message.id, std::move(message.result), std::move(message.error));
      finish(nullptr, in_batch, batch_out, batch_left);
      return;
    }
    if (message.kind == jsonrpc::Kind::notification) {
      if (message.method == "notifications/cancelled")
        if (auto* id = message.params.if_contains("requestId")) current_session()->cancel_request(*id);
      finish(nullptr, in_batch, batch_out, batch_left);
      return;
    }
    if (message.method == "initialize") {
      std::string version = "2025-11-25";
      if (auto* v = message.params.if_contains("protocolVersion"); v && v->is_string())
        version = negotiate_session_version(v->get_string());
      json::object caps, info;
      if (auto* c = message.params.if_contains("capabilities"); c && c->is_object()) caps = c->get_object();
      if (auto* i = message.params.if_contains("clientInfo"); i && i->is_object()) info = i->get_object();
      session = std::make_shared<Session>("stdio", version, std::move(caps), std::move(info), "", EventStream::Limits{});
      finish(jsonrpc::make_result(message.id, dispatcher.initialize_result(version)), in_batch, batch_out, batch_left);
      return;
    }
    auto s = current_session();
    auto cancelled = s->begin_request(message.id);
    ++in_flight;
    asio::co_spawn(
        strand,
        [self = shared_from_this(), message = std::move(message), s, cancelled, in_batch, batch_out,
         batch_left]() -> asio::awaitable<void> {
          Channel channel(self, s, cancelled);
          auto response = co_await self->dispatcher.dispatch(Call{message, channel, self->principal, s.get()});
          s->end_request(message.id);
          --self->in_flight;
          json::value answer = nullptr;  // a cancelled request gets no response
          if (!cancelled->load()) answer = std::move(response);
          self->finish(std::move(answer), in_batch, batch_out, batch_left);
        },
        asio::detached);
  }

  void finish(json::value response, bool in_batch, const std::shared_ptr<std::vector<json::value>>& batch_out,
              const std::shared_ptr<std::size_t>& batch_left) {
    if (!in_batch) {
      if (!response.is_null()) send(json::serialize(response));
      return;
    }
    if (!response.is_null()) batch_out->push_back(std::move(response));
    if (--*batch_left == 0 && !batch_out->empty()) {
      json::array all(batch_out->begin(), batch_out->end());
      send(json::serialize(all));
    }
  }

  void receive(std::string line) {
    if (line.find_first_not_of(" \t\r\n") == std::string::npos) return;
    boost::system::error_code ec;
    json::value value = json::parse(line, ec);
    if (ec) {
      send(json::serialize(jsonrpc::make_error(nullptr, error_code::parse_error, "Parse error: " + ec.message())));
      return;
    }
    if (auto* batch = value.if_array()) {
      if (batch->empty()) {
        send(json::serialize(jsonrpc::make_error(nullptr, error_code::invalid_request, "Invalid Request: empty batch")));
        return;
      }
      auto out = std::make_shared<std::vector<json::value>>();
      auto left = std::make_shared<std::size_t>(batch->size());
      for (auto& item : *batch) handle(std::move(item), true, out, left);
      return;
    }
    handle(std::move(value), false, nullptr, nullptr);
  }
};

StdioTransport::StdioTransport(asio::io_context& ioc, const Server& server, std::function<void(std::string_view)> write_line,
                               DispatchOptions options)
    : state_(std::make_shared<State>(ioc, server, std::move(write_line), std::move(options))) {}

StdioTransport::~StdioTransport() {
  if (state_->reader.joinable()) state_->reader.detach();
}

void StdioTransport::receive(std::string line) {
  asio::post(state_->strand, [state = state_, line = std::move(line)]() mutable { state->receive(std::move(line)); });
}

void StdioTransport::start_reading_stdin(std::function<void()> on_eof) {
  // A plain thread: stdin may be a file or a pipe, which epoll cannot watch
  // in every case, and one blocking reader costs nothing.
  state_->reader = std::thread([state = state_, on_eof = std::move(on_eof)] {
    std::string line;
    while (std::getline(std::cin, line))
      asio::post(state->strand, [state, line]() mutable { state->receive(std::move(line)); });
    asio::post(state->strand, on_eof);
  });
}

std::size_t StdioTransport::in_flight() const { return state_->in_flight.load(); }

}  // namespace gatehouse::mcp
