#include "net/https_client.hpp"

#include "net/text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unistd.h>

namespace gatehouse::net {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::ip::address;
using asio::ip::make_address;
using Resolved = std::variant<std::vector<address>, std::string>;
using Result = std::variant<HttpsResponse, FetchFailure>;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// ---- a throwaway PKI: an EC P-256 CA and server certificates it signs ----

struct KeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CertFree {
  void operator()(X509* p) const { X509_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

Key p256_key() {
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw std::runtime_error("EC key generation failed");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!extension || X509_add_ext(cert, extension, -1) != 1) throw std::runtime_error("cannot add certificate extension");
  X509_EXTENSION_free(extension);
}

// A CA certificate when `issuer` is null (self-signed), else a server
// certificate for `san` signed by `issuer`/`issuer_key`.
Cert make_certificate(EVP_PKEY* key, const char* common_name, X509* issuer, EVP_PKEY* issuer_key, const char* san,
                      long serial) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (!issuer) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), signer, NID_subject_alt_name, san);
    add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  }
  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0)
    throw std::runtime_error("certificate signing failed");
  return cert;
}

struct TestPki {
  Key ca_key = p256_key();
  Key server_key = p256_key();
  Cert ca = make_certificate(ca_key.get(), "Gatehouse test CA", nullptr, nullptr, nullptr, 1);
  Cert localhost = make_certificate(server_key.get(), "localhost", ca.get(), ca_key.get(),
                                    "DNS:localhost,IP:127.0.0.1", 2);
  Cert other = make_certificate(server_key.get(), "other.example", ca.get(), ca_key.get(), "DNS:other.example", 3);
  std::filesystem::path ca_file = std::filesystem::temp_directory_path() /
                                  ("gatehouse-https-client-test-ca-" + std::to_string(::getpid()) + ".pem");

  TestPki() {
    FILE* f = std::fopen(ca_file.c_str(), "w");
    if (!f) throw std::runtime_error("cannot write " + ca_file.string());
    PEM_write_X509(f, ca.get());
    std::fclose(f);
  }
  ~TestPki() {
    std::error_code ignored;
    std::filesystem::remove(ca_file, ignored);
  }
};

const TestPki& pki() {
  static TestPki instance;
  return instance;
}

// ---- an in-process TLS server on 127.0.0.1 that records what it is sent ----

class TlsServer : public std::enable_shared_from_this<TlsServer> {
 public:
  TlsServer(asio::io_context& io, X509* cert) : io_(io), tls_(ssl::context::tls_server), acceptor_(io) {
    SSL_CTX_use_certificate(tls_.native_handle(), cert);
    SSL_CTX_use_PrivateKey(tls_.native_handle(), pki().server_key.get());
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(make_address("127.0.0.1"), 0));
    acceptor_.listen();
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  void start() { asio::co_spawn(io_, accept_loop(shared_from_this()), asio::detached); }

  std::string reply;         // raw response bytes; empty: never answer
  bool close_after = false;  // close TCP right after the reply, without close_notify
  int accepted = 0;
  std::vector<std::string> requests;  // request heads as received

 private:
  static asio::awaitable<void> accept_loop(std::shared_ptr<TlsServer> self) {
    for (;;) {
      auto [ec, socket] = co_await self->acceptor_.async_accept(use_tuple);
      if (ec) co_return;
      ++self->accepted;
      asio::co_spawn(self->io_, session(self, std::move(socket)), asio::detached);
    }
  }

  static asio::awaitable<void> session(std::shared_ptr<TlsServer> self, tcp::socket socket) {
    if (self->plain) {
      co_await serve(self, socket);
      co_return;
    }
    ssl::stream<tcp::socket> stream(std::move(socket), self->tls_);
    auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (handshake_ec) co_return;
    co_await serve(self, stream);
  }

  template <class Stream>
  static asio::awaitable<void> serve(std::shared_ptr<TlsServer> self, Stream& stream) {
    std::string head;
    auto [read_ec, n] = co_await asio::async_read_until(stream, asio::dynamic_buffer(head), "\r\n\r\n", use_tuple);
    if (read_ec) co_return;
    self->requests.push_back(head.substr(0, n));
    if (!self->reply.empty()) {
      auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(self->reply), use_tuple);
      if (write_ec) co_return;
    }
    if (self->close_after) {
      boost::system::error_code ignored;
      stream.lowest_layer().close(ignored);
      co_return;
    }
    // Hold the connection until the client lets go of it.
    char byte;
    co_await stream.async_read_some(asio::buffer(&byte, 1), use_tuple);
  }

 public:
  bool plain = false;  // plain HTTP: no TLS handshake

 private:
  asio::io_context& io_;
  ssl::context tls_;
  tcp::acceptor acceptor_;
};

// A plain TCP listener on 127.0.0.1 that counts connections and closes them:
// proof that a refused fetch never reached the connect step.
class CountingListener : public std::enable_shared_from_this<CountingListener> {
 public:
  explicit CountingListener(asio::io_context& io) : acceptor_(io) {
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(make_address("127.0.0.1"), 0));
    acceptor_.listen();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  void start() { asio::co_spawn(acceptor_.get_executor(), loop(shared_from_this()), asio::detached); }
  int accepted = 0;

 private:
  static asio::awaitable<void> loop(std::shared_ptr<CountingListener> self) {
    for (;;) {
      auto [ec, socket] = co_await self->acceptor_.async_accept(use_tuple);
      if (ec) co_return;
      ++self->accepted;
    }
  }
  tcp::acceptor acceptor_;
};

// ---- injected resolvers ----

using Table = std::map<std::string, std::vector<address>>;

asio::awaitable<Resolved> look_up(Table table, std::shared_ptr<std::vector<std::string>> asked, std::string host) {
  asked->push_back(host);
  auto it = table.find(host);
  if (it == table.end()) co_return std::string("no such host");
  co_return it->second;
}

// Answers from `table`, recording each name it is asked for in `asked`.
HostResolver table_resolver(Table table, std::shared_ptr<std::vector<std::string>> asked) {
  return [table, asked](std::string host) { return look_up(table, asked, std::move(host)); };
}

asio::awaitable<Resolved> never_answer(std::string) {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::hours(1));
  co_await timer.async_wait(use_tuple);
  co_return std::string("gave up");
}

// Runs one fetch to its end (bounded), then stops the context.
Result fetch(asio::io_context& io, const HttpsClient& client, std::string url, std::size_t max_body = 64 * 1024,
             std::string accept = "application/json") {
  std::optional<Result> out;
  auto done = [&](std::exception_ptr, Result result) {
    out = std::move(result);
    io.stop();
  };
  asio::co_spawn(io, client.get(std::move(url), std::move(accept), max_body), done);
  io.run_for(std::chrono::seconds(20));
  io.restart();
  if (!out) return FetchFailure{FetchFailureKind::protocol_error, "test: the fetch did not finish"};
  return *out;
}

std::string kind_of(const Result& result) {
  if (auto* f = std::get_if<FetchFailure>(&result)) return std::string(to_string(f->kind)) + ": " + f->reason;
  return "response " + std::to_string(std::get<HttpsResponse>(result).status);
}

void expect_failure(const Result& result, FetchFailureKind kind, std::string_view context = {}) {
  auto* f = std::get_if<FetchFailure>(&result);
  ASSERT_NE(f, nullptr) << context << ": got " << kind_of(result);
  EXPECT_EQ(f->kind, kind) << context << ": got " << kind_of(result);
}

// A client for the local TLS server: loopback allowed, its port allowed,
// "localhost" resolving to 127.0.0.1, the test CA trusted.
OutboundPolicy local_policy(unsigned short port, bool trust_test_ca = true) {
  OutboundPolicy policy;
  policy.ssrf.allow_private = true;
  policy.ssrf.allowed_ports = {port};
  policy.timeout = std::chrono::milliseconds(3000);
  if (trust_test_ca) policy.ca_files = {pki().ca_file};
  return policy;
}

HostResolver localhost_resolver(std::shared_ptr<std::vector<std::string>> asked = std::make_shared<std::vector<std::string>>()) {
  return table_resolver({{"localhost", {make_address("127.0.0.1")}}}, asked);
}

std::string url_for(std::string_view host, unsigned short port, std::string_view path = "/client.json") {
  return "https://" + std::string(host) + ":" + std::to_string(port) + std::string(path);
}

std::string ok_response(std::string_view body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: max-age=60\r\n"
         "Expires: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// ---- SSRF guard, no traffic (INTEROP CI3, CI1) ----

TEST(HttpsClient, CI3_RefusesSpecialUseAddressesBeforeConnecting) {
  asio::io_context io;
  auto listener = std::make_shared<CountingListener>(io);
  listener->start();
  const auto port = std::to_string(listener->port());
  auto asked = std::make_shared<std::vector<std::string>>();
  Table table = {
      {"loopback.example", {make_address("127.0.0.1")}},
      {"mixed.example", {make_address("93.184.215.14"), make_address("10.0.0.1")}},
      {"mixed-loopback.example", {make_address("93.184.215.14"), make_address("127.0.0.1")}},
  };
  OutboundPolicy policy;
  policy.ssrf.allowed_ports = {443, listener->port()};
  policy.timeout = std::chrono::milliseconds(300);
  HttpsClient client(policy, table_resolver(table, asked));

  const std::string urls[] = {
      "https://127.0.0.1:" + port + "/x",
      "https://10.0.0.1/x",
      "https://169.254.169.254/latest",
      "https://[::1]:" + port + "/x",
      "https://[::ffff:127.0.0.1]:" + port + "/x",
      "https://2130706433:" + port + "/x",
      "https://0x7f.1:" + port + "/x",
      "https://0.0.0.0:" + port + "/x",
      "https://loopback.example:" + port + "/x",
      "https://mixed.example/x",
      "https://mixed-loopback.example:" + port + "/x",
  };
  for (const auto& url : urls) {
    auto result = fetch(io, client, url);
    expect_failure(result, FetchFailureKind::address_refused, url);
  }
  io.poll();  // let the listener see any connection that was made
  EXPECT_EQ(listener->accepted, 0);
  // Address literals are judged as addresses, never looked up as names.
  EXPECT_EQ(*asked, (std::vector<std::string>{"loopback.example", "mixed.example", "mixed-loopback.example"}));
}

TEST(HttpsClient, CI3_RefusalNamesTheAddressAndRange) {
  asio::io_context io;
  auto asked = std::make_shared<std::vector<std::string>>();
  HttpsClient client({}, table_resolver({{"internal.example", {make_address("10.0.0.5")}}}, asked));
  auto result = fetch(io, client, "https://internal.example/client.json");
  expect_failure(result, FetchFailureKind::address_refused);
  const auto& reason = std::get<FetchFailure>(result).reason;
  EXPECT_NE(reason.find("internal.example"), std::string::npos) << reason;
  EXPECT_NE(reason.find("10.0.0.5"), std::string::npos) << reason;
  EXPECT_NE(reason.find("10.0.0.0/8"), std::string::npos) << reason;
}

// The control for the test above: the same listener does count a connection
// once the policy lets loopback through.
TEST(HttpsClient, CI3_InsecureDevAllowsLoopback) {
  asio::io_context io;
  auto listener = std::make_shared<CountingListener>(io);
  listener->start();
  OutboundPolicy policy;
  policy.ssrf.allow_private = true;
  policy.ssrf.allowed_ports = {listener->port()};
  policy.timeout = std::chrono::milliseconds(300);
  HttpsClient client(policy);
  auto result = fetch(io, client, url_for("127.0.0.1", listener->port()));
  ASSERT_TRUE(std::holds_alternative<FetchFailure>(result));  // the listener speaks no TLS
  EXPECT_NE(std::get<FetchFailure>(result).kind, FetchFailureKind::address_refused);
  io.poll();
  EXPECT_EQ(listener->accepted, 1);
}

// The system resolver (getaddrinfo; "localhost" comes from the hosts file,
// no DNS traffic) feeds the same check.
TEST(HttpsClient, CI3_DefaultResolverResultsAreChecked) {
  asio::io_context io;
  OutboundPolicy policy;
  policy.timeout = std::chrono::milliseconds(2000);
  HttpsClient client(policy);
  expect_failure(fetch(io, client, "https://localhost/client.json"), FetchFailureKind::address_refused);
}

TEST(HttpsClient, CI3_RefusesHostsEndingInAnUndecodableNumber) {
  asio::io_context io;
  auto asked = std::make_shared<std::vector<std::string>>();
  HttpsClient client({}, table_resolver({}, asked));
  for (std::string url : {"https://1.2.3.999/x", "https://example.0x1f/x", "https://4294967296/x"}) {
    auto result = fetch(io, client, url);
    auto* f = std::get_if<FetchFailure>(&result);
    ASSERT_NE(f, nullptr) << url;
    EXPECT_TRUE(f->kind == FetchFailureKind::invalid_url || f->kind == FetchFailureKind::address_refused)
        << url << ": " << kind_of(result);
  }
  EXPECT_TRUE(asked->empty());
}

TEST(HttpsClient, CI1_RefusesPortsNotAllowed) {
  asio::io_context io;
  auto asked = std::make_shared<std::vector<std::string>>();
  HttpsClient client({}, table_resolver({}, asked));
  expect_failure(fetch(io, client, "https://example.com:8443/client.json"), FetchFailureKind::port_not_allowed);
  expect_failure(fetch(io, client, "https://example.com:22/"), FetchFailureKind::port_not_allowed);
  // 65979 is 443 + 65536: never read as port 443 by keeping the low 16 bits.
  expect_failure(fetch(io, client, "https://example.com:65979/"), FetchFailureKind::invalid_url);
  EXPECT_TRUE(asked->empty());
}

TEST(HttpsClient, CI1_RefusesUrlsThatAreNotHttps) {
  asio::io_context io;
  auto asked = std::make_shared<std::vector<std::string>>();
  HttpsClient client({}, table_resolver({}, asked));
  for (std::string url : {"http://example.com/client.json", "ftp://example.com/", "not a url", "https:///path",
                          "https://user:secret@example.com/client.json", "https://127.0.0.1.evil.example/x"}) {
    expect_failure(fetch(io, client, url), FetchFailureKind::invalid_url, url);
  }
  EXPECT_TRUE(asked->empty());
}

TEST(HttpsClient, ResolverErrorIsResolveFailed) {
  asio::io_context io;
  auto asked = std::make_shared<std::vector<std::string>>();
  HttpsClient client({}, table_resolver({{"empty.example", {}}}, asked));
  auto result = fetch(io, client, "https://nowhere.example/client.json");
  expect_failure(result, FetchFailureKind::resolve_failed);
  EXPECT_NE(std::get<FetchFailure>(result).reason.find("no such host"), std::string::npos);
  expect_failure(fetch(io, client, "https://empty.example/client.json"), FetchFailureKind::resolve_failed);
}

TEST(HttpsClient, ResolverThatNeverAnswersTimesOut) {
  asio::io_context io;
  OutboundPolicy policy;
  policy.timeout = std::chrono::milliseconds(300);
  HttpsClient client(policy, never_answer);
  auto result = fetch(io, client, "https://slow-dns.example/client.json");
  expect_failure(result, FetchFailureKind::timed_out);
  EXPECT_EQ(std::get<FetchFailure>(result).reason, "no answer within 300 ms");
}

TEST(HttpsClient, UnreadableCaFileThrowsNamingIt) {
  OutboundPolicy policy;
  policy.ca_files = {"/nonexistent/gatehouse-ca.pem"};
  try {
    HttpsClient client(policy);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/gatehouse-ca.pem"), std::string::npos) << e.what();
  }
}

// ---- against a local TLS server ----

TEST(HttpsClient, ReturnsBodyAndCachingHeaders) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  const std::string body = R"({"client_id":"https://localhost/client.json"})";
  server->reply = ok_response(body);
  server->start();
  auto asked = std::make_shared<std::vector<std::string>>();
  HttpsClient client(local_policy(server->port()), localhost_resolver(asked));

  auto result = fetch(io, client, url_for("localhost", server->port(), "/client.json?v=1#frag"));
  ASSERT_TRUE(std::holds_alternative<HttpsResponse>(result)) << kind_of(result);
  const auto& response = std::get<HttpsResponse>(result);
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.body, body);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.cache_control, "max-age=60");
  EXPECT_EQ(response.expires, "Thu, 01 Jan 2026 00:00:00 GMT");
  EXPECT_EQ(response.location, "");
  EXPECT_EQ(response.peer, "127.0.0.1:" + std::to_string(server->port()));
  // Resolved once, then connected to the checked address (DNS rebinding).
  EXPECT_EQ(*asked, std::vector<std::string>{"localhost"});
  ASSERT_EQ(server->requests.size(), 1u);
  EXPECT_EQ(server->requests[0].rfind("GET /client.json?v=1 HTTP/1.1\r\n", 0), 0u) << server->requests[0];
}

TEST(HttpsClient, SendsUserAgentAndAcceptButNoCookieOrAuthorization) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  server->reply = ok_response("{}");
  server->start();
  HttpsClient client(local_policy(server->port()), localhost_resolver());
  auto result = fetch(io, client, url_for("localhost", server->port()), 1024, "application/jwk-set+json");
  ASSERT_TRUE(std::holds_alternative<HttpsResponse>(result)) << kind_of(result);
  ASSERT_EQ(server->requests.size(), 1u);
  std::string head = lower(server->requests[0]);
  EXPECT_NE(head.find("\r\nuser-agent: gatehouse\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\naccept: application/jwk-set+json\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nhost: localhost:" + std::to_string(server->port()) + "\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("cookie"), std::string::npos) << head;
  EXPECT_EQ(head.find("authorization"), std::string::npos) << head;
}

// `gatehouse doctor --insecure-dev` probes local servers over plain http;
// every other caller stays https-only (CI1).
TEST(HttpsClient, CI1_PlainHttpOnlyWhenThePolicyAllowsIt) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  server->plain = true;
  server->reply = ok_response("{}");
  server->start();
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port()) + "/mcp";
  HttpsClient https_only(local_policy(server->port()));
  expect_failure(fetch(io, https_only, url), FetchFailureKind::invalid_url);
  EXPECT_TRUE(server->requests.empty());

  auto policy = local_policy(server->port());
  policy.allow_http = true;
  HttpsClient plain(policy);
  auto result = fetch(io, plain, url);
  ASSERT_TRUE(std::holds_alternative<HttpsResponse>(result)) << kind_of(result);
  EXPECT_EQ(std::get<HttpsResponse>(result).status, 200u);
  ASSERT_EQ(server->requests.size(), 1u);
  EXPECT_NE(lower(server->requests[0]).find("\r\nhost: 127.0.0.1:" + std::to_string(server->port()) + "\r\n"),
            std::string::npos);
}

TEST(HttpsClient, SendsDeleteWithTheRequestsUserAgentAndReturnsEveryHeader) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  server->reply =
      "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer resource_metadata=\"https://x/.well-known/x\"\r\n"
      "Mcp-Session-Id: abc\r\nContent-Length: 0\r\n\r\n";
  server->start();
  HttpsClient client(local_policy(server->port()), localhost_resolver());
  HttpsRequest request;
  request.method = HttpsRequest::Method::del;
  request.url = url_for("localhost", server->port(), "/register/c1");
  request.user_agent = "Claude-User";
  std::optional<Result> out;
  asio::co_spawn(io, client.send(request), [&](std::exception_ptr, Result result) {
    out = std::move(result);
    io.stop();
  });
  io.run_for(std::chrono::seconds(20));
  ASSERT_TRUE(out && std::holds_alternative<HttpsResponse>(*out));
  const auto& response = std::get<HttpsResponse>(*out);
  EXPECT_EQ(response.status, 401u);
  EXPECT_EQ(response.header("www-authenticate"), "Bearer resource_metadata=\"https://x/.well-known/x\"");
  EXPECT_EQ(response.header("MCP-SESSION-ID"), "abc");
  EXPECT_EQ(response.header("Retry-After"), "");
  ASSERT_EQ(server->requests.size(), 1u);
  EXPECT_EQ(server->requests[0].rfind("DELETE /register/c1 HTTP/1.1\r\n", 0), 0u) << server->requests[0];
  EXPECT_NE(lower(server->requests[0]).find("\r\nuser-agent: claude-user\r\n"), std::string::npos);
}

TEST(HttpsClient, VerifiesAnIpLiteralAgainstTheCertificateIpSan) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  server->reply = ok_response("{}");
  server->start();
  HttpsClient client(local_policy(server->port()));
  auto result = fetch(io, client, url_for("127.0.0.1", server->port()));
  ASSERT_TRUE(std::holds_alternative<HttpsResponse>(result)) << kind_of(result);
  EXPECT_EQ(std::get<HttpsResponse>(result).status, 200u);
}

// CI3: the checked addresses are tried in order, and only they.
TEST(HttpsClient, CI3_ConnectsToTheCheckedAddressesInOrder) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  server->reply = ok_response("{}");
  server->start();
  auto asked = std::make_shared<std::vector<std::string>>();
  // Nothing listens on 127.0.0.2 at the server's port: refused, then the next.
  HttpsClient client(local_policy(server->port()),
                     table_resolver({{"localhost", {make_address("127.0.0.2"), make_address("127.0.0.1")}}}, asked));
  auto result = fetch(io, client, url_for("localhost", server->port()));
  ASSERT_TRUE(std::holds_alternative<HttpsResponse>(result)) << kind_of(result);
  EXPECT_EQ(std::get<HttpsResponse>(result).peer, "127.0.0.1:" + std::to_string(server->port()));
  EXPECT_EQ(asked->size(), 1u);
}

TEST(HttpsClient, NothingListeningIsConnectFailed) {
  asio::io_context io;
  unsigned short port = 0;
  {
    tcp::acceptor probe(io, tcp::endpoint(make_address("127.0.0.1"), 0));
    port = probe.local_endpoint().port();
  }  // closed: the port now refuses connections
  HttpsClient client(local_policy(port), localhost_resolver());
  expect_failure(fetch(io, client, url_for("localhost", port)), FetchFailureKind::connect_failed);
}

TEST(HttpsClient, CI2_DoesNotFollowRedirects) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  const std::string location = url_for("localhost", server->port(), "/elsewhere.json");
  server->reply = "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n";
  server->start();
  HttpsClient client(local_policy(server->port()), localhost_resolver());
  auto result = fetch(io, client, url_for("localhost", server->port()));
  ASSERT_TRUE(std::holds_alternative<HttpsResponse>(result)) << kind_of(result);
  EXPECT_EQ(std::get<HttpsResponse>(result).status, 302u);
  EXPECT_EQ(std::get<HttpsResponse>(result).location, location);
  io.poll();
  EXPECT_EQ(server->accepted, 1);
  EXPECT_EQ(server->requests.size(), 1u);
}

TEST(HttpsClient, SkipsInterimResponses) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  server->reply = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n" + ok_response("{}");
  server->start();
  HttpsClient client(local_policy(server->port()), localhost_resolver());
  auto result = fetch(io, client, url_for("localhost", server->port()));
  ASSERT_TRUE(std::holds_alternative<HttpsResponse>(result)) << kind_of(result);
  EXPECT_EQ(std::get<HttpsResponse>(result).status, 200u);
  EXPECT_EQ(std::get<HttpsResponse>(result).body, "{}");
}

TEST(HttpsClient, ServerThatNeverAnswersTimesOut) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  server->start();  // no reply: headers are never sent
  auto policy = local_policy(server->port());
  policy.timeout = std::chrono::milliseconds(300);
  HttpsClient client(policy, localhost_resolver());
  expect_failure(fetch(io, client, url_for("localhost", server->port())), FetchFailureKind::timed_out);
}

TEST(HttpsClient, RefusesDeclaredContentLengthAboveTheCap) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  // Declares 100000 bytes but sends a few: the refusal comes from the header.
  server->reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{}";
  server->start();
  HttpsClient client(local_policy(server->port()), localhost_resolver());
  auto result = fetch(io, client, url_for("localhost", server->port()), 5120);
  expect_failure(result, FetchFailureKind::too_large);
  EXPECT_EQ(std::get<FetchFailure>(result).reason, "the response is larger than 5120 bytes");
}

TEST(HttpsClient, RefusesChunkedBodyAboveTheCapWhileReading) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 10; ++i) reply += "400\r\n" + std::string(1024, 'a') + "\r\n";
  reply += "0\r\n\r\n";
  server->reply = reply;
  server->start();
  HttpsClient client(local_policy(server->port()), localhost_resolver());
  expect_failure(fetch(io, client, url_for("localhost", server->port()), 5120), FetchFailureKind::too_large);
}

TEST(HttpsClient, RefusesOversizedHeaders) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  server->reply = "HTTP/1.1 200 OK\r\nX-Padding: " + std::string(32 * 1024, 'p') + "\r\nContent-Length: 2\r\n\r\n{}";
  server->start();
  HttpsClient client(local_policy(server->port()), localhost_resolver());
  expect_failure(fetch(io, client, url_for("localhost", server->port())), FetchFailureKind::too_large);
}

// RFC 9112 §9.8: a close without close_notify before Content-Length is met.
TEST(HttpsClient, TruncatedResponseIsAProtocolError) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  server->reply = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":";
  server->close_after = true;
  server->start();
  HttpsClient client(local_policy(server->port()), localhost_resolver());
  expect_failure(fetch(io, client, url_for("localhost", server->port())), FetchFailureKind::protocol_error);
}

TEST(HttpsClient, UntrustedCertificateFailsTls) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().localhost.get());
  server->reply = ok_response("{}");
  server->start();
  HttpsClient client(local_policy(server->port(), false), localhost_resolver());
  auto result = fetch(io, client, url_for("localhost", server->port()));
  expect_failure(result, FetchFailureKind::tls_failed);
  EXPECT_NE(std::get<FetchFailure>(result).reason.find("certificate verify failed"), std::string::npos)
      << std::get<FetchFailure>(result).reason;
  EXPECT_TRUE(server->requests.empty());
}

// RFC 6125 §6: the certificate must name the host the URL names.
TEST(HttpsClient, HostnameMismatchFailsTls) {
  asio::io_context io;
  auto server = std::make_shared<TlsServer>(io, pki().other.get());
  server->reply = ok_response("{}");
  server->start();
  HttpsClient client(local_policy(server->port()), localhost_resolver());
  for (auto host : {"localhost", "127.0.0.1"}) {
    auto result = fetch(io, client, url_for(host, server->port()));
    expect_failure(result, FetchFailureKind::tls_failed, host);
    if (auto* f = std::get_if<FetchFailure>(&result)) {
      EXPECT_NE(f->reason.find("mismatch"), std::string::npos) << f->reason;
    }
  }
  EXPECT_TRUE(server->requests.empty());
}

}  // namespace
}  // namespace gatehouse::net
