#include "mcp/dispatcher.hpp"

#include "mcp/backend.hpp"
#include "mcp/input_rounds.hpp"
#include "mcp/json_schema.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/registry.hpp"
#include "mcp/stateless_request.hpp"
#include "mcp/tasks/task_wire.hpp"
#include "mcp/tasks/tool_execution.hpp"
#include "mcp/tool_scopes.hpp"
#include "store/store_error.hpp"

#include <boost/asio/multiple_exceptions.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <new>
#include <stdexcept>
#include <system_error>

namespace gatehouse::mcp {

namespace {

// What a client is told when the server's storage failed; the cause (SQLite's
// text names files) goes to the log only.
constexpr std::string_view kStoreFailure = "the server could not read or write its store; try again in a moment";

const json::value* param(const json::object& params, std::string_view key) { return params.if_contains(key); }

std::string required_string(const json::object& params, std::string_view key) {
  auto* v = param(params, key);
  if (!v || !v->is_string()) throw McpError::invalid_params("params." + std::string(key) + " must be a string");
  return std::string(v->get_string());
}

// A tool that failed on a bug of its own (a library's exception, not a
// message for its user): the client learns that it failed, the log says
// how. Exception texts of this kind name source files and types.
ToolResult internal_failure(std::string_view tool, const std::exception& e) {
  spdlog::error("tool {} failed: {}", tool, e.what());
  return ToolResult::error("the tool failed with an internal error (the server's log has the details)");
}

json::value progress_token(const json::object& params) {
  if (auto* meta = param(params, "_meta"); meta && meta->is_object())
    if (auto* token = meta->get_object().if_contains("progressToken")) {
      if (token->is_string() || token->is_int64() || token->is_uint64()) return *token;
    }
  return nullptr;
}

// One page of a list, with nextCursor when more remain.
template <class Entries, class Listing>
json::object page(const Entries& entries, const json::object& params, std::string_view key, std::size_t page_size,
                  Listing listing) {
  std::size_t offset = 0;
  if (auto* cursor = param(params, "cursor"); cursor && !cursor->is_null()) {
    auto decoded = cursor->is_string() ? decode_cursor(cursor->get_string()) : std::nullopt;
    if (!decoded || *decoded > entries.size()) throw McpError::invalid_params("invalid cursor");
    offset = *decoded;
  }
  json::array items;
  std::size_t end = std::min(entries.size(), offset + page_size);
  items.reserve(end - offset);
  for (std::size_t i = offset; i < end; ++i) items.push_back(listing(entries[i]));
  json::object result;
  result[key] = std::move(items);
  if (end < entries.size()) result["nextCursor"] = encode_cursor(end);
  return result;
}

// 2025-11-25: the ttl a task-augmented call asks for (params.task.ttl, ms).
std::optional<std::chrono::milliseconds> requested_ttl(const Call& call) {
  if (call.era != Era::session) return std::nullopt;
  auto* task = call.request.params.if_contains("task");
  if (!task || !task->is_object()) return std::nullopt;
  auto* ttl = task->get_object().if_contains("ttl");
  if (!ttl || !ttl->is_number()) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::max(0.0, ttl->to_number<double>())));
}

json::object tool_result_json(ToolResult&& r) {
  json::object o;
  o["content"] = std::move(r.content);
  if (r.structured_content) o["structuredContent"] = std::move(*r.structured_content);
  if (r.is_error) o["isError"] = true;
  if (!r.meta.empty()) o["_meta"] = std::move(r.meta);
  return o;
}

}  // namespace

std::string encode_cursor(std::size_t offset) {
  std::string cursor(1, 'o');
  cursor += std::to_string(offset);
  return cursor;
}

std::optional<std::size_t> decode_cursor(std::string_view cursor) {
  if (cursor.size() < 2 || cursor[0] != 'o') return std::nullopt;
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(cursor.data() + 1, cursor.data() + cursor.size(), n);
  if (ec != std::errc{} || p != cursor.data() + cursor.size()) return std::nullopt;
  return n;
}

Dispatcher::Dispatcher(const Server& server, DispatchOptions options)
    : server_(server), registry_(registry_of(server)), options_(options) {
  // MCP basic/lifecycle "Capability Negotiation": advertise what is served.
  capabilities_["logging"] = json::object{};
  if (registry_.completion) capabilities_["completions"] = json::object{};
  capabilities_["tools"] = json::object{{"listChanged", true}};
  if (!registry_.resources.empty() || !registry_.templates.empty())
    capabilities_["resources"] = json::object{{"subscribe", true}, {"listChanged", true}};
  if (!registry_.prompts.empty()) capabilities_["prompts"] = json::object{{"listChanged", true}};
  if (registry_.backend) {
    capabilities_ = registry_.backend->capabilities();
    // Lists that differ per user must not be kept by shared caches.
    if (registry_.backend->per_user_lists()) options_.list_cache_scope = "private";
  }
  if (options_.tasks && registry_.backend) runs_tasks_ = registry_.backend->runs_tasks();
  if (options_.tasks && !registry_.backend)
    for (const auto& entry : registry_.tools)
      if (entry.tool.task_support != TaskSupport::forbidden) runs_tasks_ = true;
  server_info_ = {{"name", registry_.info.name}, {"version", registry_.info.version}};
  if (!registry_.info.title.empty()) server_info_["title"] = registry_.info.title;
  if (!registry_.info.website_url.empty()) server_info_["websiteUrl"] = registry_.info.website_url;
}

bool Dispatcher::has_prompts() const { return registry_.backend || !registry_.prompts.empty(); }
bool Dispatcher::has_resources() const {
  return registry_.backend || !registry_.resources.empty() || !registry_.templates.empty();
}

json::object Dispatcher::discover_result() const {
  // MCP 2026-07-28 server/discover: what initialize used to tell, per request.
  json::array versions;
  for (auto v : kAllVersions) versions.emplace_back(v);
  json::object capabilities = capabilities_;
  // SEP-2663: the Tasks extension is advertised under extensions (there is
  // no capabilities.tasks in this revision).
  // Added to, not replacing, extensions a gateway backend advertises.
  if (runs_tasks()) {
    auto& extensions = capabilities["extensions"];
    if (!extensions.is_object()) extensions = json::object{};
    extensions.as_object()[kTasksExtension] = json::object{};
  }
  json::object result{{"supportedVersions", std::move(versions)}, {"capabilities", std::move(capabilities)}};
  if (!registry_.instructions.empty()) result["instructions"] = registry_.instructions;
  return result;
}

void Dispatcher::shape_stateless_result(std::string_view method, json::object& result) const {
  if (!result.contains("resultType")) result["resultType"] = "complete";
  // SEP-2549: caching hints, the same on every page of a list.
  bool is_list = method == "server/discover" || method == "tools/list" || method == "prompts/list" ||
                 method == "resources/list" || method == "resources/templates/list";
  if (is_list) {
    result["ttlMs"] = options_.list_ttl_ms;
    result["cacheScope"] = options_.list_cache_scope;
  } else if (method == "resources/read") {
    result["ttlMs"] = options_.read_ttl_ms;
    result["cacheScope"] = "private";
  }
  // Who answered, in every result's _meta (MCP 2026-07-28 "serverInfo").
  auto& meta = result["_meta"];
  if (!meta.is_object()) meta = json::object{};
  meta.as_object()[meta_key::server_info] = server_info_;
}

json::object Dispatcher::initialize_result(std::string_view version) const {
  json::object info{{"name", registry_.info.name}, {"version", registry_.info.version}};
  if (!registry_.info.title.empty()) info["title"] = registry_.info.title;
  if (!registry_.info.website_url.empty()) info["websiteUrl"] = registry_.info.website_url;
  json::object result{{"protocolVersion", version}, {"capabilities", capabilities_}, {"serverInfo", std::move(info)}};
  // MCP 2025-11-25 basic/utilities/tasks: task-augmented tools/call, with
  // tasks/list and tasks/cancel. Earlier revisions have no tasks.
  if (runs_tasks() && version == kLatestSessionVersion)
    result["capabilities"].as_object()["tasks"] =
        json::object{{"list", json::object{}},
                     {"cancel", json::object{}},
                     {"requests", json::object{{"tools", json::object{{"call", json::object{}}}}}}};
  if (!registry_.instructions.empty()) result["instructions"] = registry_.instructions;
  return result;
}

boost::asio::awaitable<json::object> Dispatcher::dispatch(Call call) const {
  std::exception_ptr failure;
  try {
    auto result = co_await route(call);
    if (call.era == Era::stateless && result.is_object()) shape_stateless_result(call.request.method, result.as_object());
    co_return jsonrpc::make_result(call.request.id, std::move(result));
  } catch (...) {
    failure = std::current_exception();
  }
  co_return failure_response(call, unwrap(failure));
}

std::exception_ptr Dispatcher::unwrap(std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const boost::asio::multiple_exceptions& e) {
    return unwrap(e.first_exception());
  } catch (...) {
    return failure;
  }
}

json::object Dispatcher::failure_response(const Call& call, std::exception_ptr failure) const {
  try {
    std::rethrow_exception(failure);
  } catch (const InputRequired&) {
    // MRTR (SEP-2322): the handler needs answers from the client first.
    json::object result = call.rounds->input_required_result();
    shape_stateless_result(call.request.method, result);
    return jsonrpc::make_result(call.request.id, std::move(result));
  } catch (const McpError& e) {
    // SEP-2164: the stateless revision reports an unknown resource as -32602.
    int code = e.code();
    if (call.era == Era::stateless && code == error_code::resource_not_found) code = error_code::invalid_params;
    return jsonrpc::make_error(call.request.id, code, e.what(), e.data());
  } catch (const store::StoreError& e) {
    // The server's storage failed (disk full, locked, damaged): -32603 with
    // a message the client can show; SQLite's text names files, so the
    // cause goes to the log only.
    spdlog::error("{} failed on the store: {}", call.request.method, e.what());
    return jsonrpc::make_error(call.request.id, error_code::internal_error, kStoreFailure);
  } catch (const std::exception& e) {
    // Handler bugs become -32603 without leaking internals beyond the message.
    return jsonrpc::make_error(call.request.id, error_code::internal_error, e.what());
  } catch (...) {
    return jsonrpc::make_error(call.request.id, error_code::internal_error, "internal error");
  }
}

boost::asio::awaitable<json::value> Dispatcher::route(Call& call) const {
  const auto& method = call.request.method;
  const auto& params = call.request.params;
  auto entry_listing = [](const auto& e) { return e.listing; };
  auto task_listing = [](const auto& e) { return e.task_listing; };

  if (method == "tools/call") co_return co_await call_tool(call);
  if (call.era == Era::stateless) {
    if (method == "server/discover") co_return discover_result();
    // Removed in 2026-07-28: there is no session to set up, keep alive,
    // configure or subscribe in (subscriptions/listen replaces the last two).
    if (method == "initialize" || method == "ping" || method == "logging/setLevel" ||
        method == "resources/subscribe" || method == "resources/unsubscribe")
      throw McpError::method_not_found("Method not found: " + method + " is not part of protocol version 2026-07-28");
  }
  if (method == "ping") co_return json::object{};
  if (runs_tasks_ && method.starts_with("tasks/")) co_return co_await task_method(call);
  if (registry_.backend && method != "logging/setLevel") {
    // The session keeps its subscriptions (M7 filtering), the backend
    // forwards them to the server behind it.
    if (method == "resources/subscribe" || method == "resources/unsubscribe") {
      auto uri = required_string(params, "uri");
      if (!call.session) throw McpError::method_not_found(method + " needs a session");
      if (method == "resources/subscribe") call.session->subscribe(uri);
      else call.session->unsubscribe(uri);
    }
    auto answer = co_await registry_.backend->handle(call);
    // 2025-11-25 sessions learn which backend tools Gatehouse runs as tasks
    // (task_tools); a backend's own execution.taskSupport stays as it is.
    if (method == "tools/list" && runs_tasks_ && call.era == Era::session && answer.is_object())
      if (auto* tools = answer.as_object().if_contains("tools"); tools && tools->is_array())
        for (auto& tool : tools->as_array()) {
          auto* object = tool.if_object();
          auto* name = object ? object->if_contains("name") : nullptr;
          if (!name || !name->is_string()) continue;
          if (registry_.backend->configured_task_support(name->get_string()) == TaskSupport::forbidden) continue;
          auto& execution = (*object)["execution"];
          if (!execution.is_object()) execution = json::object{};
          auto& support = execution.as_object()["taskSupport"];
          if (!support.is_string() || support.get_string() == "forbidden") support = "optional";
        }
    co_return answer;
  }
  if (method == "tools/list") {
    // 2025-11-25 sessions of a server that runs tasks see execution.taskSupport.
    if (runs_tasks_ && call.era == Era::session)
      co_return page(registry_.tools, params, "tools", options_.page_size, task_listing);
    co_return page(registry_.tools, params, "tools", options_.page_size, entry_listing);
  }
  if (method == "resources/list")
    co_return page(registry_.resources, params, "resources", options_.page_size, entry_listing);
  if (method == "resources/templates/list")
    co_return page(registry_.templates, params, "resourceTemplates", options_.page_size, entry_listing);
  if (method == "resources/read") co_return co_await read_resource(call);
  if (method == "prompts/list") co_return page(registry_.prompts, params, "prompts", options_.page_size, entry_listing);
  if (method == "prompts/get") co_return co_await get_prompt(call);
  if (method == "completion/complete") co_return co_await complete(call);
  if (method == "resources/subscribe" || method == "resources/unsubscribe") {
    auto uri = required_string(params, "uri");
    if (!call.session) throw McpError::method_not_found(method + " needs a session");
    if (method == "resources/subscribe") call.session->subscribe(uri);
    else call.session->unsubscribe(uri);
    co_return json::object{};
  }
  if (method == "logging/setLevel") {
    auto level = parse_log_level(required_string(params, "level"));
    if (!level) throw McpError::invalid_params("params.level must be one of debug, info, notice, warning, error, critical, alert, emergency");
    if (call.session) call.session->set_log_level(*level);
    co_return json::object{};
  }
  throw McpError::method_not_found("Method not found: " + method);
}

boost::asio::awaitable<json::object> run_tool(const Registry::ToolEntry& entry, json::object arguments,
                                              RequestContext& ctx) {
  ToolResult result;
  std::exception_ptr failure;
  try {
    result = co_await entry.handler(std::move(arguments), ctx);
  } catch (...) {
    failure = Dispatcher::unwrap(std::current_exception());
  }
  if (failure) {
    // Tool failures are results with isError, so the model sees them; protocol
    // errors and input-required rounds stay what they are.
    try {
      std::rethrow_exception(failure);
    } catch (const McpError&) {
      throw;
    } catch (const InputRequired&) {
      throw;
    } catch (const store::StoreError& e) {
      // The server's storage failed (a vault read, ...): not the tool's
      // message, and SQLite's text names files.
      spdlog::error("tool {} failed on the store: {}", entry.tool.name, e.what());
      result = ToolResult::error(kStoreFailure);
    } catch (const boost::system::system_error& e) {
      result = internal_failure(entry.tool.name, e);  // e.g. Boost.JSON's as_object() on another kind
    } catch (const std::system_error& e) {
      result = internal_failure(entry.tool.name, e);
    } catch (const std::logic_error& e) {
      result = internal_failure(entry.tool.name, e);  // std::out_of_range from at(), ...
    } catch (const std::bad_alloc& e) {
      result = internal_failure(entry.tool.name, e);
    } catch (const std::exception& e) {
      // std::runtime_error and its kin: a message written for the user
      // (RequestContext::upstream_token() and friends document theirs).
      result = ToolResult::error(e.what());
    } catch (...) {
      result = ToolResult::error("the tool failed");
    }
  }
  co_return tool_result_json(std::move(result));
}

TaskOrigin Dispatcher::task_origin(const Call& call, std::string tool, bool required) const {
  return TaskOrigin{.owner = call.principal.subject,
                    .tool = std::move(tool),
                    .era = call.era,
                    .protocol_version = std::string(call.channel.protocol_version()),
                    .client_capabilities = call.channel.client_capabilities(),
                    .ttl = requested_ttl(call),
                    .required = required,
                    .questions = call.era == Era::session ? call.channel.outliving() : nullptr};
}

boost::asio::awaitable<std::optional<json::object>> Dispatcher::start_task(const Call& call, TaskOrigin origin,
                                                                           ToolExecution::Body body,
                                                                           std::string& refused) const {
  auto executor = co_await boost::asio::this_coro::executor;
  try {
    auto task = ToolExecution::start_task(options_.tasks, executor, std::move(origin), std::move(body));
    co_return task_created(call, task);
  } catch (const TaskRefused& e) {
    refused = e.what();
  }
  co_return std::nullopt;
}

boost::asio::awaitable<json::value> Dispatcher::call_tool(Call& call) const {
  const auto& params = call.request.params;
  auto name = required_string(params, "name");
  if (registry_.backend) {
    // RS3 for backend tools: the same refusal as for registered ones.
    if (call.principal.authenticated()) {
      auto required = registry_.backend->tool_scopes(name);
      for (const auto& scope : required)
        if (!call.principal.has_scope(scope)) throw insufficient_scope_error(name, required);
    }
    if (options_.tasks && accepts_task(call)) {
      // A task of Gatehouse's, when the backend runs the tool as a task of
      // its own (followed for this one) or the configuration lists it in
      // task_tools (an ordinary call, made by the task in the background).
      auto support = co_await registry_.backend->task_support(call, name);
      if (support == TaskSupport::forbidden && call.era == Era::session)
        // MCP 2025-11-25 "Tool-Level Negotiation", as for registered tools.
        throw McpError::method_not_found("Tool " + name + " does not run as a task; call it without params.task");
      if (support != TaskSupport::forbidden) {
        auto origin = task_origin(call, name, support == TaskSupport::required);
        auto request = call.request;
        // The backend is asked to keep its task as long as Gatehouse keeps
        // this one.
        auto ttl = origin.ttl ? std::min(*origin.ttl, options_.tasks->settings().ttl) : options_.tasks->settings().ttl;
        request.params["task"] = json::object{{"ttl", ttl.count()}};
        // The call starts as an ordinary one and becomes a task when the
        // backend makes one (or at once, for task_tools): see
        // Backend::task_call. Its questions before then are the call's own.
        ToolExecution::Body body = [backend = registry_.backend, request = std::move(request),
                                    principal = call.principal,
                                    era = call.era](RequestChannel& channel) -> boost::asio::awaitable<json::object> {
          // Outside any session: the task outlives the request (and perhaps
          // the session) that started it.
          Call inner{request, channel, principal, nullptr, era, nullptr};
          auto result = co_await backend->task_call(inner);
          if (!result.is_object()) throw McpError::internal("the backend's tools/call result is not an object");
          co_return std::move(result.as_object());
        };
        auto outcome = co_await ToolExecution::run_call(options_.tasks, std::move(origin), std::move(body), call.channel);
        if (outcome.task) co_return task_created(call, *outcome.task);
        co_return std::move(*outcome.result);
      }
    }
    co_return co_await registry_.backend->handle(call);
  }
  const auto* entry = registry_.find_tool(name);
  // MCP 2025-11-25 server/tools "Error Handling": unknown tools are protocol errors.
  if (!entry) throw McpError::invalid_params("Unknown tool: " + name);
  // RS3: the transports answer a missing scope with 403 before dispatching;
  // this is the check no path can miss (batches, stateless modes, stdio).
  if (auto needed = missing_tool_scopes(entry->tool, call.principal); !needed.empty())
    throw insufficient_scope_error(name, needed);

  json::object arguments;
  if (auto* args = param(params, "arguments"); args && !args->is_null()) {
    if (!args->is_object()) throw McpError::invalid_params("params.arguments must be an object");
    arguments = args->get_object();
  }
  // Input validation failures are tool execution errors, so the model can
  // correct itself (MCP 2025-11-25 server/tools "Error Handling").
  if (auto violation = entry->input_schema.validate(arguments))
    co_return tool_result_json(ToolResult::error("Invalid arguments for tool " + name + ": " + to_string(*violation)));

  auto support = options_.tasks ? entry->tool.task_support : TaskSupport::forbidden;
  bool as_task = support != TaskSupport::forbidden && accepts_task(call);
  if (!as_task && support == TaskSupport::required) {
    // Refused before the handler runs: it could only answer with a task.
    if (call.era == Era::stateless)
      throw McpError(stateless_error::missing_capability,
                     "Missing required client capability: tool " + name + " runs as a task; declare the " +
                         std::string(kTasksExtension) + " extension",
                     json::object{{"requiredCapabilities",
                                   json::object{{"extensions", json::object{{kTasksExtension, json::object{}}}}}}});
    // MCP 2025-11-25 "Tool-Level Negotiation": -32601 for a required tool
    // called without params.task.
    throw McpError::method_not_found("Tool " + name + " must be called as a task (params.task)");
  }
  if (!as_task && support == TaskSupport::forbidden && options_.tasks && call.era == Era::session &&
      call.channel.protocol_version() == kLatestSessionVersion && param(params, "task"))
    // ... and SHOULD return -32601 for params.task on a tool that forbids it.
    throw McpError::method_not_found("Tool " + name + " does not run as a task; call it without params.task");

  if (as_task) {
    auto origin = task_origin(call, name, support == TaskSupport::required);
    // The task's handler outlives this request: it keeps copies of what it reads.
    ToolExecution::Body body = [entry, arguments, principal = call.principal, token = progress_token(params),
                                key = options_.upstream_api_key,
                                upstream = options_.upstream](RequestChannel& channel) -> boost::asio::awaitable<json::object> {
      RequestContext ctx(channel, principal, token, key, upstream.get());
      co_return co_await run_tool(*entry, arguments, ctx);
    };
    if (entry->tool.task_after_questions) {
      auto outcome = co_await ToolExecution::run_call(options_.tasks, std::move(origin), std::move(body), call.channel);
      if (outcome.task) co_return task_created(call, *outcome.task);
      co_return std::move(*outcome.result);
    }
    std::string refused;
    if (auto created = co_await start_task(call, std::move(origin), std::move(body), refused))
      co_return std::move(*created);
    // At the owner's bounds: a required task cannot be, an optional one
    // runs as an ordinary call (the server decides per call).
    if (support == TaskSupport::required) co_return tool_result_json(ToolResult::error(refused));
  }
  RequestContext ctx(call.channel, call.principal, progress_token(params), options_.upstream_api_key, options_.upstream.get());
  co_return co_await run_tool(*entry, std::move(arguments), ctx);
}

boost::asio::awaitable<json::value> Dispatcher::read_resource(Call& call) const {
  const auto& params = call.request.params;
  ResourceRequest request{required_string(params, "uri"), {}};
  const ResourceReader* reader = nullptr;
  if (const auto* entry = registry_.find_resource(request.uri)) reader = &entry->reader;
  else if (const auto* t = registry_.match_template(request.uri, request.variables)) reader = &t->reader;
  if (!reader) throw McpError::resource_not_found(request.uri);
  RequestContext ctx(call.channel, call.principal, progress_token(params), options_.upstream_api_key, options_.upstream.get());
  auto contents = co_await (*reader)(request, ctx);
  co_return json::object{{"contents", std::move(contents)}};
}

boost::asio::awaitable<json::value> Dispatcher::get_prompt(Call& call) const {
  const auto& params = call.request.params;
  auto name = required_string(params, "name");
  const auto* entry = registry_.find_prompt(name);
  if (!entry) throw McpError::invalid_params("Unknown prompt: " + name);
  std::map<std::string, std::string> arguments;
  if (auto* args = param(params, "arguments"); args && !args->is_null()) {
    if (!args->is_object()) throw McpError::invalid_params("params.arguments must be an object");
    for (const auto& [k, v] : args->get_object()) {
      if (!v.is_string()) throw McpError::invalid_params("prompt argument " + std::string(k) + " must be a string");
      arguments.emplace(k, v.get_string());
    }
  }
  for (const auto& a : entry->prompt.arguments)
    if (a.required && !arguments.contains(a.name))
      throw McpError::invalid_params("missing required argument " + a.name + " for prompt " + name);
  RequestContext ctx(call.channel, call.principal, progress_token(params), options_.upstream_api_key, options_.upstream.get());
  auto result = co_await entry->handler(arguments, ctx);
  json::object o;
  if (!result.description.empty()) o["description"] = result.description;
  o["messages"] = std::move(result.messages);
  co_return o;
}

boost::asio::awaitable<json::value> Dispatcher::complete(Call& call) const {
  const auto& params = call.request.params;
  auto* ref = param(params, "ref");
  auto* argument = param(params, "argument");
  if (!ref || !ref->is_object() || !argument || !argument->is_object())
    throw McpError::invalid_params("completion/complete needs params.ref and params.argument objects");
  CompletionRequest request;
  request.ref_type = required_string(ref->get_object(), "type");
  if (request.ref_type == "ref/prompt") request.ref = required_string(ref->get_object(), "name");
  else if (request.ref_type == "ref/resource") request.ref = required_string(ref->get_object(), "uri");
  else throw McpError::invalid_params("params.ref.type must be ref/prompt or ref/resource");
  request.argument = required_string(argument->get_object(), "name");
  request.value = required_string(argument->get_object(), "value");
  if (auto* context = param(params, "context"); context && context->is_object())
    if (auto* args = context->get_object().if_contains("arguments"); args && args->is_object())
      for (const auto& [k, v] : args->get_object())
        if (v.is_string()) request.context_arguments.emplace(k, v.get_string());

  Completion completion;
  if (registry_.completion) {
    RequestContext ctx(call.channel, call.principal, nullptr, options_.upstream_api_key, options_.upstream.get());
    completion = co_await registry_.completion(request, ctx);
  }
  // MCP server/utilities/completion: at most 100 values per response.
  json::array values;
  for (std::size_t i = 0; i < completion.values.size() && i < 100; ++i) values.push_back(json::string(completion.values[i]));
  json::object out{{"values", std::move(values)}};
  if (completion.total) out["total"] = *completion.total;
  out["hasMore"] = completion.has_more || completion.values.size() > 100;
  co_return json::object{{"completion", std::move(out)}};
}

}  // namespace gatehouse::mcp
