#pragma once
// HTTP vocabulary shared by the listener, the router and the handlers.
// A handler is a function from a request to a Reply: a complete response, or
// response headers plus a stream of body chunks (Server-Sent Events).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace gatehouse::net {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// The body of a streamed response, pulled chunk by chunk by the connection.
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  // The next chunk, or nullopt when the stream ends.
  virtual boost::asio::awaitable<std::optional<std::string>> next() = 0;
  // The connection ended before the stream did (peer gone, write failed, shutdown).
  virtual void abandoned() {}
};

struct Reply {
  Response response;  // for a stream: status and headers only
  std::shared_ptr<StreamSource> stream;
  // For the access log: the OAuth client the request was served for, when
  // the handler knows it (runtime/access_log.hpp). Never sent.
  std::string client_id;
};

struct Peer {
  boost::asio::ip::tcp::endpoint remote;
  boost::asio::ip::tcp::endpoint local;
  // Who sent the request: `remote`, or the client a trusted proxy names
  // (see client_address.hpp). Rate limits and logs use this.
  boost::asio::ip::address client;
};

using Handler = std::function<boost::asio::awaitable<Reply>(Request&, const Peer&)>;

// A JSON response with the headers every API answer carries.
Response json_response(http::status status, std::string body, unsigned version = 11, bool keep_alive = true);
// {"error": code, "error_description": description} — the shape OAuth uses,
// and the one Gatehouse uses for every non-MCP error.
Response error_response(http::status status, std::string_view code, std::string_view description,
                        unsigned version = 11, bool keep_alive = true);

// Reply helpers.
inline Reply reply(Response r) { return Reply{std::move(r), nullptr, {}}; }

}  // namespace gatehouse::net
