// builtin:demo — echo, the current time, and a small per-user note store
// kept as one JSON file per user under <data-dir>/notes/.
#include "builtin/builtin.hpp"

#include <gatehouse/content.hpp>

#include <openssl/sha.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>

namespace gatehouse::builtin {

namespace {

json::object schema(std::string_view text) { return json::parse(text).as_object(); }

// Notes of one user: {"title": "body", ...}, rewritten whole on each change
// (written to a temporary file and renamed, so a crash never leaves half a file).
class NoteStore {
 public:
  explicit NoteStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  json::object load(const std::string& user) {
    std::lock_guard lock(mutex_);
    return read(path_for(user));
  }

  void put(const std::string& user, const std::string& title, const std::string& body) {
    std::lock_guard lock(mutex_);
    auto path = path_for(user);
    auto notes = read(path);
    notes[title] = body;
    write(path, notes);
  }

  bool remove(const std::string& user, const std::string& title) {
    std::lock_guard lock(mutex_);
    auto path = path_for(user);
    auto notes = read(path);
    if (!notes.erase(title)) return false;
    write(path, notes);
    return true;
  }

 private:
  std::filesystem::path path_for(const std::string& user) const {
    // The user id is hashed so any subject maps to a safe file name.
    unsigned char digest[SHA256_DIGEST_LENGTH];
    std::string who = user.empty() ? "anonymous" : user;
    SHA256(reinterpret_cast<const unsigned char*>(who.data()), who.size(), digest);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string name;
    for (int i = 0; i < 12; ++i) {
      name.push_back(kHex[digest[i] >> 4]);
      name.push_back(kHex[digest[i] & 15]);
    }
    return dir_ / (name + ".json");
  }

  static json::object read(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return {};
    std::stringstream buffer;
    buffer << in.rdbuf();
    boost::system::error_code ec;
    auto value = json::parse(buffer.str(), ec);
    if (ec || !value.is_object()) return {};
    return std::move(value.as_object());
  }

  void write(const std::filesystem::path& path, const json::object& notes) {
    std::filesystem::create_directories(dir_);
    auto temp = path;
    temp += ".tmp";
    {
      std::ofstream out(temp, std::ios::trunc);
      out << json::serialize(notes);
      if (!out) throw std::runtime_error("could not write the note store");
    }
    std::filesystem::rename(temp, path);
  }

  std::filesystem::path dir_;
  std::mutex mutex_;
};

std::string utc_now_iso8601() {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

std::unique_ptr<Server> make_demo(const BuiltinOptions& options) {
  auto server = std::make_unique<Server>(ServerInfo{.name = "gatehouse-demo", .version = "0.1.0", .title = "Gatehouse demo"});
  server->instructions(
      "Demo tools: `echo` repeats text, `current_time` tells the server's UTC time, and `save_note`, `list_notes`, "
      "`delete_note` keep short notes for the signed-in user (resource note://{title} reads one).");

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
                 auto unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count();
                 co_return ToolResult::structured({{"iso8601", utc_now_iso8601()}, {"unix", unix_seconds}});
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
                 notes->put(ctx.principal().subject, title, std::string(args.at("body").as_string()));
                 // A note belongs to one user: only that user's subscribers hear of it (M7).
                 raw->notify_resource_updated("note://" + title, ctx.principal().subject);
                 co_return ToolResult::text("Saved note \"" + title + "\".");
               });

  server->tool({.name = "list_notes",
                .title = "List notes",
                .description = "Lists the titles of the current user's notes.",
                .input_schema = schema(R"({"type":"object","properties":{},"additionalProperties":false})"),
                .output_schema = schema(R"({"type":"object","properties":{"titles":{"type":"array","items":{"type":"string"}}},"required":["titles"]})"),
                .annotations = {{"readOnlyHint", true}}},
               [notes](json::object, RequestContext& ctx) -> awaitable<ToolResult> {
                 json::array titles;
                 for (const auto& [title, _] : notes->load(ctx.principal().subject)) titles.push_back(json::string(title));
                 co_return ToolResult::structured({{"titles", std::move(titles)}});
               });

  server->tool({.name = "delete_note",
                .title = "Delete note",
                .description = "Deletes the current user's note with the given title.",
                .input_schema = schema(R"({"type":"object","properties":{"title":{"type":"string"}},"required":["title"],"additionalProperties":false})"),
                .annotations = {{"readOnlyHint", false}, {"destructiveHint", true}, {"idempotentHint", true}}},
               [notes](json::object args, RequestContext& ctx) -> awaitable<ToolResult> {
                 std::string title(args.at("title").as_string());
                 if (!notes->remove(ctx.principal().subject, title))
                   co_return ToolResult::error("There is no note titled \"" + title + "\".");
                 co_return ToolResult::text("Deleted note \"" + title + "\".");
               });

  server->resource_template(
      {.uri_template = "note://{title}", .name = "note", .title = "Note", .description = "One of your notes", .mime_type = "text/plain"},
      [notes](const ResourceRequest& request, RequestContext& ctx) -> awaitable<json::array> {
        auto all = notes->load(ctx.principal().subject);
        auto* body = all.if_contains(request.variables.at("title"));
        if (!body || !body->is_string()) throw McpError::resource_not_found(request.uri);
        co_return json::array{content::text_contents(request.uri, "text/plain", body->as_string())};
      });
  return server;
}

}  // namespace gatehouse::builtin
