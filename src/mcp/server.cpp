// Server: registration and the listings each registration produces.
#include "mcp/registry.hpp"

#include <gatehouse/content.hpp>

namespace gatehouse {

namespace {

void put_if(json::object& o, std::string_view key, const std::string& value) {
  if (!value.empty()) o[key] = value;
}

json::object tool_listing(const Tool& t) {
  json::object o;
  o["name"] = t.name;
  put_if(o, "title", t.title);
  put_if(o, "description", t.description);
  o["inputSchema"] = t.input_schema;
  if (t.output_schema) o["outputSchema"] = *t.output_schema;
  if (!t.annotations.empty()) o["annotations"] = t.annotations;
  if (!t.icons.empty()) o["icons"] = t.icons;
  if (!t.meta.empty()) o["_meta"] = t.meta;
  return o;
}

json::object resource_listing(const Resource& r) {
  json::object o;
  o["uri"] = r.uri;
  o["name"] = r.name;
  put_if(o, "title", r.title);
  put_if(o, "description", r.description);
  put_if(o, "mimeType", r.mime_type);
  if (r.size) o["size"] = *r.size;
  if (!r.annotations.empty()) o["annotations"] = r.annotations;
  return o;
}

json::object template_listing(const ResourceTemplate& t) {
  json::object o;
  o["uriTemplate"] = t.uri_template;
  o["name"] = t.name;
  put_if(o, "title", t.title);
  put_if(o, "description", t.description);
  put_if(o, "mimeType", t.mime_type);
  if (!t.annotations.empty()) o["annotations"] = t.annotations;
  return o;
}

json::object prompt_listing(const Prompt& p) {
  json::object o;
  o["name"] = p.name;
  put_if(o, "title", p.title);
  put_if(o, "description", p.description);
  if (!p.arguments.empty()) {
    json::array args;
    for (const auto& a : p.arguments) {
      json::object arg;
      arg["name"] = a.name;
      put_if(arg, "title", a.title);
      put_if(arg, "description", a.description);
      arg["required"] = a.required;
      args.push_back(std::move(arg));
    }
    o["arguments"] = std::move(args);
  }
  return o;
}

}  // namespace

Server::Server(ServerInfo info) : registry_(std::make_unique<Registry>()) {
  registry_->info = std::move(info);
}

Server::~Server() = default;

Server& Server::instructions(std::string text) {
  registry_->instructions = std::move(text);
  return *this;
}

Server& Server::tool(Tool tool, ToolHandler handler) {
  auto& r = *registry_;
  if (r.tool_index.contains(tool.name)) throw std::invalid_argument("duplicate tool name: " + tool.name);
  auto listing = tool_listing(tool);
  // MCP 2025-11-25 "Tool-Level Negotiation": execution.taskSupport. The
  // 2026-07-28 Tool has no such field (task creation is the server's
  // decision per call), so its listing goes without.
  auto task_listing = listing;
  if (tool.task_support != TaskSupport::forbidden)
    task_listing["execution"] =
        json::object{{"taskSupport", tool.task_support == TaskSupport::required ? "required" : "optional"}};
  mcp::CompiledSchema input_schema(tool.input_schema);
  r.tool_index.emplace(tool.name, r.tools.size());
  r.tools.push_back(
      {std::move(tool), std::move(handler), std::move(listing), std::move(task_listing), std::move(input_schema)});
  return *this;
}

Server& Server::resource(Resource resource, ResourceReader reader) {
  auto& r = *registry_;
  if (r.resource_index.contains(resource.uri))
    throw std::invalid_argument("duplicate resource URI: " + resource.uri);
  auto listing = resource_listing(resource);
  r.resource_index.emplace(resource.uri, r.resources.size());
  r.resources.push_back({std::move(resource), std::move(reader), std::move(listing)});
  return *this;
}

Server& Server::resource_template(ResourceTemplate resource_template, ResourceReader reader) {
  auto listing = template_listing(resource_template);
  mcp::UriTemplate matcher(resource_template.uri_template);
  registry_->templates.push_back(
      {std::move(resource_template), std::move(matcher), std::move(reader), std::move(listing)});
  return *this;
}

Server& Server::prompt(Prompt prompt, PromptHandler handler) {
  auto& r = *registry_;
  if (r.prompt_index.contains(prompt.name)) throw std::invalid_argument("duplicate prompt name: " + prompt.name);
  auto listing = prompt_listing(prompt);
  r.prompt_index.emplace(prompt.name, r.prompts.size());
  r.prompts.push_back({std::move(prompt), std::move(handler), std::move(listing)});
  return *this;
}

Server& Server::require_scopes(std::string_view tool, std::vector<std::string> scopes) {
  auto it = registry_->tool_index.find(std::string(tool));
  if (it == registry_->tool_index.end()) throw std::invalid_argument("no tool named " + std::string(tool));
  registry_->tools[it->second].tool.required_scopes = std::move(scopes);
  return *this;
}

Server& Server::completion(CompletionHandler handler) {
  registry_->completion = std::move(handler);
  return *this;
}

void Server::notify_resource_updated(const std::string& uri) {
  registry_->for_each_listener([&](mcp::ServerEvents& l) { l.resource_updated(uri, std::nullopt); });
}

void Server::notify_resource_updated(const std::string& uri, const std::string& subject) {
  registry_->for_each_listener([&](mcp::ServerEvents& l) { l.resource_updated(uri, subject); });
}

void Server::notify_list_changed(std::string_view list) {
  std::string method = "notifications/" + std::string(list) + "/list_changed";
  registry_->for_each_listener([&](mcp::ServerEvents& l) { l.list_changed(method, std::nullopt); });
}

void Server::notify_list_changed(std::string_view list, const std::string& subject) {
  std::string method = "notifications/" + std::string(list) + "/list_changed";
  registry_->for_each_listener([&](mcp::ServerEvents& l) { l.list_changed(method, subject); });
}

const ServerInfo& Server::info() const { return registry_->info; }
const std::string& Server::instructions() const { return registry_->instructions; }
void mcp::subscribe_events(const Server& server, std::shared_ptr<ServerEvents> listener) {
  const auto& registry = registry_of(server);
  std::lock_guard lock(registry.listeners_mutex);
  const_cast<Registry&>(registry).listeners.push_back(std::move(listener));
}

const Server::Registry::ToolEntry* Server::Registry::find_tool(std::string_view name) const {
  auto it = tool_index.find(std::string(name));
  return it == tool_index.end() ? nullptr : &tools[it->second];
}

const Server::Registry::ResourceEntry* Server::Registry::find_resource(std::string_view uri) const {
  auto it = resource_index.find(std::string(uri));
  return it == resource_index.end() ? nullptr : &resources[it->second];
}

const Server::Registry::TemplateEntry* Server::Registry::match_template(
    std::string_view uri, std::map<std::string, std::string>& variables) const {
  for (const auto& t : templates) {
    if (auto bound = t.matcher.match(uri)) {
      variables = std::move(*bound);
      return &t;
    }
  }
  return nullptr;
}

const Server::Registry::PromptEntry* Server::Registry::find_prompt(std::string_view name) const {
  auto it = prompt_index.find(std::string(name));
  return it == prompt_index.end() ? nullptr : &prompts[it->second];
}

ToolResult ToolResult::text(std::string_view text) {
  ToolResult r;
  r.content.push_back(gatehouse::content::text(text));
  return r;
}

ToolResult ToolResult::error(std::string_view message) {
  ToolResult r = text(message);
  r.is_error = true;
  return r;
}

ToolResult ToolResult::structured(json::object value) {
  ToolResult r = text(json::serialize(value));
  r.structured_content = std::move(value);
  return r;
}

}  // namespace gatehouse
