// deploy.*: what Claude's infrastructure needs from the deployment (INTEROP
// NET1, NET2; RS6 for redirects).
#include "doctor/mcp_call.hpp"
#include "doctor/stages.hpp"
#include "net/ssrf_guard.hpp"

#include <boost/asio/ip/address.hpp>

#include <chrono>

namespace gatehouse::doctor {

namespace {

using boost::asio::ip::address;

// Claude's connector gives an answer about this long before the user sees
// a stall; slower is reported (INTEROP NET2).
constexpr std::chrono::milliseconds kSlowAnswer{3000};

std::string where_claude_fails(const Examination& exam) {
  return exam.options.insecure_dev ? " (allowed by --insecure-dev for a local test; Claude could not connect)" : "";
}

Verdict deployment_verdict(const Examination& exam) { return exam.options.insecure_dev ? Verdict::warn : Verdict::fail; }

}  // namespace

boost::asio::awaitable<void> check_address(Examination& exam) {
  const Target& target = exam.target;
  auto& findings = exam.findings;
  if (target.scheme == "https") findings.pass("deploy.https", "the URL uses https");
  else findings.set("deploy.https", deployment_verdict(exam), "the URL uses " + target.scheme + where_claude_fails(exam));

  if (target.port == 443) findings.pass("deploy.port", "port 443");
  else
    findings.set("deploy.port", deployment_verdict(exam),
                 "port " + std::to_string(target.port) + where_claude_fails(exam));

  std::vector<address> addresses;
  std::vector<std::string> evidence;
  if (auto literal = net::literal_host(target.host)) {
    addresses.push_back(*literal);
    evidence.push_back(target.host + " is an address literal");
  } else {
    auto resolved = co_await net::system_resolve(target.host);
    if (auto* error = std::get_if<std::string>(&resolved)) {
      findings.fail("deploy.address", target.host + " does not resolve: " + *error, {}, {});
      co_return;
    }
    addresses = std::get<std::vector<address>>(resolved);
  }
  bool has_public_v4 = false;
  std::vector<std::string> special;
  for (const auto& a : addresses) {
    auto range = net::special_use_range(a);
    evidence.push_back(target.host + " -> " + a.to_string() + choose(range.has_value(), " (" + range.value_or("") + ")", " (public)"));
    if (range) special.push_back(a.to_string() + " is in " + *range);
    else if (a.is_v4()) has_public_v4 = true;
  }
  if (!special.empty()) {
    std::string detail = special.front();
    if (special.size() > 1) detail += " (and " + std::to_string(special.size() - 1) + " more)";
    findings.set("deploy.address", deployment_verdict(exam), detail + where_claude_fails(exam), evidence);
  } else if (!has_public_v4) {
    findings.fail("deploy.address", target.host + " has no IPv4 address (IPv6 only)", evidence);
  } else {
    findings.pass("deploy.address", "every address is public, IPv4 included", evidence);
  }
}

boost::asio::awaitable<void> check_first_answer(Examination& exam) {
  auto& findings = exam.findings;
  McpCall call{.method = "initialize", .params = initialize_params(kLegacyVersion)};
  auto claude = co_await call_mcp(exam.prober, exam.target.url, call);
  exam.first = claude.exchange;
  const Exchange& first = claude.exchange;

  if (!first.answered()) {
    if (first.failure && first.failure->kind == net::FetchFailureKind::tls_failed) {
      exam.reachable = false;
      findings.fail("deploy.certificate", first.failure->reason, {first.line()});
    }
    co_return;
  }
  exam.reachable = true;
  if (exam.target.scheme != "https") {
    findings.skip("deploy.certificate", "the URL is not https");
  } else if (!exam.options.ca_files.empty()) {
    // Would the certificate verify against public roots alone (Claude's)?
    net::OutboundPolicy public_roots;
    public_roots.ssrf.allow_private = true;
    public_roots.ssrf.any_port = true;
    public_roots.timeout = exam.prober.timeout();
    Prober plain(public_roots);
    auto again = co_await plain.get(exam.target.url, kClaudeMcpAgent);
    if (!again.answered() && again.failure && again.failure->kind == net::FetchFailureKind::tls_failed)
      findings.warn("deploy.certificate", "the certificate verifies only with --ca-file: " + again.failure->reason,
                    {again.line()});
    else findings.pass("deploy.certificate", "the certificate verifies for " + exam.target.host);
  } else {
    findings.pass("deploy.certificate", "the certificate verifies for " + exam.target.host);
  }

  // INTEROP NET1: the same request with a browser's user agent, and the
  // discovery document as python-httpx and as a browser.
  McpCall browser_call = call;
  browser_call.user_agent = std::string(kBrowserAgent);
  auto browser = co_await call_mcp(exam.prober, exam.target.url, browser_call);
  std::vector<std::string> evidence{"as Claude-User: " + first.line(), "as a browser: " + browser.exchange.line()};
  std::vector<std::string> differences;
  if (browser.exchange.status() != first.status())
    differences.push_back("the MCP URL answered " + std::to_string(first.status()) + " to Claude-User and " +
                          std::to_string(browser.exchange.status()) + " to a browser");
  const std::string prm = prm_root_url(exam.target);
  auto as_httpx = co_await exam.prober.get(prm, kClaudeOAuthAgent);
  auto as_browser = co_await exam.prober.get(prm, kBrowserAgent);
  if (as_httpx.status() != as_browser.status()) {
    evidence.push_back("as python-httpx: " + as_httpx.line());
    evidence.push_back("as a browser: " + as_browser.line());
    differences.push_back(prm + " answered " + std::to_string(as_httpx.status()) + " to python-httpx and " +
                          std::to_string(as_browser.status()) + " to a browser");
  }
  if (differences.empty()) {
    findings.pass("deploy.user_agent", "the same answers for Claude's user agents", evidence);
  } else {
    findings.fail("deploy.user_agent", differences.front(), evidence);
    // The rest is examined as a browser sees it, so that this one rule is
    // not reported again as every check behind it.
    exam.prober.override_user_agent(std::string(kBrowserAgent));
    exam.first = browser.exchange;
  }

  // TR2: a server that refuses requests without Origin refuses Claude's.
  if (exam.first->status() == 403) {
    McpCall with_origin = call;
    with_origin.origin = exam.target.origin;
    auto again = co_await call_mcp(exam.prober, exam.target.url, with_origin);
    if (again.exchange.answered() && again.exchange.status() != 403) {
      findings.fail("transport.origin",
                    "403 without Origin, " + std::to_string(again.exchange.status()) + " with Origin " + exam.target.origin,
                    {exam.first->line(), again.exchange.line()});
      exam.origin = exam.target.origin;
      exam.first = again.exchange;
    }
  }

  const unsigned status = exam.first->status();
  if (status >= 300 && status < 400) {
    exam.redirects = true;
    findings.fail("deploy.redirect",
                  "POST " + exam.target.url + " answered " + std::to_string(status) + " to " +
                      std::string(exam.first->header("Location")),
                  {exam.first->line()});
  } else {
    findings.pass("deploy.redirect", "no redirect (" + std::to_string(status) + ")");
  }
  exam.needs_auth = status == 401;
}

void check_latency(Examination& exam) {
  const Exchange* slowest = exam.prober.slowest();
  if (!slowest) {
    exam.findings.skip("deploy.latency", "no request was made");
    return;
  }
  const std::string text = std::to_string(slowest->elapsed.count()) + " ms for " + slowest->method + " " + slowest->url;
  if (slowest->failure && slowest->failure->kind == net::FetchFailureKind::timed_out)
    exam.findings.fail("deploy.latency", "no answer within " + std::to_string(exam.prober.timeout().count()) +
                                             " ms: " + slowest->method + " " + slowest->url,
                       {slowest->line()});
  else if (slowest->elapsed > kSlowAnswer)
    exam.findings.warn("deploy.latency", "the slowest answer took " + text, {slowest->line()});
  else exam.findings.pass("deploy.latency", "the slowest answer took " + text);
}

}  // namespace gatehouse::doctor
