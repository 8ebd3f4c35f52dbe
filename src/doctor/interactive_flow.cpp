// flow.*: the whole authorization as Claude runs it, with a person signing
// in through a browser (--interactive): authorization code with PKCE
// (OAuth 2.1 §4.1), the token, MCP calls in both eras, refresh with
// rotation, revocation.
#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/random.hpp"
#include "doctor/json_fields.hpp"
#include "doctor/loopback_callback.hpp"
#include "doctor/mcp_call.hpp"
#include "doctor/stages.hpp"
#include "net/form.hpp"
#include "net/text.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <ostream>

namespace gatehouse::doctor {

namespace json = boost::json;

namespace {

using Fields = net::FormFields;

// The claims of a JWT (RFC 7519 §7.2 steps 1-7, without the signature: the
// doctor reads what the server put in, it does not trust it), or nullopt
// for an opaque token.
std::optional<json::object> jwt_claims(std::string_view token) {
  auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto payload = crypto::base64url_decode(token.substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  boost::system::error_code ec;
  auto value = json::parse(*payload, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

struct TokenAnswer {
  Exchange exchange;
  std::optional<json::object> body;
  std::string access_token, refresh_token, error;
};

TokenAnswer read_token_answer(Exchange exchange) {
  TokenAnswer out;
  out.body = exchange.json_object();
  if (out.body) {
    out.access_token = string_member(*out.body, "access_token").value_or("");
    out.refresh_token = string_member(*out.body, "refresh_token").value_or("");
    out.error = string_member(*out.body, "error").value_or("");
  }
  out.exchange = std::move(exchange);
  return out;
}

// The client the flow signs in with: --client-id, or one registered for the
// loopback callback (deleted at the end with the others).
struct FlowClient {
  std::string id;
  std::string problem;
};

boost::asio::awaitable<FlowClient> flow_client(Examination& exam, const std::string& redirect_uri) {
  FlowClient client;
  if (!exam.options.client_id.empty()) {
    client.id = exam.options.client_id;
    co_return client;
  }
  if (exam.registration_endpoint.empty()) {
    client.problem = "the server has no registration endpoint: give --client-id (a client whose redirect URIs include "
                     "http://127.0.0.1/callback)";
    co_return client;
  }
  json::object body{{"client_name", "gatehouse doctor"},
                    {"redirect_uris", json::array{json::string(redirect_uri)}},
                    {"grant_types", json::array{"authorization_code", "refresh_token"}},
                    {"response_types", json::array{"code"}},
                    {"token_endpoint_auth_method", "none"},
                    {"application_type", "native"}};
  auto answer = co_await exam.prober.post_json(exam.registration_endpoint, std::move(body));
  auto object = answer.json_object();
  if (object) client.id = string_member(*object, "client_id").value_or("");
  if (client.id.empty()) {
    client.problem = "registering a loopback client failed: " + answer.line();
    co_return client;
  }
  exam.registered.push_back({client.id, string_member(*object, "registration_client_uri").value_or(""),
                             string_member(*object, "registration_access_token").value_or("")});
  co_return client;
}

// A call that worked: a 2xx answer carrying a JSON-RPC result.
bool succeeded(const McpAnswer& answer) {
  const unsigned status = answer.exchange.status();
  return status >= 200 && status < 300 && answer.has_result();
}

std::string describe(const McpAnswer& answer) {
  std::string out = answer.exchange.line();
  if (auto code = answer.error_code()) out += ", JSON-RPC error " + std::to_string(*code);
  if (auto challenge = answer.exchange.header("WWW-Authenticate"); !challenge.empty())
    out += ", WWW-Authenticate: " + std::string(challenge);
  return out;
}

boost::asio::awaitable<TokenAnswer> refresh(Examination& exam, const std::string& client_id, const std::string& token) {
  Fields fields{{"grant_type", "refresh_token"}, {"refresh_token", token}, {"client_id", client_id}};
  auto exchange = co_await exam.prober.post_form(exam.token_endpoint, std::move(fields), exam.client_authorization(client_id));
  co_return read_token_answer(std::move(exchange));
}

}  // namespace

boost::asio::awaitable<void> run_interactive_flow(Examination& exam) {
  auto& findings = exam.findings;
  if (!exam.options.interactive) {
    findings.skip_group("flow", "run with --interactive to sign in and test the whole flow");
    co_return;
  }
  if (!exam.needs_auth) {
    findings.skip_group("flow", "the server needs no authorization");
    co_return;
  }
  if (exam.authorization_endpoint.empty() || exam.token_endpoint.empty()) {
    findings.skip_group("flow", "no authorization or token endpoint to sign in with");
    co_return;
  }
  LoopbackCallback callback(co_await boost::asio::this_coro::executor);
  const std::string redirect_uri = callback.redirect_uri();
  auto client = co_await flow_client(exam, redirect_uri);
  if (!client.problem.empty()) {
    findings.skip_group("flow", client.problem);
    co_return;
  }
  exam.flow_client_id = client.id;

  // OAuth 2.1 §4.1.1, RFC 7636 §4: PKCE S256; RFC 8707: the resource.
  const std::string verifier = crypto::random_token(32);
  const std::string state = crypto::random_token(16);
  Fields params{{"response_type", "code"},
                {"client_id", client.id},
                {"redirect_uri", redirect_uri},
                {"state", state},
                {"code_challenge", crypto::base64url_encode(crypto::sha256(verifier))},
                {"code_challenge_method", "S256"},
                {"resource", exam.target.url}};
  const std::string scope = exam.requested_scope();
  if (!scope.empty()) params.emplace_back("scope", scope);
  const std::string url = net::with_query(exam.authorization_endpoint, params);
  exam.err << "Open this address in a browser to sign in: " << url << "\n"
           << "(waiting " << exam.options.sign_in_wait.count() << " s for the redirect to " << redirect_uri << ")\n";
  exam.err.flush();

  auto came_back = co_await callback.next(exam.options.sign_in_wait);
  if (!came_back) {
    findings.fail("flow.authorize", "the browser did not come back to " + redirect_uri + " within " +
                                        std::to_string(exam.options.sign_in_wait.count()) + " s");
    findings.skip_group("flow", "the sign-in did not complete");
    co_return;
  }
  std::string query = came_back->target.substr(std::min(came_back->target.find('?'), came_back->target.size()));
  if (!query.empty()) query.erase(0, 1);
  if (came_back->method != "GET" && !came_back->body.empty()) query = came_back->body;
  auto form = net::parse_form(query).value_or(net::Form{});
  std::vector<std::string> evidence{came_back->method + " " + mask_secrets(came_back->target)};
  const std::string code = form.value_or("code");
  const std::string error = form.value_or("error");
  const std::string iss = form.value_or("iss");
  std::string problem;
  if (came_back->method != "GET")
    problem = "the callback was reached with " + came_back->method + " (a 307 or 308 redirect re-sent the form)";
  else if (!error.empty()) problem = "the server answered error=" + error + " " + form.value_or("error_description");
  else if (code.empty()) problem = "no code in the redirect";
  else if (form.value_or("state") != state) problem = "state came back changed";
  else if (exam.iss_supported && iss.empty()) problem = "iss is missing, though the metadata advertises it (RFC 9207 §2)";
  else if (!iss.empty() && iss != exam.issuer) problem = "iss is " + iss + ", not the issuer " + exam.issuer;
  if (!problem.empty()) {
    findings.fail("flow.authorize", problem, evidence);
    findings.skip_group("flow", "the authorization did not complete");
    co_return;
  }
  findings.pass("flow.authorize", "code, state" + choose(iss.empty(), "", " and iss") + " came back", evidence);

  Fields exchange_fields{{"grant_type", "authorization_code"}, {"code", code},           {"redirect_uri", redirect_uri},
                         {"code_verifier", verifier},          {"client_id", client.id}, {"resource", exam.target.url}};
  auto exchanged = co_await exam.prober.post_form(exam.token_endpoint, std::move(exchange_fields),
                                                  exam.client_authorization(client.id));
  auto tokens = read_token_answer(std::move(exchanged));
  evidence = {tokens.exchange.line(), tokens.exchange.excerpt(300)};
  std::string token_problem;
  if (tokens.exchange.status() != 200 || tokens.access_token.empty())
    token_problem = "the code exchange got " + std::to_string(tokens.exchange.status()) +
                    choose(tokens.error.empty(), "", " " + tokens.error);
  else if (auto type = string_member(*tokens.body, "token_type"); !type || !net::iequals(*type, "bearer"))
    token_problem = "token_type is " + type.value_or("missing") + ", not Bearer";
  else if (auto* expires = tokens.body->if_contains("expires_in"); expires && !expires->is_number())
    token_problem = "expires_in is " + json::serialize(*expires) + ", not a number";
  if (!token_problem.empty()) {
    findings.fail("flow.token", token_problem, evidence);
    findings.skip_group("flow", "no token");
    co_return;
  }
  findings.pass("flow.token", "a Bearer token", evidence);
  exam.access_token = tokens.access_token;
  exam.refresh_token = tokens.refresh_token;

  if (tokens.refresh_token.empty())
    findings.fail("flow.offline_access",
                  "no refresh_token for scope \"" + scope + "\" (without offline_access, as Claude asks)", evidence);
  else findings.pass("flow.offline_access", "a refresh token without offline_access");

  if (auto claims = jwt_claims(tokens.access_token)) {
    std::vector<std::string> audiences;
    if (auto* aud = claims->if_contains("aud")) {
      if (aud->is_string()) audiences.emplace_back(aud->get_string());
      if (aud->is_array())
        for (const auto& a : aud->get_array())
          if (a.is_string()) audiences.emplace_back(a.get_string());
    }
    std::string mismatch = choose(audiences.empty(), "the token has no aud", "");
    if (!audiences.empty() && !contains(audiences, exam.target.url))
      mismatch = "aud is " + joined(audiences) + ": " + resource_mismatch(exam.target, audiences.front());
    if (mismatch.empty()) findings.pass("flow.audience", "aud is " + exam.target.url);
    else findings.fail("flow.audience", mismatch, {"aud: " + joined(audiences)});
  } else {
    findings.skip("flow.audience", "the access token is opaque; its audience is the server's to check");
  }

  // RS1, MO1: the token on MCP calls in each era the server speaks.
  std::vector<std::string> mcp_evidence, mcp_problems;
  McpCall legacy{.method = "initialize",
                 .params = initialize_params(kLegacyVersion),
                 .bearer = exam.access_token,
                 .origin = exam.origin};
  auto initialized = co_await call_mcp(exam.prober, exam.target.url, legacy);
  mcp_evidence.push_back(initialized.exchange.line());
  if (!succeeded(initialized)) mcp_problems.push_back("initialize with the token got " + describe(initialized));
  else {
    auto* version = initialized.result()->if_contains("protocolVersion");
    std::string negotiated(kLegacyVersion);
    if (version && version->is_string()) negotiated = std::string(version->get_string());
    McpCall list{.method = "tools/list",
                 .protocol_version_header = negotiated,
                 .session_id = std::string(initialized.exchange.header("Mcp-Session-Id")),
                 .bearer = exam.access_token,
                 .origin = exam.origin};
    auto listed = co_await call_mcp(exam.prober, exam.target.url, list);
    mcp_evidence.push_back(listed.exchange.line());
    if (!succeeded(listed)) mcp_problems.push_back("tools/list with the token got " + describe(listed));
  }
  McpCall discover{.method = "server/discover", .modern = true, .bearer = exam.access_token, .origin = exam.origin};
  auto discovered = co_await call_mcp(exam.prober, exam.target.url, discover);
  mcp_evidence.push_back(discovered.exchange.line());
  if (discovered.has_result()) {
    McpCall list{.method = "tools/list", .modern = true, .bearer = exam.access_token, .origin = exam.origin};
    auto listed = co_await call_mcp(exam.prober, exam.target.url, list);
    mcp_evidence.push_back(listed.exchange.line());
    if (!succeeded(listed)) mcp_problems.push_back("tools/list (2026-07-28) with the token got " + describe(listed));
  } else if (discovered.exchange.status() == 401 || discovered.exchange.status() == 403) {
    mcp_problems.push_back("server/discover with the token got " + describe(discovered));
  }
  if (mcp_problems.empty())
    findings.pass("flow.mcp", choose(discovered.has_result(), "calls succeed in both eras", "calls succeed (2025-11-25)"),
                  mcp_evidence);
  else findings.fail("flow.mcp", mcp_problems.front(), mcp_evidence);
}

boost::asio::awaitable<void> check_refresh_and_revoke(Examination& exam) {
  auto& findings = exam.findings;
  if (!exam.options.interactive || exam.refresh_token.empty() || exam.flow_client_id.empty()) {
    if (!findings.find("flow.refresh")) findings.skip("flow.refresh", "no refresh token");
    if (!findings.find("flow.revoke")) findings.skip("flow.revoke", "no refresh token");
    co_return;
  }
  // OAuth 2.1 §4.3.1: each refresh returns a new refresh token and the old
  // one dies. The old token is presented again only after its successor
  // was used: before that a server may rightly take it for a client retrying
  // a refresh whose answer it lost (TK4). A server that detects reuse ends
  // the grant there; the revocation below then finds it ended already.
  const std::string& client_id = exam.flow_client_id;
  const std::string first_token = exam.refresh_token;
  auto refreshed = co_await refresh(exam, client_id, first_token);
  std::vector<std::string> evidence{refreshed.exchange.line()};
  std::string refresh_problem;
  if (refreshed.exchange.status() != 200 || refreshed.access_token.empty()) {
    refresh_problem = "the refresh got " + std::to_string(refreshed.exchange.status()) + " " + refreshed.error;
  } else if (refreshed.refresh_token.empty() || refreshed.refresh_token == first_token) {
    refresh_problem = "the refresh token did not rotate";
  } else {
    auto second = co_await refresh(exam, client_id, refreshed.refresh_token);
    evidence.push_back(second.exchange.line());
    if (second.exchange.status() != 200 || second.refresh_token.empty()) {
      refresh_problem = "a refresh with the new refresh token got " + std::to_string(second.exchange.status()) + " " +
                        second.error;
    } else {
      exam.refresh_token = second.refresh_token;
      auto replay = co_await refresh(exam, client_id, first_token);
      evidence.push_back(replay.exchange.line());
      if (replay.exchange.status() == 200)
        refresh_problem = "the first refresh token still works after its successor was used";
    }
  }
  if (refresh_problem.empty()) findings.pass("flow.refresh", "rotated; the replaced refresh token is refused", evidence);
  else findings.fail("flow.refresh", refresh_problem, evidence);

  if (exam.revocation_endpoint.empty()) {
    findings.skip("flow.revoke", "no revocation_endpoint");
    co_return;
  }
  Fields fields{{"token", exam.refresh_token}, {"token_type_hint", "refresh_token"}, {"client_id", client_id}};
  auto revoked = co_await exam.prober.post_form(exam.revocation_endpoint, std::move(fields), exam.client_authorization(client_id));
  auto after = co_await refresh(exam, client_id, exam.refresh_token);
  evidence = {revoked.line(), after.exchange.line()};
  if (revoked.status() != 200)
    findings.fail("flow.revoke", "the revocation got " + std::to_string(revoked.status()), evidence);
  else if (after.exchange.status() == 200)
    findings.fail("flow.revoke", "the revoked refresh token still works", evidence);
  else findings.pass("flow.revoke", "revoked; the refresh token is refused (" + after.error + ")", evidence);
}

}  // namespace gatehouse::doctor
