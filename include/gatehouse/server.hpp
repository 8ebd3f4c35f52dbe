#pragma once
// The public surface for writing an MCP server: describe tools, resources and
// prompts, give each a handler, hand the Server to a transport.
//
//   namespace json = boost::json;
//   gatehouse::Server server({.name = "notes", .version = "1.0.0"});
//   server.tool({.name = "echo", .description = "Echoes its input",
//                .input_schema = json::parse(R"({"type":"object",
//                   "properties":{"text":{"type":"string"}},"required":["text"]})").as_object()},
//               [](json::object args, gatehouse::RequestContext&) -> gatehouse::awaitable<gatehouse::ToolResult> {
//                 co_return gatehouse::ToolResult::text(args["text"].as_string());
//               });
#include <gatehouse/context.hpp>
#include <gatehouse/error.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

struct ServerInfo {
  std::string name = "gatehouse";
  std::string version = "0.1.0";
  std::string title;
  std::string website_url;
};

// Whether a call of a tool may run as a task: answered at once with a task
// handle the client polls, while the handler runs on (the Tasks extension
// io.modelcontextprotocol/tasks of 2026-07-28; "execution.taskSupport" of
// MCP 2025-11-25). For work that outlasts a client's patience for one
// request (Claude gives a tool call about 300 seconds).
//   forbidden: always an ordinary call.
//   optional:  a task when the client can take one, an ordinary call otherwise.
//   required:  a task; a client that cannot take one is refused (-32021 in
//              2026-07-28, -32601 in 2025-11-25) before the handler runs.
enum class TaskSupport { forbidden, optional, required };

// MCP 2025-11-25 server/tools "Tool".
struct Tool {
  std::string name;
  std::string title;
  std::string description;
  boost::json::object input_schema = {{"type", "object"}};
  std::optional<boost::json::object> output_schema;
  boost::json::object annotations;  // title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint
  boost::json::array icons;
  boost::json::object meta;
  // Scopes a caller's token must carry to call this tool (step-up otherwise).
  std::vector<std::string> required_scopes;
  TaskSupport task_support = TaskSupport::forbidden;
  // With task support: false, the task starts before the handler does, so
  // its questions wait in the task (status input_required). true, the
  // handler runs as part of the call — its questions are the call's own
  // input-required rounds — until it calls RequestContext::continue_as_task(),
  // which answers the call with the task (MCP 2026-07-28 Tasks, "input
  // required before task creation"). For tools that ask first and then work
  // long.
  bool task_after_questions = false;
};

struct ToolResult {
  boost::json::array content;
  std::optional<boost::json::object> structured_content;
  bool is_error = false;
  boost::json::object meta;

  static ToolResult text(std::string_view text);
  static ToolResult error(std::string_view message);
  // structuredContent plus its serialisation as a text block, for clients that
  // do not read structured output (MCP 2025-11-25 "Structured Content").
  static ToolResult structured(boost::json::object value);
};

using ToolHandler = std::function<awaitable<ToolResult>(boost::json::object arguments, RequestContext&)>;

// MCP server/resources "Resource" and "Resource Template".
struct Resource {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  std::optional<std::int64_t> size;
  boost::json::object annotations;
};

struct ResourceTemplate {
  std::string uri_template;  // RFC 6570 level 1 ({var}) expressions
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  boost::json::object annotations;
};

struct ResourceRequest {
  std::string uri;
  std::map<std::string, std::string> variables;  // filled for template matches
};

// Returns the `contents` array (see content::text_contents / blob_contents).
// Throw McpError::resource_not_found for a URI the handler does not know.
using ResourceReader = std::function<awaitable<boost::json::array>(const ResourceRequest&, RequestContext&)>;

// MCP server/prompts.
struct PromptArgument {
  std::string name;
  std::string title;
  std::string description;
  bool required = false;
};

struct Prompt {
  std::string name;
  std::string title;
  std::string description;
  std::vector<PromptArgument> arguments;
};

struct PromptResult {
  std::string description;
  boost::json::array messages;  // [{role, content}]
};

using PromptHandler =
    std::function<awaitable<PromptResult>(const std::map<std::string, std::string>& arguments, RequestContext&)>;

// completion/complete (server/utilities/completion).
struct CompletionRequest {
  std::string ref_type;  // "ref/prompt" or "ref/resource"
  std::string ref;       // prompt name or resource URI (template)
  std::string argument;
  std::string value;
  std::map<std::string, std::string> context_arguments;
};

struct Completion {
  std::vector<std::string> values;  // at most 100 are sent
  std::optional<std::int64_t> total;
  bool has_more = false;
};

using CompletionHandler = std::function<awaitable<Completion>(const CompletionRequest&, RequestContext&)>;

namespace mcp {
struct ServerAccess;
}  // namespace mcp

class Server {
 public:
  explicit Server(ServerInfo info = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Server& instructions(std::string text);
  Server& tool(Tool tool, ToolHandler handler);
  Server& resource(Resource resource, ResourceReader reader);
  Server& resource_template(ResourceTemplate resource_template, ResourceReader reader);
  Server& prompt(Prompt prompt, PromptHandler handler);
  Server& completion(CompletionHandler handler);
  // Sets the scopes a caller's token needs for a registered tool (e.g. from
  // configuration). Throws std::invalid_argument for an unknown tool.
  Server& require_scopes(std::string_view tool, std::vector<std::string> scopes);

  // Tell subscribed clients that a resource changed (thread-safe). Every
  // subscriber of the URI hears of it, whoever they are: for a resource
  // whose contents depend on who reads it (per-user data), name the user
  // whose copy changed with the second form, and only that user's sessions
  // and subscriptions are told.
  void notify_resource_updated(const std::string& uri);
  void notify_resource_updated(const std::string& uri, const std::string& subject);
  // Tell connected clients that a list changed: "tools", "resources" or "prompts".
  void notify_list_changed(std::string_view list);
  // The same, for a list only `subject` sees (its sessions alone are told).
  void notify_list_changed(std::string_view list, const std::string& subject);

  const ServerInfo& info() const;
  const std::string& instructions() const;

 private:
  // What the transports read (the registered entries, the event listeners)
  // is theirs alone: mcp/registry.hpp.
  friend struct mcp::ServerAccess;
  struct Registry;
  std::unique_ptr<Registry> registry_;
};

}  // namespace gatehouse
