#pragma once
// A request channel for driving handlers without a transport: records the
// notifications a handler sends and answers its questions (sampling,
// elicitation, roots) from canned results by method. A method without a
// canned answer is refused the way a client without the capability is.
#include "mcp/request_channel.hpp"
#include <gatehouse/context.hpp>
#include <gatehouse/error.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::testing_support {

class FakeRequestChannel final : public mcp::RequestChannel {
 public:
  struct Sent {
    std::string method;
    json::object params;
  };
  std::vector<Sent> notifications;
  std::vector<Sent> asks;
  std::map<std::string, json::value> answers;
  std::optional<LogLevel> level = LogLevel::debug;
  json::object capabilities{{"sampling", json::object{}}, {"elicitation", json::object{}}, {"roots", json::object{}}};

  void notify(std::string_view method, json::object params) override {
    notifications.push_back({std::string(method), std::move(params)});
  }
  awaitable<json::value> ask(std::string_view method, json::object params, std::string_view) override {
    asks.push_back({std::string(method), std::move(params)});
    auto it = answers.find(std::string(method));
    if (it == answers.end()) throw McpError(error_code::internal_error, "no canned answer for " + std::string(method));
    co_return it->second;
  }
  bool cancelled() const override { return false; }
  std::optional<LogLevel> log_level() const override { return level; }
  const json::object& client_capabilities() const override { return capabilities; }
  std::string_view protocol_version() const override { return "2025-11-25"; }

  std::vector<Sent> notifications_of(std::string_view method) const {
    std::vector<Sent> out;
    for (const auto& n : notifications)
      if (n.method == method) out.push_back(n);
    return out;
  }
};

}  // namespace gatehouse::testing_support
