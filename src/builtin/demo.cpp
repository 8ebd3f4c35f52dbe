// builtin:demo — echo, the current time, and a small per-user note store
// kept as one JSON file per user under <data-dir>/notes/.
#include "builtin/builtin.hpp"
#include "builtin/note_store.hpp"
#include "json.hpp"
#include "time/clock.hpp"
#include "time/iso8601.hpp"

#include <gatehouse/content.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <ctime>

namespace gatehouse::builtin {

namespace {

json::object schema(std::string_view text) { return json::parse(text).as_object(); }

// H4: what the user hears when their note store fails (a tool error, so the
// model sees it); the log gets the file and the reason for the operator.
ToolResult note_store_failure(const NoteStoreError& e) {
  spdlog::error("builtin:demo: {}", e.what());
  if (e.kind() == NoteStoreError::Kind::not_saved)
    return ToolResult::error(
        "The note was not saved: the server could not write it to disk (the disk may be full). Your other notes are "
        "unchanged.");
  return ToolResult::error(
      "Your notes cannot be used: the note store is unreadable, so nothing was read or changed. The server's "
      "operator must repair or remove the damaged file named in the server log.");
}

// Runs `action` (which returns a ToolResult) against the note store.
template <class Action>
ToolResult with_notes(Action& action) {
  try {
    return action();
  } catch (const NoteStoreError& e) {
    return note_store_failure(e);
  }
}

}  // namespace

std::unique_ptr<Server> make_demo(const BuiltinOptions& options) {
  auto server = std::make_unique<Server>(ServerInfo{.name = "gatehouse-demo", .version = "0.1.0", .title = "Gatehouse demo"});
  server->instructions(
      "Demo tools: `echo` repeats text, `current_time` tells the server's UTC time, and `save_note`, `list_notes`, "
      "`delete_note` keep short notes for the signed-in user (resource note://{title} reads one); `upstream_profile` "
      "shows who you are at the identity provider you signed in with, when the server signs in through one; "
      "`write_report` takes its time (20 s by default) and runs as a task for clients that support tasks.");

  server->tool({.name = "echo",
                .title = "Echo",
                .description = "Returns the text it is given.",
                .input_schema = schema(R"({"type":"object","properties":{"text":{"type":"string","description":"Text to echo"}},"required":["text"],"additionalProperties":false})"),
                .annotations = {{"readOnlyHint", true}, {"openWorldHint", false}}},
               [](json::object args, RequestContext&) -> awaitable<ToolResult> {
                 co_return ToolResult::text(args.at("text").as_string());
               });

  server->tool({.name = "current_time",
                .title = "Current time",
                .description = "The server's current time in UTC, as ISO 8601 and as Unix seconds.",
                .input_schema = schema(R"({"type":"object","properties":{},"additionalProperties":false})"),
                .output_schema = schema(R"({"type":"object","properties":{"iso8601":{"type":"string"},"unix":{"type":"integer"}},"required":["iso8601","unix"]})"),
                .annotations = {{"readOnlyHint", true}, {"openWorldHint", false}}},
               [](json::object, RequestContext&) -> awaitable<ToolResult> {
                 // One reading for both fields: they never straddle a second.
                 const auto now = time::system_clock().wall();
                 const auto unix_seconds =
                     std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
                 co_return ToolResult::structured({{"iso8601", time::iso8601(now)}, {"unix", unix_seconds}});
               });

  // With [login] method "upstream": the provider's own answer about the
  // caller, asked with the caller's upstream token (which never leaves the
  // server). Shows a tool using the upstream sign-in.
  server->tool({.name = "upstream_profile",
                .title = "Upstream profile",
                .description = "Who you are at the identity provider you signed in with, as that provider's userinfo "
                               "endpoint answers when asked with your token.",
                .input_schema = schema(R"({"type":"object","properties":{},"additionalProperties":false})"),
                .annotations = {{"readOnlyHint", true}, {"openWorldHint", true}}},
               [](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                 auto info = co_await ctx.upstream_userinfo();
                 if (info.is_object()) co_return ToolResult::structured(std::move(info.as_object()));
                 co_return ToolResult::text(json::serialize(info));
               });

  auto notes = std::make_shared<NoteStore>(options.data_dir / "notes");
  Server* raw = server.get();

  server->tool({.name = "save_note",
                .title = "Save note",
                .description = "Saves a note under a title for the current user, replacing any note with that title.",
                .input_schema = schema(R"({"type":"object","properties":{"title":{"type":"string","minLength":1,"maxLength":200},"body":{"type":"string","maxLength":100000}},"required":["title","body"],"additionalProperties":false})"),
                .annotations = {{"readOnlyHint", false}, {"destructiveHint", false}, {"idempotentHint", true}}},
               [notes, raw](json::object args, RequestContext& ctx) -> awaitable<ToolResult> {
                 std::string title(args.at("title").as_string());
                 auto save = [&] {
                   notes->put(ctx.principal().subject, title, std::string(args.at("body").as_string()));
                   // A note belongs to one user: only that user's subscribers hear of it (M7).
                   raw->notify_resource_updated("note://" + title, ctx.principal().subject);
                   return ToolResult::text("Saved note \"" + title + "\".");
                 };
                 co_return with_notes(save);
               });

  server->tool({.name = "list_notes",
                .title = "List notes",
                .description = "Lists the titles of the current user's notes.",
                .input_schema = schema(R"({"type":"object","properties":{},"additionalProperties":false})"),
                .output_schema = schema(R"({"type":"object","properties":{"titles":{"type":"array","items":{"type":"string"}}},"required":["titles"]})"),
                .annotations = {{"readOnlyHint", true}}},
               [notes](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                 auto list = [&] {
                   json::array titles;
                   for (const auto& [title, _] : notes->load(ctx.principal().subject)) titles.push_back(json::string(title));
                   return ToolResult::structured({{"titles", std::move(titles)}});
                 };
                 co_return with_notes(list);
               });

  server->tool({.name = "delete_note",
                .title = "Delete note",
                .description = "Deletes the current user's note with the given title.",
                .input_schema = schema(R"({"type":"object","properties":{"title":{"type":"string"}},"required":["title"],"additionalProperties":false})"),
                .annotations = {{"readOnlyHint", false}, {"destructiveHint", true}, {"idempotentHint", true}}},
               [notes](json::object args, RequestContext& ctx) -> awaitable<ToolResult> {
                 std::string title(args.at("title").as_string());
                 auto remove = [&] {
                   if (!notes->remove(ctx.principal().subject, title))
                     return ToolResult::error("There is no note titled \"" + title + "\".");
                   return ToolResult::text("Deleted note \"" + title + "\".");
                 };
                 co_return with_notes(remove);
               });

  // A long tool call, to show tasks: a client that supports them (the Tasks
  // extension; 2025-11-25 task-augmented calls) gets a task handle at once
  // and polls it, reading the progress as the task's statusMessage; any
  // other client waits for the result as for an ordinary call.
  server->tool({.name = "write_report",
                .title = "Write a report",
                .description = "Writes a short report on a topic. It takes `seconds` (default 20) and runs as a task "
                               "for clients that support tasks, so it can outlast a client's wait for one call.",
                .input_schema = schema(R"json({"type":"object","properties":{"topic":{"type":"string","description":"What the report is about"},"seconds":{"type":"integer","minimum":1,"maximum":600,"description":"How long it takes, in seconds (default 20)"}},"required":["topic"],"additionalProperties":false})json"),
                .annotations = {{"readOnlyHint", true}, {"openWorldHint", false}},
                .task_support = TaskSupport::optional},
               [](json::object args, RequestContext& ctx) -> awaitable<ToolResult> {
                 std::string topic(args.at("topic").as_string());
                 std::int64_t seconds = 20;
                 if (auto* s = args.if_contains("seconds"); s && s->is_int64()) seconds = s->as_int64();
                 static constexpr std::array<std::string_view, 4> kSteps = {"gathering sources", "reading",
                                                                            "outlining", "writing"};
                 boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
                 for (std::int64_t i = 0; i < seconds; ++i) {
                   auto step = kSteps[static_cast<std::size_t>(i * kSteps.size() / seconds)];
                   ctx.progress(static_cast<double>(i), static_cast<double>(seconds),
                                std::string(step) + " (" + std::to_string(i) + " of " + std::to_string(seconds) + " s)");
                   timer.expires_after(std::chrono::seconds(1));
                   // A cancelled task's wait ends here with operation_aborted.
                   co_await timer.async_wait(boost::asio::use_awaitable);
                 }
                 co_return ToolResult::text("Report on " + topic + ": written in " + std::to_string(seconds) +
                                            " s by the demo server, which knows nothing about " + topic +
                                            " and says so plainly.");
               });

  server->resource_template(
      {.uri_template = "note://{title}", .name = "note", .title = "Note", .description = "One of your notes", .mime_type = "text/plain"},
      [notes](const ResourceRequest& request, RequestContext& ctx) -> awaitable<json::array> {
        json::object all;
        try {
          all = notes->load(ctx.principal().subject);
        } catch (const NoteStoreError& e) {
          spdlog::error("builtin:demo: {}", e.what());
          throw McpError::internal("the note store is unreadable; nothing was read");
        }
        auto* body = all.if_contains(request.variables.at("title"));
        if (!body || !body->is_string()) throw McpError::resource_not_found(request.uri);
        co_return json::array{content::text_contents(request.uri, "text/plain", body->as_string())};
      });
  return server;
}

}  // namespace gatehouse::builtin
