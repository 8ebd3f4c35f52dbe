// subscriptions/listen (MCP 2026-07-28; INTEROP MO4 subscriptions): what a
// filter selects, that every notification is tagged with its subscription,
// and how subscriptions end.
#include "mcp/subscriptions.hpp"

#include "mcp/jsonrpc.hpp"
#include "support/run.hpp"

#include <gtest/gtest.h>

#include <map>

#include <chrono>
#include <string>
#include <vector>

namespace gatehouse::mcp {
namespace {

using namespace std::chrono_literals;
using boost::asio::awaitable;

constexpr std::string_view kSubscriptionId = "io.modelcontextprotocol/subscriptionId";

// The JSON messages queued on a stream, read through a consumer as a client
// would: until the stream ends or falls quiet (a keep-alive comment).
std::vector<json::object> messages(const std::shared_ptr<EventStream>& stream) {
  auto frames = testing::run([stream]() -> awaitable<std::vector<std::string>> {
    std::vector<std::string> out;
    auto cursor = stream->attach(0);
    for (;;) {
      auto frame = co_await stream->next(cursor, 20ms);
      if (!frame || frame->starts_with(":")) break;
      out.push_back(*frame);
    }
    co_return out;
  });
  std::vector<json::object> out;
  for (const auto& frame : frames) {
    auto start = frame.find("data: ");
    EXPECT_NE(start, std::string::npos) << frame;
    if (start == std::string::npos) continue;
    start += 6;
    auto end = frame.find('\n', start);
    out.push_back(json::parse(frame.substr(start, end - start)).as_object());
  }
  return out;
}

json::value subscription_id_of(const json::object& message) {
  return message.at("params").at("_meta").at(kSubscriptionId);
}

// ------------------------------------------------------- SubscriptionFilter

TEST(SubscriptionFilter, MO4_FromJson) {
  auto f = SubscriptionFilter::from_json(json::parse(R"({"toolsListChanged":true,"promptsListChanged":false,
      "resourcesListChanged":true,"resourceSubscriptions":["notes://a","notes://b","notes://a",3,null]})")
                                             .as_object());
  EXPECT_TRUE(f.tools_list_changed);
  EXPECT_FALSE(f.prompts_list_changed);
  EXPECT_TRUE(f.resources_list_changed);
  EXPECT_EQ(f.resource_uris, (std::set<std::string>{"notes://a", "notes://b"}));
}

TEST(SubscriptionFilter, MO4_FromJsonIgnoresWhatIsNotTrueOrAList) {
  struct Case {
    const char* name;
    const char* json;
  };
  const std::vector<Case> cases = {
      {"empty", R"({})"},
      {"strings", R"({"toolsListChanged":"true","promptsListChanged":"yes","resourcesListChanged":"1"})"},
      {"numbers", R"({"toolsListChanged":1,"promptsListChanged":0,"resourcesListChanged":1})"},
      {"nulls", R"({"toolsListChanged":null,"resourceSubscriptions":null})"},
      {"uris not a list", R"({"resourceSubscriptions":"notes://a"})"},
      {"unknown keys", R"({"rootsListChanged":true,"everything":true})"},
  };
  for (const auto& c : cases) {
    auto f = SubscriptionFilter::from_json(json::parse(c.json).as_object());
    EXPECT_FALSE(f.tools_list_changed) << c.name;
    EXPECT_FALSE(f.prompts_list_changed) << c.name;
    EXPECT_FALSE(f.resources_list_changed) << c.name;
    EXPECT_TRUE(f.resource_uris.empty()) << c.name;
  }
}

TEST(SubscriptionFilter, MO4_ToJsonNamesOnlyWhatIsSubscribed) {
  EXPECT_EQ(SubscriptionFilter{}.to_json(), json::object{});
  SubscriptionFilter tools;
  tools.tools_list_changed = true;
  EXPECT_EQ(tools.to_json(), json::parse(R"({"toolsListChanged":true})"));
  SubscriptionFilter all;
  all.tools_list_changed = all.prompts_list_changed = all.resources_list_changed = true;
  all.resource_uris = {"notes://b", "notes://a"};
  EXPECT_EQ(all.to_json(), json::parse(R"({"toolsListChanged":true,"promptsListChanged":true,
      "resourcesListChanged":true,"resourceSubscriptions":["notes://a","notes://b"]})"));
}

TEST(SubscriptionFilter, MO4_RoundTrips) {
  SubscriptionFilter f;
  f.prompts_list_changed = true;
  f.resource_uris = {"file:///x", "notes://1"};
  auto back = SubscriptionFilter::from_json(f.to_json());
  EXPECT_EQ(back.tools_list_changed, f.tools_list_changed);
  EXPECT_EQ(back.prompts_list_changed, f.prompts_list_changed);
  EXPECT_EQ(back.resources_list_changed, f.resources_list_changed);
  EXPECT_EQ(back.resource_uris, f.resource_uris);
}

// ------------------------------------------------------------ SubscriptionHub

struct HubTest : ::testing::Test {
  SubscriptionHub hub;

  // A subscription whose id (the subscriptions/listen request id) is the string `id`.
  std::shared_ptr<EventStream> subscribe(const std::string& id, const char* filter_json, std::string subject = {}) {
    auto stream = std::make_shared<EventStream>("s" + id, EventStream::Limits{});
    auto filter = SubscriptionFilter::from_json(json::parse(filter_json).as_object());
    auto subscription =
        std::make_shared<Subscription>(json::value(json::string(id)), filter, stream, std::move(subject));
    added[id] = subscription;
    hub.add(subscription);
    return stream;
  }
  std::map<std::string, std::shared_ptr<Subscription>> added;
};

TEST_F(HubTest, MO4_ListChangedReachesOnlyThoseWhoAsked) {
  auto tools = subscribe("tools", R"({"toolsListChanged":true})");
  auto prompts = subscribe("prompts", R"({"promptsListChanged":true})");
  auto resources = subscribe("resources", R"({"resourcesListChanged":true})");
  auto everything = subscribe("all", R"({"toolsListChanged":true,"promptsListChanged":true,"resourcesListChanged":true})");
  auto uris_only = subscribe("uris", R"({"resourceSubscriptions":["notes://1"]})");
  EXPECT_EQ(hub.size(), 5u);

  hub.list_changed("notifications/tools/list_changed");
  hub.list_changed("notifications/prompts/list_changed");
  hub.list_changed("notifications/resources/list_changed");
  hub.list_changed("notifications/roots/list_changed");  // not a server list

  struct Expect {
    std::shared_ptr<EventStream> stream;
    std::vector<std::string> methods;
  };
  const std::vector<Expect> expected = {
      {tools, {"notifications/tools/list_changed"}},
      {prompts, {"notifications/prompts/list_changed"}},
      {resources, {"notifications/resources/list_changed"}},
      {everything,
       {"notifications/tools/list_changed", "notifications/prompts/list_changed",
        "notifications/resources/list_changed"}},
      {uris_only, {}},
  };
  for (const auto& e : expected) {
    auto got = messages(e.stream);
    ASSERT_EQ(got.size(), e.methods.size()) << e.stream->id();
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].at("jsonrpc"), "2.0");
      EXPECT_FALSE(got[i].contains("id")) << "a notification";
      EXPECT_EQ(got[i].at("method").as_string(), e.methods[i]) << e.stream->id();
    }
  }
}

TEST_F(HubTest, MO4_ResourceUpdatedOnlyForListedUris) {
  auto one = subscribe("one", R"({"resourceSubscriptions":["notes://1"]})");
  auto both = subscribe("both", R"({"resourceSubscriptions":["notes://1","notes://2"]})");
  auto list_only = subscribe("list", R"({"resourcesListChanged":true})");

  hub.resource_updated("notes://2");
  hub.resource_updated("notes://3");
  hub.resource_updated("notes://1");

  auto got_one = messages(one);
  ASSERT_EQ(got_one.size(), 1u);
  EXPECT_EQ(got_one[0].at("method"), "notifications/resources/updated");
  EXPECT_EQ(got_one[0].at("params").at("uri"), "notes://1");

  auto got_both = messages(both);
  ASSERT_EQ(got_both.size(), 2u);
  EXPECT_EQ(got_both[0].at("params").at("uri"), "notes://2");
  EXPECT_EQ(got_both[1].at("params").at("uri"), "notes://1");

  EXPECT_TRUE(messages(list_only).empty());
}

// M7: a per-user resource's change reaches only its owner's subscriptions,
// though another user listens to the same URI.
TEST_F(HubTest, M7_OwnedResourceUpdateReachesOnlyItsOwner) {
  auto alice = subscribe("a", R"({"resourceSubscriptions":["note://x"]})", "alice");
  auto carol = subscribe("c", R"({"resourceSubscriptions":["note://x"]})", "carol");
  hub.resource_updated("note://x", "alice");
  ASSERT_EQ(messages(alice).size(), 1u);
  EXPECT_TRUE(messages(carol).empty());
  hub.resource_updated("note://x");  // a shared resource: everyone subscribed
  EXPECT_EQ(messages(carol).size(), 1u);
}

// SEP-2663: a task's status changes reach its owner's subscriptions that
// name it, as tasks/get shows the task; another user naming the same id
// hears nothing (TA4).
TEST_F(HubTest, TA4_TaskChangeReachesOnlyItsOwnersSubscriptionsThatNameIt) {
  auto mine = subscribe("mine", R"({"taskIds":["t-1"]})", "alice");
  auto other_task = subscribe("other", R"({"taskIds":["t-2"]})", "alice");
  auto thief = subscribe("thief", R"({"taskIds":["t-1"]})", "mallory");
  auto lists = subscribe("lists", R"({"toolsListChanged":true})", "alice");

  store::TaskRecord task;
  task.id = "t-1";
  task.owner = "alice";
  task.status = store::TaskStatus::completed;
  task.result = R"({"content":[{"type":"text","text":"done"}]})";
  hub.task_changed(task, std::chrono::milliseconds(1000));

  auto got = messages(mine);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].at("method"), "notifications/tasks");
  const auto& params = got[0].at("params").as_object();
  EXPECT_EQ(params.at("taskId"), "t-1");
  EXPECT_EQ(params.at("status"), "completed");
  EXPECT_EQ(params.at("result").at("content").at(0).at("text"), "done") << "the outcome inlined, as in tasks/get";
  EXPECT_EQ(subscription_id_of(got[0]), "mine");
  EXPECT_FALSE(params.contains("resultType")) << "a notification, not a result";
  EXPECT_TRUE(messages(other_task).empty());
  EXPECT_TRUE(messages(thief).empty());
  EXPECT_TRUE(messages(lists).empty());
}

TEST(SubscriptionFilter, TA1_TaskIdsAreStringsAndBounded) {
  json::array ids{1, nullptr, "a", "a"};
  for (std::size_t i = 0; i < SubscriptionFilter::kMaxTaskIds + 10; ++i) {
    std::string id(1, 't');
    id += std::to_string(i);
    ids.emplace_back(id);
  }
  auto f = SubscriptionFilter::from_json(json::object{{"taskIds", ids}});
  EXPECT_EQ(f.task_ids.size(), SubscriptionFilter::kMaxTaskIds);
  EXPECT_TRUE(f.task_ids.contains("a"));
  EXPECT_EQ(f.to_json().at("taskIds").as_array().size(), SubscriptionFilter::kMaxTaskIds);
  EXPECT_FALSE(SubscriptionFilter{}.to_json().contains("taskIds"));
}

TEST_F(HubTest, MO4_EveryNotificationCarriesItsSubscriptionId) {
  auto a = subscribe("sub-a", R"({"toolsListChanged":true,"resourceSubscriptions":["notes://1"]})");
  auto b = subscribe("sub-b", R"({"toolsListChanged":true})");
  hub.list_changed("notifications/tools/list_changed");
  hub.resource_updated("notes://1");
  auto got_a = messages(a);
  ASSERT_EQ(got_a.size(), 2u);
  for (const auto& m : got_a) EXPECT_EQ(subscription_id_of(m), json::value("sub-a")) << json::serialize(m);
  auto got_b = messages(b);
  ASSERT_EQ(got_b.size(), 1u);
  EXPECT_EQ(subscription_id_of(got_b[0]), json::value("sub-b"));
}

TEST(Subscription, MO4_IdIsTheListenRequestIdAndKeyTellsTypesApart) {
  auto stream = std::make_shared<EventStream>("x", EventStream::Limits{});
  Subscription number(json::value(1), {}, stream);
  Subscription text(json::value("1"), {}, stream);
  EXPECT_EQ(number.id(), 1);
  EXPECT_EQ(text.id(), "1");
  EXPECT_NE(number.key(), text.key());
}

TEST(Subscription, MO4_SendTagsAndKeepsExistingMeta) {
  auto stream = std::make_shared<EventStream>("x", EventStream::Limits{});
  Subscription s(json::value(9), {}, stream);
  s.send("notifications/subscriptions/acknowledged",
         json::object{{"notifications", json::object{}}, {"_meta", json::object{{"other", 1}}}});
  s.send("notifications/tools/list_changed", {});
  auto got = messages(stream);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].at("method"), "notifications/subscriptions/acknowledged");
  EXPECT_EQ(subscription_id_of(got[0]), 9);
  EXPECT_EQ(got[0].at("params").at("_meta").at("other"), 1);
  EXPECT_TRUE(got[0].at("params").as_object().contains("notifications"));
  EXPECT_EQ(subscription_id_of(got[1]), 9);
}

TEST_F(HubTest, MO4_RemoveStopsDelivery) {
  auto kept = subscribe("kept", R"({"toolsListChanged":true})");
  auto removed = subscribe("removed", R"({"toolsListChanged":true,"resourceSubscriptions":["notes://1"]})");
  hub.remove(added.at("removed").get());
  EXPECT_EQ(hub.size(), 1u);
  Subscription stranger(json::value("stranger"), {}, std::make_shared<EventStream>("x", EventStream::Limits{}));
  hub.remove(&stranger);  // harmless
  EXPECT_EQ(hub.size(), 1u);
  hub.list_changed("notifications/tools/list_changed");
  hub.resource_updated("notes://1");
  EXPECT_TRUE(messages(removed).empty());
  EXPECT_EQ(messages(kept).size(), 1u);
}

TEST_F(HubTest, MO4_CloseAllSendsTheFinalMessageAndClosesStreams) {
  auto a = subscribe("a", R"({"toolsListChanged":true})");
  auto b = subscribe("b", R"({})");
  hub.list_changed("notifications/tools/list_changed");
  std::vector<std::string> finalised;
  hub.close_all([&](Subscription& s) {
    finalised.emplace_back(s.id().as_string());
    return json::serialize(json::object{{"jsonrpc", "2.0"},
                                        {"id", s.id()},
                                        {"result", json::object{{"resultType", "complete"}}}});
  });
  EXPECT_EQ(finalised, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(hub.size(), 0u);
  EXPECT_TRUE(a->closed());
  EXPECT_TRUE(b->closed());

  auto got_a = messages(a);
  ASSERT_EQ(got_a.size(), 2u);
  EXPECT_EQ(got_a[0].at("method"), "notifications/tools/list_changed");
  EXPECT_EQ(got_a[1].at("id"), "a");
  EXPECT_EQ(got_a[1].at("result").at("resultType"), "complete");
  auto got_b = messages(b);
  ASSERT_EQ(got_b.size(), 1u);
  EXPECT_EQ(got_b[0].at("id"), "b");

  // Nothing reaches a closed subscription afterwards.
  hub.list_changed("notifications/tools/list_changed");
  EXPECT_EQ(messages(a).size(), 2u);
}

}  // namespace
}  // namespace gatehouse::mcp
