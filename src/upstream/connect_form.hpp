#pragma once
// The connect form (Claude's custom_connection auth type: "custom URL or
// credentials supplied at connection time"): fields the user fills in while
// connecting, after signing in and before consent ([connect],
// [[connect.field]]; docs/upstream.md "Connect forms").
//
//   auto checked = validate_connection(form.fields, posted, allow_http);
//   if (auto* problems = std::get_if<std::vector<FieldProblem>>(&checked)) ... show them
//   if (auto refused = co_await check.run(values)) ... show *refused
//
// Everything is checked on the server: required fields, length caps,
// control characters, URL scheme (https unless --insecure-dev) and host
// (the allowed set), patterns. Values are sealed per grant in the vault
// (token_vault.hpp) and reach tools through the request context and the
// gateway's {connection.NAME}; secret values are never shown again.
#include "config/config.hpp"
#include "net/form.hpp"
#include "net/https_client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gatehouse::upstream {

using ConnectField = config::ConnectField;

struct ConnectForm {
  std::string title;
  std::string description;
  std::vector<ConnectField> fields;
  std::string check_url;  // template over {connection.NAME} and {env.NAME}; "" for none
  std::map<std::string, std::string> check_headers;
  bool allow_http = false;  // --insecure-dev: http URLs and private addresses
};

struct FieldProblem {
  std::string field;    // the field's name
  std::string message;  // for the page, e.g. "Enter an https:// URL"
};

// The posted values of the form's fields (named "field_NAME" in the form),
// or what is wrong with each field. Optional fields left empty are absent
// from the result.
std::variant<boost::json::object, std::vector<FieldProblem>> validate_connection(const ConnectForm& form,
                                                                               const net::Form& posted);

// Whether `host` matches one of `patterns` ("example.com" exactly, or
// "*.example.com" for its subdomains), ignoring ASCII case.
bool host_allowed(std::string_view host, const std::vector<std::string>& patterns);

// The optional check_url request with the submitted values.
class ConnectionCheck {
 public:
  // `client` guards against SSRF: only https, public addresses (private
  // ones with --insecure-dev), the allowed ports.
  ConnectionCheck(const ConnectForm& form, const net::HttpsClient& client) : form_(form), client_(client) {}
  bool configured() const { return !form_.check_url.empty(); }
  // nullopt when the check accepts the values (a 2xx answer), else why not,
  // for the page (no value of a secret field in it).
  boost::asio::awaitable<std::optional<std::string>> run(const boost::json::object& values) const;

 private:
  const ConnectForm& form_;
  const net::HttpsClient& client_;
};

}  // namespace gatehouse::upstream
