// dcr.*, authorize.*, token.*, revoke.unknown: the authorization server's
// endpoints probed the way Claude calls them, without a user signing in.
#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/random.hpp"
#include "doctor/json_fields.hpp"
#include "doctor/stages.hpp"
#include "net/form.hpp"
#include "net/text.hpp"

#include <boost/json/serialize.hpp>

namespace gatehouse::doctor {

namespace json = boost::json;

namespace {

using Fields = net::FormFields;

// Claude's registration request (INTEROP RG1): a public client with one
// callback.
json::object claude_registration(std::string_view callback) {
  return json::object{{"client_name", "Claude"},
                      {"redirect_uris", json::array{json::string(callback)}},
                      {"grant_types", json::array{"authorization_code", "refresh_token"}},
                      {"response_types", json::array{"code"}},
                      {"token_endpoint_auth_method", "none"}};
}

// The JSON path of the first null in `value`, or "".
std::string first_null(const json::value& value, const std::string& path) {
  if (value.is_null()) return path.empty() ? "(the document)" : path;
  if (value.is_object())
    for (const auto& member : value.get_object())
      if (auto found = first_null(member.value(), path + (path.empty() ? "" : ".") + std::string(member.key()));
          !found.empty())
        return found;
  if (value.is_array())
    for (std::size_t i = 0; i < value.get_array().size(); ++i)
      if (auto found = first_null(value.get_array()[i], path + "[" + std::to_string(i) + "]"); !found.empty())
        return found;
  return "";
}

// " invalid_redirect_uri (why)" from an OAuth error answer, or "".
std::string oauth_error_text(const std::optional<json::object>& body) {
  if (!body) return "";
  std::string error = string_member(*body, "error").value_or("");
  std::string description = string_member(*body, "error_description").value_or("");
  if (error.empty()) return "";
  return " " + error + (description.empty() ? "" : " (" + description + ")");
}

std::string error_member(const std::optional<json::object>& body) {
  if (!body) return "";
  return string_member(*body, "error").value_or("");
}

struct Registration {
  Exchange exchange;
  std::string problem;  // "" : accepted as Claude needs it
  std::string client_id;
};

boost::asio::awaitable<Registration> register_client(Examination& exam, std::string_view callback) {
  Registration out;
  out.exchange = co_await exam.prober.post_json(exam.registration_endpoint, claude_registration(callback));
  const Exchange& exchange = out.exchange;
  if (!exchange.answered()) {
    out.problem = "no answer";
    co_return out;
  }
  auto body = exchange.json_object();
  if (exchange.status() < 200 || exchange.status() >= 300) {
    out.problem = "refused with " + std::to_string(exchange.status()) + oauth_error_text(body);
    co_return out;
  }
  if (!body) {
    out.problem = "the answer is not a JSON object";
    co_return out;
  }
  out.client_id = string_member(*body, "client_id").value_or("");
  auto configuration_uri = string_member(*body, "registration_client_uri").value_or("");
  auto access_token = string_member(*body, "registration_access_token").value_or("");
  if (!out.client_id.empty()) exam.registered.push_back({out.client_id, configuration_uri, access_token});
  if (out.client_id.empty()) {
    out.problem = "the answer has no client_id string";
  } else if (auto null = first_null(*body, ""); !null.empty()) {
    out.problem = "the answer holds null at " + null + " (Claude and the MCP SDKs reject nulls; omit absent fields)";
  } else {
    for (const char* time : {"client_id_issued_at", "client_secret_expires_at"}) {
      auto* value = body->if_contains(time);
      if (value && !value->is_int64() && !value->is_uint64()) {
        out.problem = std::string(time) + " is " + json::serialize(*value) + ", not an integer (RFC 7591 §3.2.1)";
        break;
      }
    }
  }
  if (out.problem.empty()) {
    auto uris = strings_member(*body, "redirect_uris");
    if (uris && !contains(*uris, callback)) out.problem = "the answer's redirect_uris lack " + std::string(callback);
  }
  if (out.problem.empty() && exchange.status() != 201)
    out.problem = "accepted with " + std::to_string(exchange.status()) + " instead of 201 Created (RFC 7591 §3.2.1)";
  co_return out;
}

std::string query_of(std::string_view url) {
  auto question = url.find('?');
  return question == std::string_view::npos ? "" : std::string(url.substr(question + 1));
}

// The value of `name` in a URL's query, or "".
std::string query_value(std::string_view url, std::string_view name) {
  auto form = net::parse_form(query_of(url));
  if (!form) return "";
  return form->value_or(name);
}

struct AuthorizeRequest {
  std::string client_id, redirect_uri;
  bool pkce = true;
};

std::string authorization_url(const Examination& exam, const AuthorizeRequest& request) {
  const std::string verifier = crypto::random_token(32);
  net::FormFields params{{"response_type", "code"},
                                                          {"client_id", request.client_id},
                                                          {"redirect_uri", request.redirect_uri},
                                                          {"state", crypto::random_token(16)},
                                                          {"resource", exam.target.url},
                                                          {"prompt", "consent"}};
  if (request.pkce) {
    params.emplace_back("code_challenge", crypto::base64url_encode(crypto::sha256(verifier)));
    params.emplace_back("code_challenge_method", "S256");
  }
  if (auto scope = exam.requested_scope(); !scope.empty()) params.emplace_back("scope", scope);
  return net::with_query(exam.authorization_endpoint, params);
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The OAuth error of a redirect back to `redirect_uri`, or "".
std::string redirected_error(const Exchange& exchange, std::string_view redirect_uri) {
  std::string location(exchange.header("Location"));
  if (!starts_with(location, redirect_uri)) return "";
  std::string error = query_value(location, "error");
  std::string description = query_value(location, "error_description");
  if (error.empty()) return "";
  return error + (description.empty() ? "" : " (" + description + ")");
}

}  // namespace

std::string Examination::client_authorization(std::string_view client_id) const {
  if (options.client_secret.empty() || client_id != options.client_id) return "";
  // RFC 6749 §2.3.1: the id and secret form-encoded, then Basic.
  return "Basic " + crypto::base64_encode(net::url_encode(client_id) + ":" + net::url_encode(options.client_secret));
}

boost::asio::awaitable<void> check_registration(Examination& exam) {
  auto& findings = exam.findings;
  if (exam.registration_endpoint.empty()) {
    findings.skip_group("dcr", choose(exam.as.has_value(), "the metadata has no registration_endpoint", "no authorization server metadata"));
    co_return;
  }
  auto claude_ai = co_await register_client(exam, kClaudeCallback);
  if (claude_ai.problem.empty()) {
    findings.pass("dcr.register", "registered " + claude_ai.client_id + " with " + std::string(kClaudeCallback),
                  {claude_ai.exchange.line()});
    exam.dcr_client_id = claude_ai.client_id;
  } else {
    findings.fail("dcr.register", claude_ai.problem, {claude_ai.exchange.line(), claude_ai.exchange.excerpt(300)});
  }
  auto claude_com = co_await register_client(exam, kClaudeComCallback);
  if (claude_com.problem.empty())
    findings.pass("dcr.claude_com", "registered with " + std::string(kClaudeComCallback), {claude_com.exchange.line()});
  else if (!claude_ai.problem.empty() && claude_ai.exchange.status() == claude_com.exchange.status())
    findings.skip("dcr.claude_com", "the registration itself fails (dcr.register)");
  else
    findings.fail("dcr.claude_com", claude_com.problem, {claude_com.exchange.line(), claude_com.exchange.excerpt(300)});
}

boost::asio::awaitable<void> check_authorize(Examination& exam) {
  auto& findings = exam.findings;
  if (exam.authorization_endpoint.empty()) {
    findings.skip_group("authorize", "no authorization_endpoint");
    co_return;
  }
  AuthorizeRequest request{.client_id = exam.options.client_id, .redirect_uri = std::string(kClaudeCallback)};
  std::string which = "the --client-id client";
  if (request.client_id.empty()) {
    if (exam.auth_type == ClaudeAuthType::oauth_cimd) {
      request.client_id = std::string(kClaudeClientId);
      which = "Claude's Client ID Metadata Document";
    } else if (!exam.dcr_client_id.empty()) {
      request.client_id = exam.dcr_client_id;
      which = "the client registered like Claude";
    } else {
      findings.skip_group("authorize", "no client to probe with (give --client-id)");
      co_return;
    }
  }

  auto valid = co_await exam.prober.get(authorization_url(exam, request), kBrowserAgent);
  std::vector<std::string> evidence{valid.line()};
  const unsigned status = valid.status();
  bool redirect_307 = status == 307 || status == 308;
  if (!valid.answered()) {
    findings.fail("authorize.client", valid.line(), evidence);
  } else if (auto error = redirected_error(valid, request.redirect_uri); !error.empty()) {
    findings.fail("authorize.client", which + " was refused: " + error, evidence);
  } else if (status == 200 || (status >= 300 && status < 400)) {
    findings.pass("authorize.client", which + " is accepted (" + std::to_string(status) + ")", evidence);
  } else {
    evidence.push_back(valid.excerpt());
    findings.fail("authorize.client", which + " was refused with " + std::to_string(status), evidence);
  }

  // AZ2: an unregistered redirect URI must not be redirected to.
  AuthorizeRequest foreign = request;
  foreign.redirect_uri = "https://doctor.invalid/callback";
  auto open = co_await exam.prober.get(authorization_url(exam, foreign), kBrowserAgent);
  redirect_307 = redirect_307 || open.status() == 307 || open.status() == 308;
  if (starts_with(open.header("Location"), foreign.redirect_uri))
    findings.fail("authorize.open_redirect", "a request with redirect_uri " + foreign.redirect_uri + " was redirected there",
                  {open.line()});
  else findings.pass("authorize.open_redirect", "refused without a redirect (" + std::to_string(open.status()) + ")",
                     {open.line()});

  // AZ1: PKCE for every client.
  AuthorizeRequest no_pkce = request;
  no_pkce.pkce = false;
  auto plain = co_await exam.prober.get(authorization_url(exam, no_pkce), kBrowserAgent);
  redirect_307 = redirect_307 || plain.status() == 307 || plain.status() == 308;
  if (auto error = redirected_error(plain, request.redirect_uri); !error.empty())
    findings.pass("authorize.pkce", "refused: " + error, {plain.line()});
  else if (plain.status() >= 400) findings.pass("authorize.pkce", "refused with " + std::to_string(plain.status()), {plain.line()});
  else if (plain.status() == 200 && status == 200)
    findings.warn("authorize.pkce", "a request without code_challenge is accepted like one with it", {plain.line()});
  else findings.skip("authorize.pkce", "the server sends the browser elsewhere first (" + std::to_string(plain.status()) + ")");

  if (redirect_307)
    findings.fail("authorize.redirect_status", "/authorize answered with a 307 or 308 redirect",
                  {valid.line(), open.line(), plain.line()});
  else findings.pass("authorize.redirect_status", "no 307 or 308");
}

boost::asio::awaitable<void> check_token_endpoint(Examination& exam) {
  auto& findings = exam.findings;
  if (exam.token_endpoint.empty()) {
    findings.skip_group("token", "no token_endpoint");
    co_return;
  }
  std::string client_id = exam.options.client_id;
  if (client_id.empty() && exam.auth_type != ClaudeAuthType::oauth_cimd) client_id = exam.dcr_client_id;
  if (client_id.empty()) client_id = std::string(kClaudeClientId);
  const std::string authorization = exam.client_authorization(client_id);
  std::vector<Exchange> token_answers;

  Fields unknown_grant{{"grant_type", "urn:gatehouse:doctor:unknown-grant"}, {"client_id", client_id}};
  auto unknown = co_await exam.prober.post_form(exam.token_endpoint, std::move(unknown_grant), authorization);
  token_answers.push_back(unknown);
  auto body = unknown.json_object();
  std::string error = error_member(body);
  if (!unknown.answered()) findings.fail("token.grant_type", "no answer", {unknown.line()});
  else if (!unknown.is("application/json") || error.empty())
    findings.fail("token.grant_type", "an unknown grant_type got " + std::to_string(unknown.status()) + " without a JSON error",
                  {unknown.line(), unknown.excerpt()});
  else if (error != "unsupported_grant_type")
    findings.warn("token.grant_type", "an unknown grant_type got error " + error + ", not unsupported_grant_type",
                  {unknown.line(), unknown.excerpt()});
  else findings.pass("token.grant_type", "unsupported_grant_type as JSON (" + std::to_string(unknown.status()) + ")");

  // TK5: an unknown (deleted) public client; Claude registers again on 401.
  const std::string stranger = "doctor-unknown-client-" + crypto::random_hex(8);
  Fields from_stranger{{"grant_type", "refresh_token"}, {"refresh_token", "doctor-not-a-token"}, {"client_id", stranger}};
  auto invalid = co_await exam.prober.post_form(exam.token_endpoint, std::move(from_stranger));
  token_answers.push_back(invalid);
  auto invalid_body = invalid.json_object();
  std::string invalid_error = error_member(invalid_body);
  if (invalid.status() == 401 && invalid_error == "invalid_client")
    findings.pass("token.invalid_client", "401 invalid_client for an unknown client", {invalid.line()});
  else
    findings.fail("token.invalid_client",
                  "an unknown client got " + std::to_string(invalid.status()) +
                      choose(invalid_error.empty(), " without a JSON error", " " + invalid_error),
                  {invalid.line(), invalid.excerpt()});

  std::vector<std::string> cached;
  for (const auto& answer : token_answers)
    if (answer.answered() && answer.response->cache_control.find("no-store") == std::string::npos)
      cached.push_back(answer.line() + " Cache-Control: " + choose(answer.response->cache_control.empty(), "(none)", answer.response->cache_control));
  if (cached.empty()) findings.pass("token.no_store", "Cache-Control: no-store on every answer");
  else findings.warn("token.no_store", "an answer without Cache-Control: no-store", cached);

  if (exam.revocation_endpoint.empty()) {
    findings.skip("revoke.unknown", "no revocation_endpoint");
    co_return;
  }
  Fields revocation{{"token", "doctor-not-a-token-" + crypto::random_hex(8)},
                    {"token_type_hint", "refresh_token"},
                    {"client_id", client_id}};
  auto revoke = co_await exam.prober.post_form(exam.revocation_endpoint, std::move(revocation), authorization);
  if (revoke.status() == 200) findings.pass("revoke.unknown", "200 for an unknown token", {revoke.line()});
  else findings.warn("revoke.unknown", "an unknown token got " + std::to_string(revoke.status()), {revoke.line(), revoke.excerpt()});
}

boost::asio::awaitable<void> delete_registrations(Examination& exam) {
  if (exam.registered.empty()) {
    if (!exam.findings.find("dcr.delete")) exam.findings.skip("dcr.delete", "nothing was registered");
    co_return;
  }
  std::vector<std::string> evidence, failures;
  bool managed = false;
  for (const auto& client : exam.registered) {
    if (client.configuration_uri.empty() || client.access_token.empty()) continue;
    managed = true;
    net::HttpsRequest request;
    request.method = net::HttpsRequest::Method::del;
    request.url = client.configuration_uri;
    request.authorization = "Bearer " + client.access_token;
    request.user_agent = std::string(kClaudeOAuthAgent);
    auto answer = co_await exam.prober.send(std::move(request));
    evidence.push_back(answer.line());
    if (answer.status() != 204 && answer.status() != 200) failures.push_back(client.client_id + ": " + answer.line());
  }
  if (!managed)
    exam.findings.skip("dcr.delete", "the server offers no RFC 7592 management; " + std::to_string(exam.registered.size()) +
                                         " probe client(s) stay registered");
  else if (!failures.empty()) exam.findings.warn("dcr.delete", failures.front(), evidence);
  else exam.findings.pass("dcr.delete", "deleted " + std::to_string(evidence.size()) + " probe client(s)", evidence);
}

}  // namespace gatehouse::doctor
