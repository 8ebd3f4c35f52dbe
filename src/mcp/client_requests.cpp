#include "mcp/client_requests.hpp"

#include "mcp/jsonrpc.hpp"

#include <gatehouse/error.hpp>

namespace gatehouse::mcp {

std::string_view required_client_capability(std::string_view method) {
  if (method.starts_with("sampling/")) return "sampling";
  if (method.starts_with("elicitation/")) return "elicitation";
  if (method.starts_with("roots/")) return "roots";
  return {};
}

boost::asio::awaitable<json::value> ClientRequests::ask(std::string_view method, json::object params,
                                                        const std::function<void(std::string)>& send,
                                                        std::chrono::steady_clock::duration timeout,
                                                        const std::atomic<bool>* cancelled) {
  // Ids of server-initiated requests are strings so they never collide with
  // the client's numeric ids in logs.
  json::value id = json::string("s" + std::to_string(next_id_++));
  auto key = jsonrpc::id_key(id);
  auto pending = std::make_shared<Pending>();
  {
    std::lock_guard lock(mutex_);
    pending_.emplace(key, pending);
  }
  struct Erase {
    ClientRequests& self;
    std::string key;
    ~Erase() {
      std::lock_guard lock(self.mutex_);
      self.pending_.erase(key);
    }
  } erase{*this, key};

  send(json::serialize(jsonrpc::make_request(id, method, std::move(params))));

  auto deadline = clock_.monotonic() + timeout;
  // Wake up now and then to notice cancellation of the request being served.
  constexpr auto kPoll = std::chrono::milliseconds(500);
  for (;;) {
    {
      std::lock_guard lock(pending->mutex);
      if (pending->done) break;
    }
    if (cancelled && cancelled->load()) throw McpError(error_code::internal_error, "request cancelled");
    auto now = clock_.monotonic();
    if (now >= deadline)
      throw McpError(error_code::internal_error, "the client did not answer " + std::string(method) + " in time");
    co_await pending->signal.wait(std::min<std::chrono::steady_clock::duration>(deadline - now, kPoll));
  }
  std::lock_guard lock(pending->mutex);
  if (!pending->error.is_null()) {
    int code = error_code::internal_error;
    std::string message = "the client answered with an error";
    if (auto* e = pending->error.if_object()) {
      if (auto* c = e->if_contains("code"); c && c->is_int64()) code = static_cast<int>(c->get_int64());
      if (auto* m = e->if_contains("message"); m && m->is_string()) message = m->get_string();
    }
    throw McpError(code, std::string(method) + ": " + message);
  }
  co_return std::move(pending->result);
}

bool ClientRequests::deliver(const json::value& id, json::value result, json::value error) {
  std::shared_ptr<Pending> pending;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(jsonrpc::id_key(id));
    if (it == pending_.end()) return false;
    pending = it->second;
  }
  {
    std::lock_guard lock(pending->mutex);
    if (pending->done) return false;
    pending->done = true;
    pending->result = std::move(result);
    pending->error = std::move(error);
  }
  pending->signal.notify();
  return true;
}

std::size_t ClientRequests::waiting() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace gatehouse::mcp
