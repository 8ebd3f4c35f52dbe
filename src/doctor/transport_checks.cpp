// transport.*: Streamable HTTP in both protocol eras, as Claude's client
// uses it (MCP 2025-11-25 basic/transports, MCP 2026-07-28; INTEROP TR, MO).
#include "crypto/random.hpp"
#include "doctor/mcp_call.hpp"
#include "doctor/stages.hpp"

#include <boost/json/serialize.hpp>

#include <array>

namespace gatehouse::doctor {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 3> kLegacyVersions{"2025-11-25", "2025-06-18", "2025-03-26"};

// MCP 2025-11-25 basic/transports "Session Management": a session id is visible ASCII.
bool visible_ascii(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

std::string describe(const McpAnswer& answer) {
  if (!answer.exchange.answered()) return "no answer";
  std::string out = std::to_string(answer.exchange.status());
  if (auto code = answer.error_code()) out += " with JSON-RPC error " + std::to_string(*code);
  else if (!answer.problem.empty()) out += " with " + answer.problem;
  return out;
}

std::vector<std::string> evidence_of(const McpAnswer& answer) {
  std::vector<std::string> out{answer.exchange.line()};
  if (answer.exchange.answered() && !answer.exchange.response->body.empty()) out.push_back(answer.exchange.excerpt());
  return out;
}

}  // namespace

boost::asio::awaitable<void> check_transport(Examination& exam) {
  auto& findings = exam.findings;
  if (!exam.reachable) {
    findings.skip_group("transport", "no answer from the MCP URL");
    co_return;
  }
  if (exam.redirects) {
    findings.skip_group("transport", "the MCP URL redirects");
    co_return;
  }
  if (exam.needs_auth && exam.access_token.empty()) {
    findings.skip_group("transport", choose(exam.options.interactive, "no access token (the sign-in did not complete)",
                                               "needs a token: run with --interactive"));
    co_return;
  }
  const std::string& url = exam.target.url;

  // server/discover (2026-07-28): what a dual-era client sends first.
  McpCall discover{.method = "server/discover", .modern = true, .bearer = exam.access_token, .origin = exam.origin};
  auto discovered = co_await call_mcp(exam.prober, url, discover);
  if (auto* result = discovered.result()) {
    auto* versions = result->if_contains("supportedVersions");
    if (versions && versions->is_array())
      findings.pass("transport.discover", "supported versions " + json::serialize(*versions), evidence_of(discovered));
    else
      findings.fail("transport.discover", "the result has no supportedVersions array", evidence_of(discovered));
  } else if (discovered.message && discovered.error_code()) {
    findings.pass("transport.discover",
                  "a JSON-RPC error (" + std::to_string(*discovered.error_code()) +
                      "): the server speaks only the initialization-based revisions; Claude falls back to initialize",
                  evidence_of(discovered));
  } else {
    findings.fail("transport.discover", "server/discover got " + describe(discovered), evidence_of(discovered));
  }

  // initialize (2025-11-25), without Origin as Claude's servers send it.
  McpCall initialize{.method = "initialize",
                     .params = initialize_params(kLegacyVersion),
                     .bearer = exam.access_token,
                     .origin = exam.origin};
  auto initialized = co_await call_mcp(exam.prober, url, initialize);
  const std::string& origin = exam.origin;
  if (initialized.exchange.status() == 403 && origin.empty()) {
    // TR2: is it the missing Origin? Ask again as a browser would.
    McpCall with_origin = initialize;
    with_origin.origin = exam.target.origin;
    auto again = co_await call_mcp(exam.prober, url, with_origin);
    if (again.exchange.answered() && again.exchange.status() != 403) {
      findings.fail("transport.origin",
                    "403 without Origin, " + std::to_string(again.exchange.status()) + " with Origin " + exam.target.origin,
                    {initialized.exchange.line(), again.exchange.line()});
      exam.origin = exam.target.origin;
      initialized = std::move(again);
    }
  }
  if (!findings.find("transport.origin"))
    findings.pass("transport.origin",
                  "a request without Origin was served (" + std::to_string(initialized.exchange.status()) + ")");

  std::string session_id(initialized.exchange.header("Mcp-Session-Id"));
  std::string version;
  if (auto* result = initialized.result()) {
    auto* v = result->if_contains("protocolVersion");
    if (v && v->is_string()) version = std::string(v->get_string());
  }
  const bool known_version =
      std::find(kLegacyVersions.begin(), kLegacyVersions.end(), version) != kLegacyVersions.end();
  if (!initialized.has_result()) {
    findings.fail("transport.initialize", "initialize got " + describe(initialized), evidence_of(initialized));
  } else if (!known_version) {
    findings.fail("transport.initialize", "the server answered protocolVersion \"" + version + "\"", evidence_of(initialized));
  } else if (!session_id.empty() && !visible_ascii(session_id)) {
    findings.fail("transport.initialize", "Mcp-Session-Id holds characters other than visible ASCII",
                  evidence_of(initialized));
  } else {
    findings.pass("transport.initialize",
                  "protocolVersion " + version + choose(session_id.empty(), ", no session", ", a session"),
                  evidence_of(initialized));
  }
  if (!initialized.has_result()) {
    findings.skip_group("transport", "initialize failed");
    co_return;
  }

  McpCall initialized_note{.method = "notifications/initialized",
                           .protocol_version_header = version,
                           .session_id = session_id,
                           .bearer = exam.access_token,
                           .notification = true,
                           .origin = origin};
  co_await call_mcp(exam.prober, url, initialized_note);

  // TR5: the negotiated version on later requests; an unknown one is 400.
  McpCall ping{.method = "ping",
               .protocol_version_header = version,
               .session_id = session_id,
               .bearer = exam.access_token,
               .origin = origin};
  auto pinged = co_await call_mcp(exam.prober, url, ping);
  McpCall odd_version = ping;
  odd_version.protocol_version_header = "1999-01-01";
  auto refused = co_await call_mcp(exam.prober, url, odd_version);
  if (!pinged.has_result())
    findings.fail("transport.protocol_version", "ping with MCP-Protocol-Version " + version + " got " + describe(pinged),
                  evidence_of(pinged));
  else if (refused.exchange.status() != 400)
    findings.warn("transport.protocol_version",
                  "MCP-Protocol-Version 1999-01-01 got " + describe(refused) + ", not 400", evidence_of(refused));
  else findings.pass("transport.protocol_version", "accepted " + version + ", refused 1999-01-01 with 400");

  // TR4: an unknown session is 404.
  if (session_id.empty()) {
    findings.skip("transport.session", "the server uses no sessions");
  } else {
    McpCall stale = ping;
    stale.session_id = "doctor-unknown-session-" + crypto::random_hex(8);
    auto answer = co_await call_mcp(exam.prober, url, stale);
    if (answer.exchange.status() == 404) findings.pass("transport.session", "404 for an unknown session", evidence_of(answer));
    else findings.fail("transport.session", "an unknown session got " + describe(answer), evidence_of(answer));
  }

  // TR6: errors are JSON-RPC errors.
  McpCall unknown = ping;
  unknown.method = "doctor/unknown-method";
  auto unknown_answer = co_await call_mcp(exam.prober, url, unknown);
  McpCall malformed = ping;
  malformed.raw_body = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ";
  auto malformed_answer = co_await call_mcp(exam.prober, url, malformed);
  auto json_error = [](const McpAnswer& answer) { return answer.error_code().has_value(); };
  if (!json_error(unknown_answer))
    findings.fail("transport.errors", "an unknown method got " + describe(unknown_answer), evidence_of(unknown_answer));
  else if (!json_error(malformed_answer) && !(malformed_answer.exchange.is("application/json")))
    findings.fail("transport.errors", "a malformed body got " + describe(malformed_answer), evidence_of(malformed_answer));
  else if (*unknown_answer.error_code() != -32601)
    findings.warn("transport.errors",
                  "an unknown method got JSON-RPC error " + std::to_string(*unknown_answer.error_code()) + ", not -32601",
                  evidence_of(unknown_answer));
  else findings.pass("transport.errors", "JSON-RPC errors (-32601 for an unknown method)");
}

}  // namespace gatehouse::doctor
