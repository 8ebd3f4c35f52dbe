#pragma once
// Streamable HTTP to a backend as a link (MCP 2025-11-25 basic/transports):
// every message is a POST; an answer comes as JSON or as an SSE stream that
// also carries the request's notifications and questions (so they reach the
// right client exactly); the session id of initialize goes with every later
// request, and a 404 for it means the backend forgot the session (opened
// again, the request sent again); a GET stream carries what is not tied to
// a request. Headers come from the configuration; the client's own token is
// never sent. https is verified against the system store (plus ca_file).
#include "gateway/backend_settings.hpp"
#include "gateway/link.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

namespace gatehouse::gateway {

class HttpLink final : public Link, public std::enable_shared_from_this<HttpLink> {
 public:
  // The TLS client context every link of a backend shares (system trust
  // store and the backend's ca_file); null for an http:// URL. Throws
  // config::ConfigError when ca_file cannot be read.
  static std::shared_ptr<void> make_tls_context(const BackendSettings& settings);

  HttpLink(boost::asio::strand<boost::asio::any_io_executor> strand, std::shared_ptr<const BackendSettings> settings,
           std::map<std::string, std::string> headers, std::shared_ptr<void> tls);
  ~HttpLink() override;

  boost::asio::awaitable<void> open(std::shared_ptr<LinkEvents> events) override;
  void send(json::object message, std::shared_ptr<Route> route) override;
  boost::asio::awaitable<void> send_in_order(json::object message) override;
  void negotiated(std::string_view version) override;
  void ready() override;
  void close(std::string_view why) override;
  std::string describe() const override { return settings_->url; }
  bool routes_exactly() const override { return true; }

 private:
  struct Connection;
  struct Target {
    bool tls = false;
    std::string host;        // for connecting, SNI and the certificate check
    std::string port;
    std::string host_header;
    std::string path;        // origin-form request target
  };

  boost::asio::awaitable<void> post(json::object message, std::shared_ptr<Route> route);
  boost::asio::awaitable<void> listen();  // the GET stream
  boost::asio::awaitable<void> end_session();
  // A connection to the backend: an idle one kept alive, or a new one.
  // Returns null and sets `error` when none can be made.
  boost::asio::awaitable<std::unique_ptr<Connection>> connect(std::string& error, bool& reused);
  void keep(std::unique_ptr<Connection> connection);
  void deliver(json::value message, const std::shared_ptr<Route>& route);
  void fail(const json::value& id, std::string_view why, const std::string& text, const std::shared_ptr<Route>& route);
  std::map<std::string, std::string> request_headers() const;
  // A GET (for an event stream) or DELETE with the session's headers.
  boost::beast::http::request<boost::beast::http::empty_body> bodiless(boost::beast::http::verb verb) const;

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::shared_ptr<const BackendSettings> settings_;
  std::map<std::string, std::string> headers_;
  std::shared_ptr<void> tls_;
  Target target_;
  std::weak_ptr<LinkEvents> events_;

  mutable std::mutex mutex_;  // everything below
  std::string session_id_;
  std::string version_;
  bool closed_ = false;
  bool listening_ = false;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::set<Connection*> busy_;  // to end their reads on close
};

}  // namespace gatehouse::gateway
