#pragma once
// What a Server holds: the registered tools, resources, templates and prompts,
// with their protocol listings serialised once at registration time so list
// requests only copy them, and each tool's inputSchema prepared once so calls
// compile nothing to check their arguments.
#include <gatehouse/server.hpp>

#include "mcp/json_schema.hpp"
#include "mcp/server_events.hpp"
#include "mcp/uri_template.hpp"
#include "json.hpp"

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace gatehouse {

namespace mcp {
class Backend;
}

struct Server::Registry {
  struct ToolEntry {
    Tool tool;
    ToolHandler handler;
    json::object listing;  // the object tools/list returns for it
    // The same with execution.taskSupport, for 2025-11-25 sessions of a
    // server that runs tasks.
    json::object task_listing;
    // tool.input_schema with its patterns compiled, so each tools/call
    // validates its arguments without compiling a regex.
    mcp::CompiledSchema input_schema;
  };
  struct ResourceEntry {
    Resource resource;
    ResourceReader reader;
    json::object listing;
  };
  struct TemplateEntry {
    ResourceTemplate resource_template;
    mcp::UriTemplate matcher;
    ResourceReader reader;
    json::object listing;
  };
  struct PromptEntry {
    Prompt prompt;
    PromptHandler handler;
    json::object listing;
  };

  ServerInfo info;
  std::string instructions;
  std::vector<ToolEntry> tools;
  std::unordered_map<std::string, std::size_t> tool_index;
  std::vector<ResourceEntry> resources;
  std::unordered_map<std::string, std::size_t> resource_index;
  std::vector<TemplateEntry> templates;
  std::vector<PromptEntry> prompts;
  std::unordered_map<std::string, std::size_t> prompt_index;
  CompletionHandler completion;
  // Set: requests are served by servers behind a transport (the gateway),
  // not by the handlers above (mcp/backend.hpp).
  std::shared_ptr<mcp::Backend> backend;

  mutable std::mutex listeners_mutex;
  std::vector<std::weak_ptr<mcp::ServerEvents>> listeners;

  const ToolEntry* find_tool(std::string_view name) const;
  const ResourceEntry* find_resource(std::string_view uri) const;
  // The first template that matches `uri`, with the variables it bound.
  const TemplateEntry* match_template(std::string_view uri, std::map<std::string, std::string>& variables) const;
  const PromptEntry* find_prompt(std::string_view name) const;

  template <class F>
  void for_each_listener(F&& f) const {
    std::vector<std::shared_ptr<mcp::ServerEvents>> live;
    {
      std::lock_guard lock(listeners_mutex);
      for (const auto& weak : listeners)
        if (auto strong = weak.lock()) live.push_back(std::move(strong));
    }
    for (auto& listener : live) f(*listener);
  }
};

namespace mcp {

// The transports' way in to a Server (its public header keeps these out of
// the API that programs see).
struct ServerAccess {
  using Registry = Server::Registry;
  static const Registry& registry(const Server& server) { return *server.registry_; }
  static Registry& registry(Server& server) { return *server.registry_; }
};

using Registry = ServerAccess::Registry;
inline const Registry& registry_of(const Server& server) { return ServerAccess::registry(server); }
inline Registry& registry_of(Server& server) { return ServerAccess::registry(server); }

// `listener` hears of the Server's resource and list changes while it lives.
void subscribe_events(const Server& server, std::shared_ptr<ServerEvents> listener);

}  // namespace mcp

}  // namespace gatehouse
