#include "gateway/gateway.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include "config/backend_rules.hpp"
#include "gateway/backend_error.hpp"
#include "gateway/backend_task.hpp"
#include "mcp/tasks/task_wire.hpp"
#include "mcp/uri_template.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace gatehouse::gateway {

namespace asio = boost::asio;

namespace {

std::string string_param(const json::object& params, std::string_view key) {
  auto* v = params.if_contains(key);
  if (!v || !v->is_string()) throw McpError::invalid_params("params." + std::string(key) + " must be a string");
  return std::string(v->get_string());
}

std::string session_of(const mcp::Call& call) { return call.session ? call.session->session_id() : std::string{}; }

}  // namespace

Gateway::Gateway(asio::any_io_executor executor, Server& server, const config::Config& config,
                 std::function<std::string(const std::string&)> user_name, net::Metrics* metrics)
    : page_size_(config.page_size) {
  ConnectionEvents events;
  events.resource_updated = [&server](const std::string& uri, std::optional<std::string> owner) {
    if (owner) server.notify_resource_updated(uri, *owner);
    else server.notify_resource_updated(uri);
  };
  events.list_changed = [&server](std::string_view list, std::optional<std::string> owner) {
    if (owner) server.notify_list_changed(list, *owner);
    else server.notify_list_changed(list);
  };
  for (const auto& b : config.backends) {
    auto settings = std::make_shared<const BackendSettings>(BackendSettings::from(config, b));
    auto pool = std::make_unique<ConnectionPool>(executor, settings, user_name, events,
                                                 metrics ? BackendMetrics::make(*metrics, settings->name) : nullptr);
    spdlog::info("backend {}: {} (isolation {}, {})", settings->name,
                 b.command.empty() ? b.url : b.command.front(), to_string(settings->isolation),
                 settings->prefix.empty() ? std::string("no prefix")
                                          : "names prefixed " + settings->prefix + std::string(config::kPrefixSeparator));
    backends_.push_back({std::move(settings), std::move(pool)});
  }
}

Gateway::~Gateway() { stop_all(); }

json::object Gateway::capabilities() const {
  // Advertised without starting any process: a backend without prompts
  // answers an empty list, one without completions an empty completion.
  return {{"logging", json::object{}},
          {"completions", json::object{}},
          {"tools", json::object{{"listChanged", true}}},
          {"resources", json::object{{"subscribe", true}, {"listChanged", true}}},
          {"prompts", json::object{{"listChanged", true}}}};
}

bool Gateway::per_user_lists() const {
  for (const auto& b : backends_)
    if (b.settings->isolation != Isolation::shared) return true;
  return false;
}

std::pair<const Gateway::Entry*, std::string> Gateway::resolve(std::string_view name) const {
  for (const auto& b : backends_) {
    const auto& prefix = b.settings->prefix;
    if (prefix.empty()) {
      if (backends_.size() == 1) return {&b, std::string(name)};
      continue;
    }
    std::string head = prefix + std::string(config::kPrefixSeparator);
    if (name.starts_with(head) && name.size() > head.size()) return {&b, std::string(name.substr(head.size()))};
  }
  // Backends without a prefix among several: the name is theirs as it is.
  for (const auto& b : backends_)
    if (b.settings->prefix.empty()) return {&b, std::string(name)};
  return {nullptr, {}};
}

std::vector<std::string> Gateway::tool_scopes(std::string_view name) const {
  auto [entry, tool] = resolve(name);
  if (!entry) return {};
  auto it = entry->settings->tool_scopes.find(tool);
  return it == entry->settings->tool_scopes.end() ? std::vector<std::string>{} : it->second;
}

asio::awaitable<std::shared_ptr<BackendConnection>> Gateway::instance(const Entry& entry, const mcp::Call& call,
                                                                       bool outside_session) const {
  const auto& wanted = entry.settings->grant_variables;
  auto session = outside_session ? std::string() : session_of(call);
  if (wanted.empty()) co_return entry.pool->instance(call.principal.subject, session);
  if (!upstream_ || call.principal.grant_id.empty())
    throw backend_error(entry.settings->name, reason::start_failed,
                        "its templates use the caller's upstream sign-in or connection values, and this request "
                        "has none");
  GrantValues grant;
  grant.grant_id = call.principal.grant_id;
  bool token = false;
  for (const auto& v : wanted) token = token || v.space == "upstream";
  // One answer from the vault (from memory unless the token is due for
  // refresh) carries every value the templates use.
  auto access = co_await upstream_->access(call.principal, token);
  for (const auto& v : wanted) {
    std::string value;
    if (v.space == "connection") {
      if (const auto* found = access->connection.if_contains(v.name); found && found->is_string())
        value = std::string(found->get_string());
    } else if (v.name == "access_token") {
      value = access->access_token;
    } else if (v.name == "subject") {
      value = access->identity.subject;
    } else if (v.name == "username") {
      value = access->identity.username;
    } else if (v.name == "email") {
      value = access->identity.email;
    }
    grant.values[v.space + "." + v.name] = std::move(value);
  }
  std::string all;
  for (const auto& [name, value] : grant.values) all += name + "=" + value + "\n";
  grant.fingerprint = crypto::hex_encode(crypto::sha256(all));
  co_return entry.pool->instance(call.principal.subject, session, &grant);
}

void Gateway::session_closed(std::string_view session_id) {
  for (auto& b : backends_) b.pool->session_closed(std::string(session_id));
}

void Gateway::housekeeping() {
  for (auto& b : backends_) b.pool->stop_idle();
}

void Gateway::stop_all() {
  for (auto& b : backends_) b.pool->stop_all();
}

std::size_t Gateway::processes() const {
  std::size_t n = 0;
  for (const auto& b : backends_) n += b.pool->size();
  return n;
}

json::object Gateway::page(json::array items, const json::object& params, std::string_view key) const {
  std::size_t offset = 0;
  if (auto* cursor = params.if_contains("cursor"); cursor && !cursor->is_null()) {
    auto decoded = cursor->is_string() ? mcp::decode_cursor(cursor->get_string()) : std::nullopt;
    if (!decoded || *decoded > items.size()) throw McpError::invalid_params("invalid cursor");
    offset = *decoded;
  }
  std::size_t end = std::min(items.size(), offset + page_size_);
  json::array out;
  out.reserve(end - offset);
  for (std::size_t i = offset; i < end; ++i) out.push_back(std::move(items[i]));
  json::object result{{key, std::move(out)}};
  if (end < items.size()) result["nextCursor"] = mcp::encode_cursor(end);
  return result;
}

asio::awaitable<json::array> Gateway::merged(mcp::Call& call, std::string method, std::string key, bool prefixed) {
  json::array all;
  for (const auto& b : backends_) {
    json::array items;
    std::exception_ptr failure;
    // A 2026-07-28 backend's tools say nothing of tasks (its server decides
    // per call); a 2025-11-25 session asks for a task only of a tool listed
    // with execution.taskSupport, so they are listed "optional" for it.
    bool tasks_per_call = false;
    try {
      auto process = co_await instance(b, call);
      items = co_await process->list(method, key, call.channel);
      if (key == "tools" && call.era == mcp::Era::session && process->stateless()) {
        auto capabilities = process->server_capabilities();
        auto* extensions = capabilities.if_contains("extensions");
        tasks_per_call = extensions && extensions->is_object() && extensions->as_object().contains(mcp::kTasksExtension);
      }
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      // One broken backend does not hide the others' lists.
      if (backends_.size() == 1) std::rethrow_exception(failure);
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        spdlog::warn("{} leaves out backend {}: {}", method, b.settings->name, e.what());
      }
      continue;
    }
    for (auto& item : items) {
      auto* object = item.if_object();
      if (!object) continue;
      if (key == "tools" || key == "prompts") {
        auto* name = object->if_contains("name");
        if (!name || !name->is_string()) continue;
        if (key == "tools" && !b.settings->tool_allowed(name->get_string())) continue;
        if (prefixed && !b.settings->prefix.empty()) {
          std::string exposed = b.settings->prefix + std::string(config::kPrefixSeparator) + std::string(name->get_string());
          // MCP 2025-11-25 server/tools "Tool Names": at most 128 characters.
          if (exposed.size() > 128) {
            spdlog::warn("backend {}: {} {} is left out: with its prefix the name is over 128 characters",
                         b.settings->name, key, std::string(name->get_string()));
            continue;
          }
          (*object)["name"] = exposed;
        }
      }
      if (tasks_per_call) {
        auto& execution = (*object)["execution"];
        if (!execution.is_object()) execution = json::object{};
        if (!execution.as_object().contains("taskSupport")) execution.as_object()["taskSupport"] = "optional";
      }
      all.push_back(std::move(item));
    }
  }
  co_return all;
}

asio::awaitable<const Gateway::Entry*> Gateway::resource_owner(mcp::Call& call, std::string uri) {
  if (backends_.size() == 1) co_return &backends_.front();
  for (const auto& b : backends_) {
    auto process = co_await instance(b, call);
    auto resources = co_await process->list("resources/list", "resources", call.channel);
    for (const auto& r : resources)
      if (auto* u = r.is_object() ? r.as_object().if_contains("uri") : nullptr; u && u->is_string() && u->get_string() == uri)
        co_return &b;
  }
  for (const auto& b : backends_) {
    auto process = co_await instance(b, call);
    auto templates = co_await process->list("resources/templates/list", "resourceTemplates", call.channel);
    for (const auto& t : templates) {
      auto* text = t.is_object() ? t.as_object().if_contains("uriTemplate") : nullptr;
      if (!text || !text->is_string()) continue;
      bool matches = false;
      try {
        matches = mcp::UriTemplate(text->get_string()).match(uri).has_value();
      } catch (const std::exception&) {
      }
      if (matches) co_return &b;
    }
  }
  co_return nullptr;
}

TaskSupport Gateway::configured_task_support(std::string_view name) const {
  auto [entry, tool] = resolve(name);
  if (!entry || !entry->settings->tool_allowed(tool) || !entry->settings->task_tools.contains(tool))
    return TaskSupport::forbidden;
  return TaskSupport::optional;
}

asio::awaitable<TaskSupport> Gateway::task_support(mcp::Call& call, std::string_view name) {
  auto [entry, tool] = resolve(name);
  if (!entry || !entry->settings->tool_allowed(tool)) co_return TaskSupport::forbidden;
  // Asked of the process that would run the task.
  auto connection = co_await instance(*entry, call, true);
  auto native = co_await connection->task_support(tool, call.channel);
  if (native != TaskSupport::forbidden) co_return native;
  co_return entry->settings->task_tools.contains(tool) ? TaskSupport::optional : TaskSupport::forbidden;
}

asio::awaitable<json::value> Gateway::task_call(mcp::Call& call) { co_return co_await call_tool(call, true); }

asio::awaitable<json::value> Gateway::call_tool(mcp::Call& call, bool in_task) {
  json::object params = call.request.params;
  auto exposed = string_param(params, "name");
  auto [entry, tool] = resolve(exposed);
  // MCP 2025-11-25 server/tools "Error Handling": unknown tools are protocol errors.
  if (!entry || !entry->settings->tool_allowed(tool)) throw McpError::invalid_params("Unknown tool: " + exposed);
  params["name"] = tool;
  auto connection = co_await instance(*entry, call, in_task);
  json::value result;
  auto native = TaskSupport::forbidden;
  if (in_task) native = co_await connection->task_support(tool, call.channel);
  if (native != TaskSupport::forbidden) {
    // The backend's own task, followed for Gatehouse's. It is asked to keep
    // it as long as Gatehouse keeps its own (params.task.ttl, which the
    // dispatcher sets).
    std::chrono::milliseconds ttl = std::chrono::hours(1);
    if (auto* task = params.if_contains("task"); task && task->is_object())
      if (auto* t = task->as_object().if_contains("ttl"); t && t->is_number())
        ttl = std::chrono::milliseconds(static_cast<std::int64_t>(std::max(0.0, t->to_number<double>())));
    result = co_await follow_backend_task(connection, std::move(params), call.channel, ttl);
  } else {
    // Only Gatehouse's tasks reach clients: a task the backend made for a
    // forwarded params.task would be known by its id to anyone holding it,
    // whoever created it.
    params.erase("task");
    // task_tools: the task first (unless the user is at the task bounds),
    // then an ordinary call, whose progress becomes the task's statusMessage.
    bool as_task = false;
    if (in_task) as_task = co_await call.channel.continue_as_task();
    if (as_task) {
      auto& meta = params["_meta"];
      if (!meta.is_object()) meta = json::object{};
      if (!meta.as_object().contains("progressToken")) meta.as_object()["progressToken"] = "task";
    }
    // A 2026-07-28 round answering a question of a call parked earlier
    // continues that call; anything else is a new call.
    auto resumed = co_await connection->resume(params, call.channel, session_of(call));
    if (resumed) {
      result = std::move(*resumed);
    } else {
      // inputResponses and requestState are Gatehouse's, not the backend's.
      params.erase("inputResponses");
      params.erase("requestState");
      auto session = in_task ? std::string() : session_of(call);
      result = co_await connection->request("tools/call", std::move(params), call.channel, std::move(session));
    }
  }
  auto limit = entry->settings->max_result_chars;
  if (limit > 0) {
    auto size = json::serialize(result).size();
    if (size > limit) {
      spdlog::warn("backend {}: result of {} has {} characters, over max_result_chars {}; replaced by an error",
                   entry->settings->name, tool, size, limit);
      // A well-formed tool error the model can act on, instead of a result
      // the client would cut or refuse (docs/gateway.md "Result size").
      co_return json::object{
          {"content", json::array{json::object{
                          {"type", "text"},
                          {"text", "The result of " + exposed + " was too large: " + std::to_string(size) +
                                       " characters, over the limit of " + std::to_string(limit) +
                                       ". Ask for less, e.g. a narrower query or a smaller page."}}}},
          {"isError", true}};
    }
  }
  co_return result;
}

asio::awaitable<json::value> Gateway::handle(mcp::Call& call) {
  const auto& method = call.request.method;
  const auto& params = call.request.params;
  if (method == "tools/call") co_return co_await call_tool(call, false);
  // The task methods answer for Gatehouse's tasks (the dispatcher's); a
  // backend's task ids never reach clients, and are not looked up for them.
  if (method.starts_with("tasks/"))
    throw McpError::method_not_found("Method not found: " + method + " (this endpoint runs no tasks)");
  if (method == "tools/list") co_return page(co_await merged(call, method, "tools", true), params, "tools");
  if (method == "prompts/list") co_return page(co_await merged(call, method, "prompts", true), params, "prompts");
  if (method == "resources/list") co_return page(co_await merged(call, method, "resources", false), params, "resources");
  if (method == "resources/templates/list")
    co_return page(co_await merged(call, method, "resourceTemplates", false), params, "resourceTemplates");
  if (method == "prompts/get") {
    json::object forwarded = params;
    auto exposed = string_param(forwarded, "name");
    auto [entry, prompt] = resolve(exposed);
    if (!entry) throw McpError::invalid_params("Unknown prompt: " + exposed);
    forwarded["name"] = prompt;
    auto process = co_await instance(*entry, call);
    co_return co_await process->request(method, std::move(forwarded), call.channel, session_of(call));
  }
  if (method == "resources/read" || method == "resources/subscribe" || method == "resources/unsubscribe") {
    auto uri = string_param(params, "uri");
    const Entry* entry = co_await resource_owner(call, uri);
    if (!entry) {
      if (method == "resources/read") throw McpError::resource_not_found(uri);
      co_return json::object{};
    }
    auto process = co_await instance(*entry, call);
    if (method == "resources/read") co_return co_await process->request(method, params, call.channel, session_of(call));
    co_await process->subscribe(uri, method == "resources/subscribe", call.channel);
    co_return json::object{};
  }
  if (method == "completion/complete") {
    json::object forwarded = params;
    const Entry* entry = nullptr;
    auto* ref = forwarded.if_contains("ref");
    if (!ref || !ref->is_object()) throw McpError::invalid_params("completion/complete needs params.ref");
    auto& r = ref->as_object();
    if (auto* name = r.if_contains("name"); name && name->is_string()) {
      auto [e, prompt] = resolve(name->get_string());
      entry = e;
      r["name"] = prompt;
    } else if (auto* uri = r.if_contains("uri"); uri && uri->is_string()) {
      entry = co_await resource_owner(call, std::string(uri->get_string()));
    }
    json::object empty{{"completion", json::object{{"values", json::array{}}, {"hasMore", false}}}};
    if (!entry) co_return empty;
    auto process = co_await instance(*entry, call);
    // A backend that did not declare completions is not asked.
    if (!process->server_capabilities().contains("completions")) {
      co_await process->list("tools/list", "tools", call.channel);  // starts it, learning its capabilities
      if (!process->server_capabilities().contains("completions")) co_return empty;
    }
    co_return co_await process->request(method, std::move(forwarded), call.channel, session_of(call));
  }
  // Anything else the client sends (an extension's method) goes to the only
  // backend; with several there is no telling which one it is for.
  if (backends_.size() == 1) {
    auto process = co_await instance(backends_.front(), call);
    co_return co_await process->request(method, params, call.channel, session_of(call));
  }
  throw McpError::method_not_found("Method not found: " + method);
}

}  // namespace gatehouse::gateway
