#include "oauth/error.hpp"

namespace gatehouse::oauth {

Error Error::invalid_request(std::string d) { return {"invalid_request", std::move(d), 400}; }
Error Error::invalid_client(std::string d) { return {"invalid_client", std::move(d), 401}; }
Error Error::invalid_grant(std::string d) { return {"invalid_grant", std::move(d), 400}; }
Error Error::unauthorized_client(std::string d) { return {"unauthorized_client", std::move(d), 400}; }
Error Error::unsupported_grant_type(std::string d) { return {"unsupported_grant_type", std::move(d), 400}; }
Error Error::unsupported_response_type(std::string d) { return {"unsupported_response_type", std::move(d), 400}; }
Error Error::invalid_scope(std::string d) { return {"invalid_scope", std::move(d), 400}; }
Error Error::access_denied(std::string d) { return {"access_denied", std::move(d), 403}; }
Error Error::server_error(std::string d) { return {"server_error", std::move(d), 500}; }
Error Error::temporarily_unavailable(std::string d) { return {"temporarily_unavailable", std::move(d), 503}; }
Error Error::invalid_target(std::string d) { return {"invalid_target", std::move(d), 400}; }
Error Error::invalid_token(std::string d) { return {"invalid_token", std::move(d), 401}; }
Error Error::insufficient_scope(std::string d) { return {"insufficient_scope", std::move(d), 403}; }
Error Error::invalid_redirect_uri(std::string d) { return {"invalid_redirect_uri", std::move(d), 400}; }
Error Error::invalid_client_metadata(std::string d) { return {"invalid_client_metadata", std::move(d), 400}; }
Error Error::too_many_requests(std::string d) { return {"too_many_requests", std::move(d), 429}; }

Error Error::with_debug(std::string debug) const {
  Error e = *this;
  e.debug_ = std::move(debug);
  return e;
}

Error Error::with_status(int status) const {
  Error e = *this;
  e.status_ = status;
  return e;
}

boost::json::object Error::to_json() const {
  boost::json::object o{{"error", code_}};
  if (!description_.empty()) o["error_description"] = description_;
  return o;
}

std::vector<std::pair<std::string, std::string>> Error::to_query() const {
  std::vector<std::pair<std::string, std::string>> q{{"error", code_}};
  if (!description_.empty()) q.emplace_back("error_description", description_);
  return q;
}

}  // namespace gatehouse::oauth
