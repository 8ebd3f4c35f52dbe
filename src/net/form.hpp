#pragma once
// application/x-www-form-urlencoded bodies and query strings (WHATWG URL
// §5.1), with the OAuth rule that a parameter may appear at most once
// (RFC 6749 §3.1, §3.2: "parameters MUST NOT be included more than once").
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::net {

struct Form {
  std::map<std::string, std::string> values;
  std::vector<std::string> duplicates;  // names that appeared more than once

  const std::string* get(std::string_view name) const;
  std::string value_or(std::string_view name, std::string_view fallback = {}) const;
};

using FormFields = std::vector<std::pair<std::string, std::string>>;

// "name=value&name=value", each part percent-encoded with url_encode: a form
// body (RFC 6749 §4.1.3) or a query (RFC 6749 §4.1.1).
std::string encode_form(const FormFields& fields);
// `url` with `fields` added to its query (after '?', or '&' when it has one;
// RFC 6749 §3.1 keeps an endpoint's own query).
std::string with_query(std::string url, const FormFields& fields);

// nullopt on invalid percent-encoding or more than `max_fields` fields.
std::optional<Form> parse_form(std::string_view body, std::size_t max_fields = 100);
// Percent-encodes for a query component (RFC 3986 unreserved kept).
std::string url_encode(std::string_view value);
std::optional<std::string> url_decode(std::string_view value, bool plus_is_space = true);
// RFC 3986 §2.1 decoding where a '%' that starts no valid escape is data and
// is kept as it is ('+' too): URI template values (RFC 6570 §3.2.1) and URI
// fragments holding a JSON pointer (RFC 6901 §6).
std::string percent_decode_lenient(std::string_view value);

}  // namespace gatehouse::net
