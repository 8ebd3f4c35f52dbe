#pragma once
// The redirect target of an interactive sign-in: an HTTP listener on
// 127.0.0.1 that waits for the browser to come back to /callback (RFC 8252
// §7.3, loopback interface redirection), answers it with a short page, and
// hands over what the authorization server sent.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace gatehouse::doctor {

struct CallbackRequest {
  std::string method;  // "GET" normally; "POST" after a 307/308 from a form post
  std::string target;  // "/callback?code=...&state=..."
  std::string body;    // a re-posted form
};

class LoopbackCallback {
 public:
  // Listens on 127.0.0.1 on a port the kernel picks; throws on failure.
  explicit LoopbackCallback(const boost::asio::any_io_executor& executor);
  ~LoopbackCallback();

  unsigned short port() const;
  std::string redirect_uri() const { return "http://127.0.0.1:" + std::to_string(port()) + "/callback"; }

  // The first request to /callback, or nullopt when none came within `wait`.
  boost::asio::awaitable<std::optional<CallbackRequest>> next(std::chrono::seconds wait);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace gatehouse::doctor
