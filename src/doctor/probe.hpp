#pragma once
// The doctor's requests: one net::HttpsClient (never following redirects,
// every exchange bounded in time and size), each exchange timed and kept
// as evidence. Secrets that pass through (tokens, codes, client secrets)
// are shown masked.
#include "net/https_client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::doctor {

// The user agents Claude's requests carry (INTEROP NET1): MCP requests come
// as Claude-User, OAuth discovery and token requests from an httpx client.
inline constexpr std::string_view kClaudeMcpAgent = "Claude-User (claude.ai; +https://support.anthropic.com/)";
inline constexpr std::string_view kClaudeOAuthAgent = "python-httpx/0.28.1";
inline constexpr std::string_view kBrowserAgent =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

struct Exchange {
  std::string method;  // "GET", "POST", "DELETE"
  std::string url;
  std::optional<net::HttpsResponse> response;
  std::optional<net::FetchFailure> failure;
  std::chrono::milliseconds elapsed{0};

  bool answered() const { return response.has_value(); }
  unsigned status() const { return response ? response->status : 0; }
  std::string_view header(std::string_view name) const { return response ? response->header(name) : std::string_view{}; }
  // True when the media type is `type` (parameters and case ignored).
  bool is(std::string_view type) const;
  // "POST https://h/mcp -> 401 application/json (35 ms)", or "... -> no answer: REASON".
  std::string line() const;
  // The body parsed as a JSON object, or nullopt.
  std::optional<boost::json::object> json_object() const;
  // The start of the body for evidence: at most `max` characters on one
  // line, secrets masked.
  std::string excerpt(std::size_t max = 160) const;
};

class Prober {
 public:
  explicit Prober(net::OutboundPolicy policy);

  boost::asio::awaitable<Exchange> send(net::HttpsRequest request);
  boost::asio::awaitable<Exchange> get(std::string url, std::string_view user_agent = kClaudeOAuthAgent);
  // An application/x-www-form-urlencoded POST (RFC 6749 §4.1.3).
  boost::asio::awaitable<Exchange> post_form(std::string url, std::vector<std::pair<std::string, std::string>> fields,
                                             std::string authorization = {});
  // An application/json POST.
  boost::asio::awaitable<Exchange> post_json(std::string url, boost::json::value body,
                                             std::vector<std::pair<std::string, std::string>> headers = {},
                                             std::string authorization = {},
                                             std::string_view user_agent = kClaudeOAuthAgent);

  // The slowest exchange so far (deploy.latency), and whether any request
  // got an answer at all.
  const Exchange* slowest() const { return slowest_ ? &*slowest_ : nullptr; }
  bool answered_any() const { return answered_any_; }
  // From now on, every request carries `agent` instead of the user agent it
  // names (after deploy.user_agent found Claude's blocked, the other checks
  // still run, as a browser).
  void override_user_agent(std::string agent) { agent_override_ = std::move(agent); }
  std::chrono::milliseconds timeout() const { return client_.policy().timeout; }

 private:
  net::HttpsClient client_;
  std::optional<Exchange> slowest_;
  bool answered_any_ = false;
  std::string agent_override_;
};

// `condition ? if_true : if_false` for strings, as a call: GCC 12 miscompiles
// a conditional expression of class type inside a coroutine.
inline std::string choose(bool condition, std::string if_true, std::string if_false) {
  return condition ? std::move(if_true) : std::move(if_false);
}

// A secret shown in evidence: its first four characters and its length.
std::string masked(std::string_view secret);
// `text` with the values of secret JSON members and query or form
// parameters (access_token, refresh_token, id_token, code, client_secret,
// registration_access_token, code_verifier) masked.
std::string mask_secrets(std::string_view text);

}  // namespace gatehouse::doctor
