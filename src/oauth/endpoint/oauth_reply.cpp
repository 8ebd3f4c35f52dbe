#include "oauth/endpoint/oauth_reply.hpp"

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

namespace gatehouse::oauth {

namespace http = boost::beast::http;

net::Reply json_reply(http::status status, const boost::json::object& body) {
  auto response = net::json_response(status, boost::json::serialize(body));
  response.set(http::field::pragma, "no-cache");
  return net::reply(std::move(response));
}

net::Reply error_reply(const Error& error, bool basic_challenge) {
  if (!error.debug().empty()) spdlog::info("oauth error {}: {} ({})", error.code(), error.description(), error.debug());
  auto reply = json_reply(static_cast<http::status>(error.status()), error.to_json());
  if (basic_challenge && error.status() == 401)
    reply.response.set(http::field::www_authenticate, "Basic realm=\"gatehouse\"");
  return reply;
}

}  // namespace gatehouse::oauth
