#include "mcp/subscriptions.hpp"

#include "mcp/jsonrpc.hpp"
#include "mcp/stateless_request.hpp"
#include "mcp/tasks/task_wire.hpp"

namespace gatehouse::mcp {

SubscriptionFilter SubscriptionFilter::from_json(const json::object& notifications) {
  SubscriptionFilter f;
  auto flag = [&](std::string_view key) {
    auto* v = notifications.if_contains(key);
    return v && v->is_bool() && v->get_bool();
  };
  f.tools_list_changed = flag("toolsListChanged");
  f.prompts_list_changed = flag("promptsListChanged");
  f.resources_list_changed = flag("resourcesListChanged");
  if (auto* uris = notifications.if_contains("resourceSubscriptions"); uris && uris->is_array())
    for (const auto& uri : uris->get_array())
      if (uri.is_string()) f.resource_uris.emplace(uri.get_string());
  if (auto* ids = notifications.if_contains("taskIds"); ids && ids->is_array())
    for (const auto& id : ids->get_array())
      if (id.is_string() && f.task_ids.size() < kMaxTaskIds) f.task_ids.emplace(id.get_string());
  return f;
}

json::object SubscriptionFilter::to_json() const {
  json::object o;
  if (tools_list_changed) o["toolsListChanged"] = true;
  if (prompts_list_changed) o["promptsListChanged"] = true;
  if (resources_list_changed) o["resourcesListChanged"] = true;
  if (!resource_uris.empty()) {
    json::array uris;
    for (const auto& uri : resource_uris) uris.emplace_back(uri);
    o["resourceSubscriptions"] = std::move(uris);
  }
  if (!task_ids.empty()) {
    json::array ids;
    for (const auto& id : task_ids) ids.emplace_back(id);
    o["taskIds"] = std::move(ids);
  }
  return o;
}

Subscription::Subscription(json::value id, SubscriptionFilter filter, std::shared_ptr<EventStream> stream,
                           std::string subject)
    : id_(std::move(id)),
      key_(jsonrpc::id_key(id_)),
      filter_(std::move(filter)),
      stream_(std::move(stream)),
      subject_(std::move(subject)) {}

void Subscription::send(std::string_view method, json::object params) {
  json::object meta;
  if (auto* existing = params.if_contains("_meta"); existing && existing->is_object()) meta = existing->get_object();
  meta[meta_key::subscription_id] = id_;
  params["_meta"] = std::move(meta);
  stream_->push(json::serialize(jsonrpc::make_notification(method, std::move(params))));
}

void SubscriptionHub::add(std::shared_ptr<Subscription> subscription) {
  std::lock_guard lock(mutex_);
  subscriptions_.push_back(std::move(subscription));
}

void SubscriptionHub::remove(const Subscription* subscription) {
  std::lock_guard lock(mutex_);
  std::erase_if(subscriptions_, [&](const auto& s) { return s.get() == subscription; });
}

std::vector<std::shared_ptr<Subscription>> SubscriptionHub::snapshot() const {
  std::lock_guard lock(mutex_);
  return subscriptions_;
}

void SubscriptionHub::list_changed(std::string_view method, std::optional<std::string_view> owner) {
  for (auto& s : snapshot()) {
    if (owner && s->subject() != *owner) continue;
    const auto& f = s->filter();
    bool wanted = (method == "notifications/tools/list_changed" && f.tools_list_changed) ||
                  (method == "notifications/prompts/list_changed" && f.prompts_list_changed) ||
                  (method == "notifications/resources/list_changed" && f.resources_list_changed);
    if (wanted) s->send(method, {});
  }
}

void SubscriptionHub::resource_updated(const std::string& uri, std::optional<std::string_view> owner) {
  for (auto& s : snapshot())
    if (s->filter().resource_uris.contains(uri) && (!owner || s->subject() == *owner))
      s->send("notifications/resources/updated", {{"uri", uri}});
}

std::size_t SubscriptionHub::size() const {
  std::lock_guard lock(mutex_);
  return subscriptions_.size();
}

void SubscriptionHub::task_changed(const store::TaskRecord& task, std::chrono::milliseconds poll_interval) {
  std::optional<json::object> params;  // built once, for the first listener
  for (auto& s : snapshot()) {
    if (s->subject() != task.owner || !s->filter().task_ids.contains(task.id)) continue;
    if (!params) params = detailed_task(task, poll_interval);
    s->send("notifications/tasks", *params);
  }
}

}  // namespace gatehouse::mcp
