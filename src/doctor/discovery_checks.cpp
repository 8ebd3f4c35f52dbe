// auth.*: what a client reads before it can ask for a token (RFC 9728,
// RFC 8414, MCP 2025-11-25 authorization "Authorization Server Discovery", "Client Registration Approaches"), and which of Claude's
// auth types the server would get (INTEROP AS3).
#include "doctor/json_fields.hpp"
#include "doctor/stages.hpp"
#include "net/url.hpp"
#include "net/www_authenticate.hpp"

#include <boost/json/serialize.hpp>

namespace gatehouse::doctor {

namespace json = boost::json;

namespace {

bool is_redirect(const Exchange& exchange) { return exchange.status() >= 300 && exchange.status() < 400; }

// The 401 challenge (RS2). Returns the resource_metadata URL, or "".
std::string read_challenge(Examination& exam) {
  const Exchange& first = *exam.first;
  auto& findings = exam.findings;
  std::vector<std::string> evidence{first.line()};
  std::string_view header = first.header("WWW-Authenticate");
  if (header.empty()) {
    findings.fail("auth.challenge", "the 401 has no WWW-Authenticate header", evidence);
    return "";
  }
  evidence.push_back("WWW-Authenticate: " + std::string(header));
  auto challenges = net::parse_www_authenticate(header);
  const net::AuthChallenge* bearer = challenges.find("Bearer");
  if (!bearer) {
    findings.fail("auth.challenge", "the 401 has no Bearer challenge (Claude cannot use other schemes or API keys)",
                  evidence);
    return "";
  }
  auto metadata = bearer->param("resource_metadata");
  if (!metadata) {
    findings.fail("auth.challenge", "the Bearer challenge has no resource_metadata", evidence);
    return "";
  }
  if (net::origin_of(*metadata).empty()) {
    findings.fail("auth.challenge", "resource_metadata is not an absolute URL: " + *metadata, evidence);
    return "";
  }
  if (auto scope = bearer->param("scope")) {
    std::string word;
    for (char c : *scope + " ") {
      if (c == ' ') {
        if (!word.empty()) exam.challenge_scopes.push_back(word);
        word.clear();
      } else {
        word += c;
      }
    }
  }
  std::vector<std::string> problems, fixes;
  if (auto error = bearer->param("error")) {
    problems.push_back("the challenge says error=\"" + *error + "\" although no token was sent");
    fixes.push_back("Leave error out of the challenge when the request carried no credentials (RFC 6750 §3.1).");
  }
  if (!bearer->param("scope")) {
    problems.push_back("the challenge has no scope: Claude then asks for every advertised scope");
    fixes.push_back("Add scope=\"...\" with the scopes a client needs to the challenge (RFC 6750 §3).");
  }
  if (problems.empty()) findings.pass("auth.challenge", "Bearer with resource_metadata and scope", evidence);
  else findings.warn("auth.challenge", joined(problems, "; "), evidence, joined(fixes, " "));
  return *metadata;
}

struct Document {
  Exchange exchange;
  std::optional<json::object> object;  // a 200 JSON object
};

boost::asio::awaitable<Document> fetch_document(Examination& exam, std::string url) {
  Document document;
  document.exchange = co_await exam.prober.get(std::move(url), kClaudeOAuthAgent);
  if (document.exchange.status() == 200) document.object = document.exchange.json_object();
  co_return document;
}

// RFC 9728: the resource's metadata (auth.prm, auth.prm_public,
// auth.prm_resource). Returns the metadata, if any.
boost::asio::awaitable<std::optional<json::object>> read_resource_metadata(Examination& exam, std::string named) {
  auto& findings = exam.findings;
  const std::string path_form = prm_path_url(exam.target);
  const std::string root_form = prm_root_url(exam.target);
  std::vector<std::string> urls;
  if (!named.empty()) urls.push_back(named);
  for (const auto& url : {path_form, root_form})
    if (!contains(urls, url)) urls.push_back(url);

  std::vector<Document> documents;
  std::vector<std::string> evidence;
  for (const auto& url : urls) {
    documents.push_back(co_await fetch_document(exam, url));
    evidence.push_back(documents.back().exchange.line());
  }
  // RS6: no credentials and no redirects on discovery URLs.
  std::vector<std::string> protected_urls;
  for (const auto& document : documents)
    if (document.exchange.status() == 401 || document.exchange.status() == 403) protected_urls.push_back(document.exchange.url);
  bool any_served = false;
  for (const auto& document : documents) any_served = any_served || document.object.has_value();
  if (!protected_urls.empty()) findings.fail("auth.prm_public", protected_urls.front() + " asks for credentials", evidence);
  else if (any_served) findings.pass("auth.prm_public", "the metadata is served without credentials");
  else findings.skip("auth.prm_public", "no metadata to read");

  const Document* chosen = nullptr;
  for (const auto& document : documents)
    if (document.object && !chosen) chosen = &document;
  const Document& named_document = documents.front();
  auto describe = [](const Document& d) {
    if (!d.exchange.answered()) return std::string("no answer");
    if (is_redirect(d.exchange)) return "a redirect (" + std::to_string(d.exchange.status()) + ")";
    if (d.exchange.status() != 200) return "status " + std::to_string(d.exchange.status());
    return std::string("not a JSON object");
  };
  if (!chosen && !protected_urls.empty()) {
    findings.skip("auth.prm", "the metadata asks for credentials (auth.prm_public)");
  } else if (!named.empty() && !named_document.object) {
    findings.fail("auth.prm", "the resource_metadata URL " + named + " gives " + describe(named_document), evidence);
  } else if (!chosen) {
    findings.fail("auth.prm", "no protected resource metadata at " + path_form + " or " + root_form, evidence);
  } else {
    std::vector<std::string> missing;
    for (const auto& document : documents)
      if (!document.object && document.exchange.url != named) missing.push_back(document.exchange.url + " gives " + describe(document));
    auto scopes = strings_member(*chosen->object, "scopes_supported");
    auto servers = strings_member(*chosen->object, "authorization_servers");
    if (!servers || servers->empty()) {
      findings.fail("auth.prm", "the metadata lists no authorization_servers", evidence,
                    "List the authorization server's issuer URL in authorization_servers (RFC 9728 §2).");
    } else if (!missing.empty()) {
      findings.warn("auth.prm", missing.front() + " (clients that do not read the challenge look there)", evidence);
    } else if (scopes && contains(*scopes, "offline_access")) {
      findings.warn("auth.prm", "scopes_supported lists offline_access (a client then asks for it)", evidence,
                    "Leave offline_access out of the resource's scopes_supported (MCP 2026-07-28 authorization).");
    } else {
      findings.pass("auth.prm", "served at " + chosen->exchange.url, evidence);
    }
  }
  if (!chosen) {
    findings.skip("auth.prm_resource", choose(protected_urls.empty(), "no metadata to read",
                                              "the metadata asks for credentials (auth.prm_public)"));
    co_return std::nullopt;
  }
  auto resource = string_member(*chosen->object, "resource");
  if (!resource) {
    findings.fail("auth.prm_resource", "the metadata has no resource", {chosen->exchange.line()});
  } else if (auto mismatch = resource_mismatch(exam.target, *resource); !mismatch.empty()) {
    findings.fail("auth.prm_resource", "resource is " + *resource + ": " + mismatch,
                  {chosen->exchange.line(), "resource: " + *resource},
                  "Set resource to exactly " + exam.target.url +
                      " (RFC 9728 §3.3: the client checks it against the URL it was given, and asks for tokens for it).");
  } else {
    findings.pass("auth.prm_resource", "resource is " + *resource);
  }
  co_return chosen->object;
}

// Neither CIMD nor DCR: the user pastes a client id (and secret) into
// Claude, which then authenticates with none, client_secret_post or
// client_secret_basic (RFC 8414 §2: client_secret_basic when the metadata
// lists none).
void judge_manual_client(Examination& exam, const std::optional<std::vector<std::string>>& methods,
                         const std::string& why) {
  const bool usable = !methods || contains(*methods, "none") || contains(*methods, "client_secret_post") ||
                      contains(*methods, "client_secret_basic");
  if (!usable) {
    exam.auth_type = ClaudeAuthType::unusable;
    exam.findings.fail("auth.client_type",
                       "unusable: no Client ID Metadata Documents, no registration endpoint, and the token endpoint "
                       "accepts only " + joined(*methods) + " (Claude's client id and secret need none, "
                       "client_secret_post or client_secret_basic)" + why);
    return;
  }
  exam.auth_type = ClaudeAuthType::oauth_anthropic_creds;
  exam.findings.warn("auth.client_type",
                     "oauth_anthropic_creds: each user must create a client and paste its id (and secret) into Claude" +
                         why);
}

// INTEROP AS4: without metadata Claude tries /authorize, /token and
// /register at the MCP server's origin (the MCP 2025-03-26 defaults).
boost::asio::awaitable<void> check_fallback_endpoints(Examination& exam, std::vector<std::string> evidence) {
  auto& findings = exam.findings;
  const std::string origin = exam.target.origin;
  auto authorize = co_await exam.prober.get(origin + "/authorize", kBrowserAgent);
  std::vector<std::pair<std::string, std::string>> no_fields;
  auto token = co_await exam.prober.post_form(origin + "/token", std::move(no_fields));
  auto registration = co_await exam.prober.post_json(origin + "/register", json::object{});
  for (const auto* exchange : {&authorize, &token, &registration}) evidence.push_back(exchange->line());
  auto present = [](const Exchange& e) { return e.answered() && e.status() != 404 && e.status() != 405; };
  findings.skip("auth.as_issuer", "no metadata");
  findings.skip("auth.as_pkce", "no metadata: the fallback assumes S256");
  findings.skip("auth.as_fields", "no metadata");
  if (!present(authorize) || !present(token)) {
    findings.fail("auth.as_metadata",
                  "no authorization server metadata for " + exam.issuer + ", and no /authorize and /token at " + origin,
                  evidence);
    exam.auth_type = ClaudeAuthType::unusable;
    findings.skip("auth.client_type", "unusable, as auth.as_metadata explains");
    co_return;
  }
  exam.authorization_endpoint = origin + "/authorize";
  exam.token_endpoint = origin + "/token";
  if (present(registration)) exam.registration_endpoint = origin + "/register";
  findings.warn("auth.as_metadata",
                "no authorization server metadata for " + exam.issuer +
                    "; only the fallback endpoints /authorize and /token at " + origin + " are left",
                evidence);
  if (!exam.registration_endpoint.empty()) {
    exam.auth_type = ClaudeAuthType::oauth_dcr;
    findings.pass("auth.client_type", "oauth_dcr: Claude registers through the fallback " + exam.registration_endpoint);
  } else {
    judge_manual_client(exam, std::nullopt, "");
  }
}

}  // namespace

std::string_view to_string(ClaudeAuthType type) {
  switch (type) {
    case ClaudeAuthType::unknown: return "unknown";
    case ClaudeAuthType::none: return "none";
    case ClaudeAuthType::oauth_cimd: return "oauth_cimd";
    case ClaudeAuthType::oauth_dcr: return "oauth_dcr";
    case ClaudeAuthType::oauth_anthropic_creds: return "oauth_anthropic_creds";
    case ClaudeAuthType::unusable: return "unusable";
  }
  return "unknown";
}

std::string Examination::requested_scope() const {
  if (!challenge_scopes.empty()) return joined(challenge_scopes, " ");
  if (prm)
    if (auto scopes = strings_member(*prm, "scopes_supported")) {
      std::vector<std::string> kept;
      for (const auto& s : *scopes)
        if (s != "offline_access") kept.push_back(s);
      return joined(kept, " ");
    }
  return "";
}

boost::asio::awaitable<void> check_discovery(Examination& exam) {
  auto& findings = exam.findings;
  if (!exam.reachable) {
    findings.skip_group("auth", "no answer from the MCP URL");
    co_return;
  }
  if (exam.redirects) {
    findings.skip_group("auth", "the MCP URL redirects");
    co_return;
  }
  if (!exam.needs_auth) {
    const unsigned status = exam.first->status();
    if (status >= 200 && status < 300) {
      exam.auth_type = ClaudeAuthType::none;
      findings.pass("auth.client_type", "none: the server answers without authorization");
      findings.skip_group("auth", "the server needs no authorization");
    } else {
      findings.skip_group("auth", "the MCP URL answered " + std::to_string(status) + ", not 401, without credentials");
    }
    co_return;
  }

  std::string named = read_challenge(exam);
  exam.prm = co_await read_resource_metadata(exam, named);

  // RFC 9728 §2 authorization_servers; without metadata, the 2025-03-26
  // fallback: the authorization server is the MCP server's origin (AS4).
  exam.issuer = exam.target.origin;
  if (exam.prm)
    if (auto servers = strings_member(*exam.prm, "authorization_servers"); servers && !servers->empty())
      exam.issuer = servers->front();

  std::vector<std::string> evidence;
  std::optional<Document> found;
  for (const auto& url : as_metadata_urls(exam.issuer)) {
    auto document = co_await fetch_document(exam, url);
    evidence.push_back(document.exchange.line());
    if (document.object) {
      found = std::move(document);
      break;
    }
  }
  if (!found) {
    co_await check_fallback_endpoints(exam, std::move(evidence));
    co_return;
  }
  findings.pass("auth.as_metadata", "found at " + found->exchange.url, evidence);
  const json::object& as = *found->object;
  exam.as = as;

  auto issuer = string_member(as, "issuer");
  if (!issuer) findings.fail("auth.as_issuer", "the metadata has no issuer", {found->exchange.line()});
  else if (*issuer != exam.issuer)
    findings.fail("auth.as_issuer", "issuer is " + *issuer + ", but the metadata was found for " + exam.issuer,
                  {found->exchange.line(), "issuer: " + *issuer});
  else findings.pass("auth.as_issuer", "issuer is " + *issuer);

  auto methods = strings_member(as, "code_challenge_methods_supported");
  if (!methods) findings.fail("auth.as_pkce", "code_challenge_methods_supported is missing");
  else if (!contains(*methods, "S256"))
    findings.fail("auth.as_pkce", "code_challenge_methods_supported is [" + joined(*methods) + "], without S256");
  else findings.pass("auth.as_pkce", "S256 is advertised");

  exam.authorization_endpoint = string_member(as, "authorization_endpoint").value_or("");
  exam.token_endpoint = string_member(as, "token_endpoint").value_or("");
  exam.registration_endpoint = string_member(as, "registration_endpoint").value_or("");
  exam.revocation_endpoint = string_member(as, "revocation_endpoint").value_or("");
  auto* iss = as.if_contains("authorization_response_iss_parameter_supported");
  exam.iss_supported = iss && iss->is_bool() && iss->get_bool();

  std::vector<std::string> problems, warnings;
  auto endpoint_problem = [&](std::string_view name, const std::string& url) {
    if (url.empty()) problems.push_back(std::string(name) + " is missing");
    else if (net::origin_of(url).empty()) problems.push_back(std::string(name) + " is not an absolute URL");
    else if (url.rfind("https://", 0) != 0 && !exam.options.insecure_dev)
      problems.push_back(std::string(name) + " is not https");
  };
  endpoint_problem("authorization_endpoint", exam.authorization_endpoint);
  endpoint_problem("token_endpoint", exam.token_endpoint);
  auto response_types = strings_member(as, "response_types_supported");
  if (!response_types || !contains(*response_types, "code")) problems.push_back("response_types_supported lacks code");
  auto grants = strings_member(as, "grant_types_supported");
  // RFC 8414 §2: absent means ["authorization_code", "implicit"].
  if (!grants || !contains(*grants, "refresh_token"))
    warnings.push_back("grant_types_supported lacks refresh_token (Claude then signs in again every hour)");
  if (!exam.iss_supported)
    warnings.push_back("authorization_response_iss_parameter_supported is not true (RFC 9207 mix-up defence)");
  if (!problems.empty()) findings.fail("auth.as_fields", joined(problems, "; "), {found->exchange.line()});
  else if (!warnings.empty()) findings.warn("auth.as_fields", joined(warnings, "; "), {found->exchange.line()});
  else findings.pass("auth.as_fields", "endpoints, response and grant types as Claude needs them");

  // INTEROP AS3: Claude's order.
  auto auth_methods = strings_member(as, "token_endpoint_auth_methods_supported");
  const bool none_method = auth_methods && contains(*auth_methods, "none");
  auto* cimd_flag = as.if_contains("client_id_metadata_document_supported");
  const bool cimd = cimd_flag && cimd_flag->is_bool() && cimd_flag->get_bool();
  const bool pkce = methods && contains(*methods, "S256");
  std::string why;
  if (cimd && !none_method) why = " (client_id_metadata_document_supported is true, but \"none\" is not an auth method)";
  if (!pkce || !problems.empty()) {
    // Already a failure of its own; not reported twice.
    exam.auth_type = ClaudeAuthType::unusable;
    findings.skip("auth.client_type",
                  "unusable, as " + choose(!pkce, "auth.as_pkce", "auth.as_fields") + " explains");
  } else if (cimd && none_method) {
    exam.auth_type = ClaudeAuthType::oauth_cimd;
    findings.pass("auth.client_type", "oauth_cimd: Claude uses its Client ID Metadata Document");
  } else if (!exam.registration_endpoint.empty()) {
    exam.auth_type = ClaudeAuthType::oauth_dcr;
    findings.pass("auth.client_type", "oauth_dcr: Claude registers through " + exam.registration_endpoint + why);
  } else {
    judge_manual_client(exam, auth_methods, why);
  }
}

}  // namespace gatehouse::doctor
