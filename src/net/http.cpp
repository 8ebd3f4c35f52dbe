#include "net/http.hpp"

#include <boost/json.hpp>

namespace gatehouse::net {

Response json_response(http::status status, std::string body, unsigned version, bool keep_alive) {
  Response r{status, version};
  r.set(http::field::content_type, "application/json");
  r.set(http::field::cache_control, "no-store");
  r.keep_alive(keep_alive);
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

Response error_response(http::status status, std::string_view code, std::string_view description, unsigned version,
                        bool keep_alive) {
  boost::json::object o{{"error", code}, {"error_description", description}};
  return json_response(status, boost::json::serialize(o), version, keep_alive);
}

}  // namespace gatehouse::net
