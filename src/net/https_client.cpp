#include "net/https_client.hpp"

#include "net/async_signal.hpp"
#include "net/text.hpp"
#include "net/url.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace gatehouse::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::ip::address;
using Clock = std::chrono::steady_clock;
using Result = std::variant<HttpsResponse, FetchFailure>;
using Resolved = std::variant<std::vector<address>, std::string>;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Response header block cap. Metadata and JWKS responses carry a handful of
// fields; Beast's default (8 KiB) is close to what real servers send with
// long CSP and cookie headers, so allow twice that.
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// 1xx interim responses (RFC 9110 §15.2, e.g. 103 Early Hints) skipped
// before the final response; a peer sending more is not answering.
constexpr int kMaxInterimResponses = 5;
constexpr std::string_view kDefaultUserAgent = "Gatehouse";

// Boost.URL's string views, as standard ones.
template <class View>
std::string_view view(const View& v) {
  return std::string_view(v.data(), v.size());
}

FetchFailure failure(FetchFailureKind kind, std::string reason) { return FetchFailure{kind, std::move(reason)}; }

std::string duration_text(std::chrono::milliseconds t) {
  if (t.count() % 1000 == 0) return std::to_string(t.count() / 1000) + " s";
  return std::to_string(t.count()) + " ms";
}

std::string endpoint_text(const tcp::endpoint& endpoint) {
  if (endpoint.address().is_v6()) return "[" + endpoint.address().to_string() + "]:" + std::to_string(endpoint.port());
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// What a URL names, after the checks that need no network.
struct Target {
  std::string host_header;  // RFC 9110 §7.2: uri-host [":" port]
  std::string host;         // lower case, as written: what the resolver gets
  std::string peer_name;    // for SNI and the certificate check
  std::optional<address> literal;
  unsigned short port = 443;
  bool tls = true;
  std::string request_target;  // RFC 9112 §3.2.1 origin-form
};

std::variant<Target, FetchFailure> parse_target(std::string_view text, const OutboundPolicy& outbound) {
  const SsrfPolicy& policy = outbound.ssrf;
  auto url = parse_url(text);
  if (!url) return failure(FetchFailureKind::invalid_url, "not an absolute URL");
  // CIMD draft §3 and INTEROP CI1: documents are fetched over TLS only.
  const std::string scheme = lower(view(url->scheme()));
  const bool plain = scheme == "http" && outbound.allow_http;
  if (scheme != "https" && !plain) return failure(FetchFailureKind::invalid_url, "only https URLs are fetched");
  if (!url->has_authority() || url->encoded_host().empty())
    return failure(FetchFailureKind::invalid_url, "the URL has no host");
  // Credentials are never sent (RFC 9110 §4.2.4 deprecates userinfo).
  if (url->has_userinfo()) return failure(FetchFailureKind::invalid_url, "the URL carries credentials (userinfo)");

  Target target;
  target.tls = !plain;
  target.port = plain ? 80 : 443;
  if (auto port = url_port(*url)) {
    if (*port == 0) return failure(FetchFailureKind::invalid_url, "the URL's port is out of range");
    target.port = static_cast<unsigned short>(*port);
  }  // RFC 3986 §6.2.3: an empty port is the scheme's default.
  if (!port_allowed(target.port, policy))
    return failure(FetchFailureKind::port_not_allowed, "port " + std::to_string(target.port) + " is not allowed");

  std::string raw_host = lower(view(url->encoded_host()));
  switch (url->host_type()) {
    case boost::urls::host_type::ipv6:
      if (raw_host.front() != '[') raw_host = "[" + raw_host + "]";
      break;
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::name:
      break;
    default:
      return failure(FetchFailureKind::invalid_url, "unsupported host " + raw_host);
  }
  if (raw_host.find('%') != std::string::npos && url->host_type() == boost::urls::host_type::name)
    return failure(FetchFailureKind::invalid_url, "percent-encoded host names are not fetched");
  target.host = raw_host;
  target.host_header = raw_host;
  if (target.port != (target.tls ? 443 : 80)) target.host_header += ":" + std::to_string(target.port);

  // INTEROP CI3: every spelling of an IP address (2130706433, 0x7f.1, [::1])
  // is judged as that address, never handed to a resolver as a name.
  target.literal = literal_host(raw_host);
  if (target.literal) {
    target.peer_name = target.literal->to_string();
  } else if (ends_in_number(raw_host)) {
    // WHATWG URL §3.5: a host ending in a number is an IPv4 address or invalid.
    return failure(FetchFailureKind::invalid_url, raw_host + " is not a valid IPv4 address");
  } else {
    target.peer_name = raw_host;
    if (target.peer_name.back() == '.') target.peer_name.pop_back();  // RFC 6066 §3: no trailing dot in SNI
    if (target.peer_name.empty()) return failure(FetchFailureKind::invalid_url, "the URL has no host");
  }

  // RFC 9110 §4.2.4 / RFC 9112 §3.2.1: path and query; the fragment stays here.
  target.request_target = std::string(view(url->encoded_path()));
  if (target.request_target.empty()) target.request_target = "/";
  if (url->has_query()) target.request_target += "?" + std::string(view(url->encoded_query()));
  return target;
}


// A resolution that the fetch waits for no longer than its deadline. The
// system resolver (getaddrinfo on a helper thread) cannot be cancelled, so
// the fetch does not wait for it to finish: it stops listening and goes.
struct PendingResolve {
  std::mutex mutex;
  std::optional<Resolved> result;
  AsyncSignal done;
};

asio::awaitable<void> run_resolver(HostResolver resolver, std::string host, std::shared_ptr<PendingResolve> pending) {
  Resolved result;
  try {
    result = co_await resolver(std::move(host));
  } catch (const std::exception& e) {
    result = std::string(e.what());
  }
  {
    std::lock_guard lock(pending->mutex);
    pending->result = std::move(result);
  }
  pending->done.notify();
}

// RFC 6125 §6 via Asio's host_name_verification (X509_check_host for names,
// X509_check_ip_asc for address literals); a mismatch is recorded as the
// verify result so that the failure names it.
struct PeerNameCheck {
  ssl::host_name_verification check;
  bool is_address;
  bool operator()(bool preverified, ssl::verify_context& context) const {
    if (check(preverified, context)) return true;
    X509_STORE_CTX* store = context.native_handle();
    if (preverified && X509_STORE_CTX_get_error_depth(store) == 0)
      X509_STORE_CTX_set_error(store, is_address ? X509_V_ERR_IP_ADDRESS_MISMATCH : X509_V_ERR_HOSTNAME_MISMATCH);
    return false;
  }
};

std::string tls_failure_text(SSL* handle, const boost::system::error_code& ec) {
  long verify = SSL_get_verify_result(handle);
  if (verify != X509_V_OK) return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  return "TLS handshake failed: " + ec.message();
}

FetchFailure read_failure(const boost::system::error_code& ec, std::size_t max_body, std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout) return failure(FetchFailureKind::timed_out, "no answer within " + duration_text(timeout));
  if (ec == http::error::body_limit)
    return failure(FetchFailureKind::too_large, "the response is larger than " + std::to_string(max_body) + " bytes");
  if (ec == http::error::header_limit)
    return failure(FetchFailureKind::too_large,
                   "the response headers are larger than " + std::to_string(kHeaderLimit) + " bytes");
  // RFC 9112 §9.8: a close without TLS close_notify before the message's
  // end (Content-Length, last chunk) is an incomplete response.
  if (ec == ssl::error::stream_truncated || ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == asio::error::eof)
    return failure(FetchFailureKind::protocol_error, "the connection closed before the response was complete");
  if (ec.category() == make_error_code(http::error::bad_target).category())
    return failure(FetchFailureKind::protocol_error, "malformed HTTP response: " + ec.message());
  return failure(FetchFailureKind::protocol_error, "reading the response failed: " + ec.message());
}

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

struct Exchange {
  const OutboundPolicy& policy;
  const HostResolver& resolver;
  ssl::context& tls;
  Clock::time_point deadline;

  // Any failure after the deadline is the deadline's doing, whatever
  // error the layer that noticed it reported.
  bool late(const boost::system::error_code& ec) const { return ec == beast::error::timeout || Clock::now() >= deadline; }

  FetchFailure timed_out() const {
    return failure(FetchFailureKind::timed_out, "no answer within " + duration_text(policy.timeout));
  }

  // The addresses that may be contacted, in the resolver's order.
  asio::awaitable<std::variant<std::vector<address>, FetchFailure>> addresses_of(const Target& target) const {
    std::vector<address> addresses;
    if (target.literal) {
      addresses.push_back(*target.literal);
    } else {
      auto executor = co_await asio::this_coro::executor;
      auto pending = std::make_shared<PendingResolve>();
      auto task = run_resolver(resolver, target.host, pending);
      asio::co_spawn(executor, std::move(task), asio::detached);
      if (!co_await pending->done.wait(deadline - Clock::now())) co_return timed_out();
      Resolved resolved;
      {
        std::lock_guard lock(pending->mutex);
        resolved = std::move(*pending->result);
      }
      if (auto* error = std::get_if<std::string>(&resolved))
        co_return failure(FetchFailureKind::resolve_failed, target.host + " could not be resolved: " + *error);
      addresses = std::move(std::get<std::vector<address>>(resolved));
      if (addresses.empty()) co_return failure(FetchFailureKind::resolve_failed, target.host + " has no address");
    }
    // INTEROP CI3: refuse when ANY address is special-use, before connecting.
    if (auto reason = refuse_reason(addresses, policy.ssrf))
      co_return failure(FetchFailureKind::address_refused, target.host + ": " + *reason);
    co_return addresses;
  }

  asio::awaitable<Result> run(const HttpsRequest& outbound) const {
    const std::string& accept = outbound.accept;
    auto parsed = parse_target(outbound.url, policy);
    if (auto* refused = std::get_if<FetchFailure>(&parsed)) co_return *refused;
    const Target& target = std::get<Target>(parsed);
    bool line_break = has_line_break(accept) || has_line_break(outbound.content_type) ||
                      has_line_break(outbound.authorization);
    for (const auto& [name, value] : outbound.headers)
      line_break = line_break || has_line_break(name) || has_line_break(value) || name.empty() ||
                   name.find(':') != std::string::npos;
    if (line_break) co_return failure(FetchFailureKind::protocol_error, "a request header has a line break or a bad name");

    auto checked = co_await addresses_of(target);
    if (auto* refused = std::get_if<FetchFailure>(&checked)) co_return *refused;
    std::vector<tcp::endpoint> endpoints;
    for (const auto& a : std::get<std::vector<address>>(checked)) endpoints.emplace_back(a, target.port);

    // Connect only to the addresses just checked (no second resolution:
    // DNS rebinding), in order, until one answers.
    auto executor = co_await asio::this_coro::executor;
    if (!target.tls) {
      beast::tcp_stream stream(executor);
      stream.expires_at(deadline);
      auto [connect_ec, endpoint] = co_await stream.async_connect(endpoints, use_tuple);
      if (connect_ec) co_return connect_failure(target, connect_ec);
      co_return co_await talk(stream, target, endpoint_text(endpoint), outbound);
    }
    beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
    stream.next_layer().expires_at(deadline);
    auto [connect_ec, endpoint] = co_await stream.next_layer().async_connect(endpoints, use_tuple);
    if (connect_ec) co_return connect_failure(target, connect_ec);
    const std::string peer = endpoint_text(endpoint);

    // RFC 6066 §3: SNI carries host names only, never address literals.
    if (!target.literal && SSL_set_tlsext_host_name(stream.native_handle(), target.peer_name.c_str()) != 1)
      co_return failure(FetchFailureKind::tls_failed, "cannot send the server name " + target.peer_name);
    stream.set_verify_mode(ssl::verify_peer);
    PeerNameCheck check{ssl::host_name_verification(target.peer_name), target.literal.has_value()};
    stream.set_verify_callback(check);
    stream.next_layer().expires_at(deadline);
    auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::client, use_tuple);
    if (handshake_ec && late(handshake_ec)) co_return timed_out();
    if (handshake_ec)
      co_return failure(FetchFailureKind::tls_failed, peer + ": " + tls_failure_text(stream.native_handle(), handshake_ec));
    co_return co_await talk(stream, target, peer, outbound);
  }

  FetchFailure connect_failure(const Target& target, const boost::system::error_code& ec) const {
    if (late(ec)) return timed_out();
    return failure(FetchFailureKind::connect_failed,
                   "could not connect to " + target.host + " port " + std::to_string(target.port) + ": " + ec.message());
  }

  // One request and its response over a connected (and, for https,
  // verified) stream.
  template <class Stream>
  asio::awaitable<Result> talk(Stream& stream, const Target& target, std::string peer,
                               const HttpsRequest& outbound) const {
    const std::size_t max_body = outbound.max_body;
    auto& socket_layer = beast::get_lowest_layer(stream);
    // No Cookie, and Authorization only when the caller set it: a document
    // is public (CIMD draft §4), and nothing of ours may reach a host a
    // client chose.
    const bool post = outbound.method == HttpsRequest::Method::post;
    http::verb verb = http::verb::get;
    if (post) verb = http::verb::post;
    if (outbound.method == HttpsRequest::Method::del) verb = http::verb::delete_;
    http::request<http::string_body> request{verb, target.request_target, 11};
    request.set(http::field::host, target.host_header);
    std::string_view agent = outbound.user_agent;
    if (agent.empty()) agent = policy.user_agent;
    if (agent.empty()) agent = kDefaultUserAgent;
    request.set(http::field::user_agent, agent);
    request.set(http::field::accept, outbound.accept);
    if (!outbound.authorization.empty()) request.set(http::field::authorization, outbound.authorization);
    for (const auto& [name, value] : outbound.headers) request.set(name, value);
    // A body with a POST, or with a DELETE that carries one (GitHub's token
    // deletion takes the token in a JSON body).
    if (post || !outbound.body.empty()) {
      request.set(http::field::content_type, outbound.content_type);
      request.body() = outbound.body;
      request.prepare_payload();
    }
    request.set(http::field::connection, "close");  // RFC 9112 §9.6: one exchange per connection
    socket_layer.expires_at(deadline);
    auto [write_ec, written] = co_await http::async_write(stream, request, use_tuple);
    if (write_ec && late(write_ec)) co_return timed_out();
    if (write_ec) co_return failure(FetchFailureKind::protocol_error, "sending the request failed: " + write_ec.message());

    beast::flat_buffer buffer;
    std::optional<http::response_parser<http::string_body>> parser;
    for (int interim = 0;; ++interim) {
      if (interim > kMaxInterimResponses)
        co_return failure(FetchFailureKind::protocol_error, "too many interim (1xx) responses");
      parser.emplace();
      parser->header_limit(kHeaderLimit);
      // The cap holds while reading: Beast stops at body_limit, and refuses
      // a declared Content-Length above it as soon as the header is parsed.
      parser->body_limit(max_body);
      socket_layer.expires_at(deadline);
      auto [header_ec, header_bytes] = co_await http::async_read_header(stream, buffer, *parser, use_tuple);
      if (header_ec && late(header_ec)) co_return timed_out();
      if (header_ec) co_return read_failure(header_ec, max_body, policy.timeout);
      if (auto length = parser->content_length(); length && *length > max_body)
        co_return read_failure(http::error::body_limit, max_body, policy.timeout);
      unsigned status = parser->get().result_int();
      // RFC 9110 §15.2: a client parses and skips 1xx responses it did not ask for.
      if (status >= 100 && status < 200 && status != 101) continue;
      break;
    }
    socket_layer.expires_at(deadline);
    auto [body_ec, body_bytes] = co_await http::async_read(stream, buffer, *parser, use_tuple);
    if (body_ec && late(body_ec)) co_return timed_out();
    if (body_ec) co_return read_failure(body_ec, max_body, policy.timeout);

    // CIMD draft §4 (and RFC 9110 §15.4): redirects are not followed; the
    // caller sees the 3xx with its Location and decides.
    auto message = parser->release();
    HttpsResponse response;
    response.status = message.result_int();
    response.content_type = std::string(message[http::field::content_type]);
    response.cache_control = std::string(message[http::field::cache_control]);
    response.expires = std::string(message[http::field::expires]);
    response.location = std::string(message[http::field::location]);
    for (const auto& field : message)
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    response.body = std::move(message.body());
    response.peer = std::move(peer);
    // The whole message is in; no TLS close_notify is sent or awaited
    // (RFC 9112 §9.8 allows an incomplete close after a complete response).
    boost::system::error_code ignored;
    socket_layer.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return response;
  }
};

}  // namespace

asio::awaitable<Resolved> system_resolve(std::string host) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [ec, results] = co_await resolver.async_resolve(host, "443", tcp::resolver::numeric_service, use_tuple);
  if (ec) co_return ec.message();
  std::vector<address> addresses;
  for (const auto& entry : results) {
    auto a = entry.endpoint().address();
    if (std::find(addresses.begin(), addresses.end(), a) == addresses.end()) addresses.push_back(a);
  }
  co_return addresses;
}

std::string_view HttpsResponse::header(std::string_view name) const {
  for (const auto& [field, value] : headers)
    if (iequals(field, name)) return value;
  return {};
}

std::string_view to_string(FetchFailureKind kind) {
  switch (kind) {
    case FetchFailureKind::invalid_url: return "invalid_url";
    case FetchFailureKind::port_not_allowed: return "port_not_allowed";
    case FetchFailureKind::resolve_failed: return "resolve_failed";
    case FetchFailureKind::address_refused: return "address_refused";
    case FetchFailureKind::connect_failed: return "connect_failed";
    case FetchFailureKind::tls_failed: return "tls_failed";
    case FetchFailureKind::timed_out: return "timed_out";
    case FetchFailureKind::too_large: return "too_large";
    case FetchFailureKind::protocol_error: return "protocol_error";
  }
  return "unknown";
}

HttpsClient::HttpsClient(OutboundPolicy policy, HostResolver resolver)
    : policy_(std::move(policy)),
      resolver_(std::move(resolver)),
      tls_(std::make_shared<ssl::context>(ssl::context::tls_client)) {
  if (!resolver_) resolver_ = system_resolve;
  // RFC 9325 §3.1.1: TLS 1.2 or later only.
  if (SSL_CTX_set_min_proto_version(tls_->native_handle(), TLS1_2_VERSION) != 1)
    throw std::runtime_error("cannot require TLS 1.2");
  tls_->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  tls_->set_default_verify_paths();
  for (const auto& file : policy_.ca_files) {
    boost::system::error_code ec;
    tls_->load_verify_file(file.string(), ec);
    if (ec) throw std::runtime_error("cannot read CA file " + file.string() + ": " + ec.message());
  }
  tls_->set_verify_mode(ssl::verify_peer);
}

asio::awaitable<Result> HttpsClient::get(std::string url, std::string accept, std::size_t max_body) const {
  HttpsRequest request;
  request.url = std::move(url);
  request.accept = std::move(accept);
  request.max_body = max_body;
  co_return co_await send(std::move(request));
}

asio::awaitable<Result> HttpsClient::send(HttpsRequest request) const {
  Exchange exchange{policy_, resolver_, *tls_, Clock::now() + policy_.timeout};
  std::optional<FetchFailure> unexpected;
  try {
    co_return co_await exchange.run(request);
  } catch (const std::exception& e) {
    unexpected = failure(FetchFailureKind::protocol_error, std::string("the fetch failed: ") + e.what());
  }
  co_return *unexpected;
}

}  // namespace gatehouse::net
