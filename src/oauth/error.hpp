#pragma once
// One OAuth error value (the shape of fosite's RFC6749Error): an RFC code, a
// description for the client, the HTTP status, and a debug text that is
// logged but never sent. It renders itself as the JSON body of the token
// endpoint (RFC 6749 §5.2), as redirect parameters (§4.1.2.1) and as a
// WWW-Authenticate challenge (RFC 6750 §3).
#include <boost/json/object.hpp>

#include <string>
#include <utility>
#include <vector>

namespace gatehouse::oauth {

class Error {
 public:
  // RFC 6749 §4.1.2.1 and §5.2
  static Error invalid_request(std::string description);
  static Error invalid_client(std::string description);       // 401
  static Error invalid_grant(std::string description);
  static Error unauthorized_client(std::string description);
  static Error unsupported_grant_type(std::string description);
  static Error unsupported_response_type(std::string description);
  static Error invalid_scope(std::string description);
  static Error access_denied(std::string description);
  static Error server_error(std::string description);         // 500
  static Error temporarily_unavailable(std::string description);  // 503
  // RFC 8707 §2
  static Error invalid_target(std::string description);
  // RFC 6750 §3.1
  static Error invalid_token(std::string description);        // 401
  static Error insufficient_scope(std::string description);   // 403
  // RFC 7591 §3.2.2
  static Error invalid_redirect_uri(std::string description);
  static Error invalid_client_metadata(std::string description);
  // Rate limits (RFC 6585 §4): 429 with the token endpoint's error shape.
  static Error too_many_requests(std::string description);

  const std::string& code() const noexcept { return code_; }
  const std::string& description() const noexcept { return description_; }
  int status() const noexcept { return status_; }
  const std::string& debug() const noexcept { return debug_; }

  // Copies refined with more detail, fosite style.
  Error with_debug(std::string debug) const;
  Error with_status(int status) const;

  // {"error": code, "error_description": description}
  boost::json::object to_json() const;
  // [("error", code), ("error_description", description)] for redirects.
  std::vector<std::pair<std::string, std::string>> to_query() const;

 private:
  Error(std::string code, std::string description, int status)
      : code_(std::move(code)), description_(std::move(description)), status_(status) {}
  std::string code_;
  std::string description_;
  int status_;
  std::string debug_;
};

}  // namespace gatehouse::oauth
