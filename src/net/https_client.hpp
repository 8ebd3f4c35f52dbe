#pragma once
// Outbound HTTPS GET for documents named by client-supplied URLs: Client ID
// Metadata Documents (draft-ietf-oauth-client-id-metadata-document), JWKS,
// and later upstream OAuth metadata. Every fetch is guarded against SSRF
// (INTEROP CI3, ssrf_guard.hpp): only https, only allowed ports, every
// resolved address checked before any connection, and the connection made
// only to the addresses that were checked.
//
//   HttpsClient client({.ssrf = {.allowed_ports = {443}}});
//   auto result = co_await client.get(url, "application/json", 5 * 1024);
//   if (auto* failure = std::get_if<FetchFailure>(&result)) ...
//
// What it never does: follow redirects (a 3xx is returned as it is), send
// cookies, reuse connections, or wait longer than OutboundPolicy::timeout in
// total. Credentials (Authorization) go only where a caller's send() puts
// them — to an upstream provider the operator configured, never to a URL a
// client chose.
#include "net/ssrf_guard.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace gatehouse::net {

// Resolves a host name to addresses. Injected in tests; the default uses
// boost::asio::ip::tcp::resolver on the calling coroutine's executor.
// Returns the addresses, or an error text ("no such host", ...).
using HostResolver = std::function<boost::asio::awaitable<std::variant<std::vector<boost::asio::ip::address>, std::string>>(
    std::string host)>;

// The default HostResolver: the system's (getaddrinfo), every address once,
// in the order returned.
boost::asio::awaitable<std::variant<std::vector<boost::asio::ip::address>, std::string>> system_resolve(std::string host);

struct OutboundPolicy {
  // Which destinations may be contacted. allow_private (--insecure-dev) is
  // how local tests reach 127.0.0.1.
  SsrfPolicy ssrf;
  // One deadline for the whole exchange: resolve, connect, TLS handshake,
  // request and response. A slow peer cannot hold a request of ours longer.
  std::chrono::milliseconds timeout{5000};
  // Empty: "Gatehouse".
  std::string user_agent;
  // PEM trust anchors added to the system store (a private CA, test CAs).
  std::vector<std::filesystem::path> ca_files;
  // Plain http:// URLs too. Only for `gatehouse doctor --insecure-dev`,
  // which probes a server on the operator's own machine; every fetch of a
  // URL a client chose stays https-only (CI1).
  bool allow_http = false;
};

struct HttpsResponse {
  unsigned status = 0;
  std::string content_type, cache_control, expires, location;
  std::string body;
  std::string peer;  // "203.0.113.7:443": the address connected to, for logs
  // Every header field as received, in order (names as sent): for callers
  // that read more than the fields above (WWW-Authenticate, Mcp-Session-Id).
  std::vector<std::pair<std::string, std::string>> headers;

  // The first field named `name` (case-insensitive, RFC 9110 §5.1), or "".
  std::string_view header(std::string_view name) const;
};

enum class FetchFailureKind {
  invalid_url,       // not an absolute https URL with a usable host
  port_not_allowed,  // the port is not in SsrfPolicy::allowed_ports
  resolve_failed,    // the name did not resolve
  address_refused,   // an address of the host is special-use (CI3)
  connect_failed,    // no address accepted a connection
  tls_failed,        // handshake or certificate verification failed
  timed_out,         // OutboundPolicy::timeout passed
  too_large,         // the response exceeds the caller's cap
  protocol_error,    // a malformed or incomplete HTTP response
};
std::string_view to_string(FetchFailureKind kind);

struct FetchFailure {
  FetchFailureKind kind;
  // For people and logs, e.g. "the response is larger than 5120 bytes".
  std::string reason;
};

// One request: GET, or POST of a form (an OAuth token or revocation
// request to an upstream provider), or DELETE (RFC 7592 §2.3).
struct HttpsRequest {
  enum class Method { get, post, del };
  Method method = Method::get;
  std::string url;
  std::string accept = "application/json";
  std::string content_type;   // with a body: e.g. application/x-www-form-urlencoded
  std::string body;           // POST, or a DELETE that takes one
  std::string authorization;  // "" or the Authorization value (Basic/Bearer)
  // More header fields (e.g. an API key header for a connect-form check);
  // names and values with line breaks are refused.
  std::vector<std::pair<std::string, std::string>> headers;
  std::size_t max_body = 64 * 1024;  // a larger response is refused while read
  std::string user_agent;            // "" : OutboundPolicy::user_agent
};

class HttpsClient {
 public:
  // Throws std::runtime_error naming the file when a CA file cannot be read.
  explicit HttpsClient(OutboundPolicy policy, HostResolver resolver = {});

  // GET `url` with `Accept: accept`; a body longer than `max_body` bytes is
  // refused while it is read. Runs on the calling coroutine's executor.
  // Never throws for network input. Safe to call concurrently; the client
  // must outlive the calls.
  boost::asio::awaitable<std::variant<HttpsResponse, FetchFailure>> get(std::string url, std::string accept,
                                                                        std::size_t max_body) const;
  // Any request; the same guards, deadline and failures as get(). The
  // Authorization value is sent only to the URL given: redirects are never
  // followed.
  boost::asio::awaitable<std::variant<HttpsResponse, FetchFailure>> send(HttpsRequest request) const;

  const OutboundPolicy& policy() const { return policy_; }

 private:
  OutboundPolicy policy_;
  HostResolver resolver_;
  // Configured once in the constructor, then only read: OpenSSL allows
  // concurrent SSL_new on a configured SSL_CTX.
  std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace gatehouse::net
