#pragma once
// subscriptions/listen (MCP 2026-07-28): a POST whose SSE response carries
// the notifications the client opted into — list changes, updates of named
// resources, and (Tasks extension, SEP-2663) status changes of named tasks —
// each tagged with the subscription's id. Replaces the GET stream and
// resources/subscribe of the session revisions.
#include "mcp/event_stream.hpp"
#include "store/task_store.hpp"

#include <chrono>

#include <boost/json.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::mcp {

namespace json = boost::json;

// What a subscription receives (the revision's SubscriptionFilter).
struct SubscriptionFilter {
  bool tools_list_changed = false;
  bool prompts_list_changed = false;
  bool resources_list_changed = false;
  std::set<std::string> resource_uris;
  // SEP-2663: the tasks whose status changes the client hears of
  // (notifications/tasks), at most kMaxTaskIds of them.
  std::set<std::string> task_ids;
  static constexpr std::size_t kMaxTaskIds = 100;

  static SubscriptionFilter from_json(const json::object& notifications);
  json::object to_json() const;
};

class Subscription {
 public:
  // The subscription id is the JSON-RPC id of the subscriptions/listen
  // request (MCP 2026-07-28), which also answers it when the stream ends.
  // `subject`: the user who listens (Principal::subject; empty without authentication).
  Subscription(json::value id, SubscriptionFilter filter, std::shared_ptr<EventStream> stream,
               std::string subject = {});
  const json::value& id() const noexcept { return id_; }
  // A map key for the id (1 and "1" differ).
  const std::string& key() const noexcept { return key_; }
  const SubscriptionFilter& filter() const noexcept { return filter_; }
  const std::string& subject() const noexcept { return subject_; }
  EventStream& stream() noexcept { return *stream_; }
  // Sends `method` with `params`, tagged with this subscription's id.
  void send(std::string_view method, json::object params);

 private:
  json::value id_;
  std::string key_;
  SubscriptionFilter filter_;
  std::shared_ptr<EventStream> stream_;
  std::string subject_;
};

class SubscriptionHub {
 public:
  void add(std::shared_ptr<Subscription> subscription);
  // Ids are chosen by clients and need not be unique across them, so a
  // subscription is removed by identity, not by id.
  void remove(const Subscription* subscription);
  // notifications/{tools,prompts,resources}/list_changed to those who asked.
  void list_changed(std::string_view method, std::optional<std::string_view> owner = std::nullopt);
  // `owner`: only that user's subscriptions hear of it (per-user resources, M7).
  void resource_updated(const std::string& uri, std::optional<std::string_view> owner = std::nullopt);
  // notifications/tasks (SEP-2663) with the task as tasks/get shows it, to
  // its owner's subscriptions that name it; nobody else hears of it.
  void task_changed(const store::TaskRecord& task, std::chrono::milliseconds poll_interval);
  // Ends every subscription, each with its final `result` message built by `final_message`.
  template <class F>
  void close_all(F&& final_message) {
    std::vector<std::shared_ptr<Subscription>> all;
    {
      std::lock_guard lock(mutex_);
      all.swap(subscriptions_);
    }
    for (auto& s : all) {
      s->stream().push(final_message(*s));
      s->stream().close();
    }
  }
  std::size_t size() const;

 private:
  std::vector<std::shared_ptr<Subscription>> snapshot() const;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Subscription>> subscriptions_;
};

}  // namespace gatehouse::mcp
