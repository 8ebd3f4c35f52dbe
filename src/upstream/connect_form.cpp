#include "upstream/connect_form.hpp"

#include "gateway/template.hpp"
#include "mcp/schema/pattern.hpp"
#include "net/url.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace gatehouse::upstream {

namespace json = boost::json;
namespace asio = boost::asio;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string label_of(const ConnectField& f) { return f.label.empty() ? f.name : f.label; }

// What is wrong with a url field's value, or "".
std::string url_problem(const ConnectField& f, const std::string& value, bool allow_http) {
  auto url = net::parse_url(value);
  if (!url || !url->has_authority() || url->host().empty())
    return "Enter a full URL, e.g. https://" + (f.hosts.empty() ? std::string("example.com") : f.hosts.front().starts_with("*.") ? "yours" + f.hosts.front().substr(1) : f.hosts.front());
  const std::string scheme = lower(url->scheme());
  if (std::find(f.schemes.begin(), f.schemes.end(), scheme) == f.schemes.end() || (scheme == "http" && !allow_http))
    return "Enter an https:// URL";
  if (url->has_userinfo()) return "Leave the user name and password out of the URL";
  if (url->has_fragment()) return "Leave the #fragment out of the URL";
  if (!f.hosts.empty() && !host_allowed(url->host(), f.hosts)) {
    std::string allowed;
    for (const auto& h : f.hosts) allowed += (allowed.empty() ? "" : ", ") + h;
    return "This server accepts only addresses at " + allowed;
  }
  return {};
}

}  // namespace

bool host_allowed(std::string_view host, const std::vector<std::string>& patterns) {
  const std::string h = lower(host);
  for (const auto& p : patterns) {
    const std::string pattern = lower(p);
    if (pattern.starts_with("*.")) {
      const std::string suffix = pattern.substr(1);  // ".example.com"
      if (h.size() > suffix.size() && h.ends_with(suffix)) return true;
    } else if (h == pattern) {
      return true;
    }
  }
  return false;
}

std::variant<json::object, std::vector<FieldProblem>> validate_connection(const ConnectForm& form,
                                                                         const net::Form& posted) {
  json::object values;
  std::vector<FieldProblem> problems;
  for (const auto& f : form.fields) {
    std::string value = posted.value_or("field_" + f.name);
    // Surrounding blanks are a paste accident, except in secrets, where
    // they may belong to the value.
    if (f.kind != "secret") {
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.erase(value.begin());
    }
    if (value.empty()) {
      if (f.required) problems.push_back({f.name, label_of(f) + " is required"});
      continue;
    }
    if (value.size() > f.max_length) {
      problems.push_back({f.name, label_of(f) + " is too long: at most " + std::to_string(f.max_length) + " bytes"});
      continue;
    }
    if (std::any_of(value.begin(), value.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
      problems.push_back({f.name, label_of(f) + " contains a control character"});
      continue;
    }
    if (f.kind == "url") {
      if (auto problem = url_problem(f, value, form.allow_http); !problem.empty()) {
        problems.push_back({f.name, problem});
        continue;
      }
    } else if (!f.pattern.empty()) {
      // Compiled and matched the bounded, linear way (mcp/schema/pattern.hpp):
      // a value of any length cannot exhaust the stack. Checked usable when
      // the configuration was loaded (connect_rules.cpp).
      if (mcp::pattern_matches_whole(f.pattern, value) != true) {
        problems.push_back({f.name, label_of(f) + " is not in the expected form" + (f.help.empty() ? "" : ": " + f.help)});
        continue;
      }
    }
    values[f.name] = value;
  }
  if (!problems.empty()) return problems;
  return values;
}

asio::awaitable<std::optional<std::string>> ConnectionCheck::run(const json::object& values) const {
  auto expand = [&](const std::string& text) {
    return gateway::Template::parse(text).expand([&](const gateway::TemplateVariable& v) -> std::string {
      if (v.space == "env") {
        const char* value = std::getenv(v.name.c_str());
        return value ? value : "";
      }
      const auto* value = values.if_contains(v.name);
      return value && value->is_string() ? std::string(value->get_string()) : std::string();
    });
  };
  net::HttpsRequest request;
  request.url = expand(form_.check_url);
  request.accept = "application/json, */*";
  request.max_body = 64 * 1024;
  for (const auto& [name, value] : form_.check_headers) request.headers.emplace_back(name, expand(value));
  auto host = request.url;
  if (auto url = net::parse_url(host)) host = std::string(url->host());
  auto result = co_await client_.send(std::move(request));
  if (auto* failure = std::get_if<net::FetchFailure>(&result)) {
    spdlog::info("connect form check of {} failed: {}", host, net::to_string(failure->kind));
    if (failure->kind == net::FetchFailureKind::address_refused || failure->kind == net::FetchFailureKind::port_not_allowed ||
        failure->kind == net::FetchFailureKind::invalid_url)
      co_return "This address cannot be used: " + failure->reason;
    co_return "The server at " + host + " could not be reached (" + std::string(net::to_string(failure->kind)) +
        "). Check the address and try again.";
  }
  const auto status = std::get<net::HttpsResponse>(result).status;
  if (status >= 200 && status < 300) co_return std::nullopt;
  spdlog::info("connect form check of {} answered HTTP {}", host, status);
  if (status == 401 || status == 403)
    co_return "The server at " + host + " refused these credentials (HTTP " + std::to_string(status) + ").";
  co_return "The server at " + host + " did not accept the check (HTTP " + std::to_string(status) + ").";
}

}  // namespace gatehouse::upstream
