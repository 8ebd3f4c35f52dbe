#pragma once
// What the transports hear from a Server: a resource changed, a list
// changed (MCP server/resources "Subscriptions", "List Changed
// Notification"). A transport subscribes with mcp::subscribe_events
// (mcp/registry.hpp) and forwards each event to the sessions and
// subscriptions that may hear of it.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::mcp {

class ServerEvents {
 public:
  virtual ~ServerEvents() = default;
  // `owner`: the only user (Principal::subject) allowed to hear of it; nullopt: everyone subscribed.
  virtual void resource_updated(const std::string& uri, std::optional<std::string_view> owner) = 0;
  // notifications/*/list_changed; `owner` as for resource_updated (a list
  // that differs per user changed for that user only).
  virtual void list_changed(std::string_view method, std::optional<std::string_view> owner) = 0;
};

}  // namespace gatehouse::mcp
