// builtin:demo's note tools when the note store fails: the call returns a
// tool error the model can read (MCP "Error Handling": isError), the
// damaged file is left alone, and other users carry on.
#include "builtin/builtin.hpp"
#include "builtin/note_store.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/jsonrpc.hpp"

#include "support/child_process.hpp"
#include "mcp/request_channel.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace gatehouse::builtin {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

class SilentChannel final : public mcp::RequestChannel {
 public:
  void notify(std::string_view, json::object) override {}
  awaitable<json::value> ask(std::string_view method, json::object, std::string_view) override {
    throw McpError(error_code::internal_error, "no client in this test: " + std::string(method));
  }
  bool cancelled() const override { return false; }
  std::optional<LogLevel> log_level() const override { return std::nullopt; }
  const json::object& client_capabilities() const override { return capabilities_; }
  std::string_view protocol_version() const override { return "2025-11-25"; }

 private:
  json::object capabilities_;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class DemoNotes : public ::testing::Test {
 protected:
  void SetUp() override {
    data = fs::temp_directory_path() / ("gatehouse-demo-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(data);
    fs::create_directories(data);
    server = make_demo({.data_dir = data});
    dispatcher = std::make_unique<mcp::Dispatcher>(*server);
  }
  void TearDown() override { fs::remove_all(data); }

  // The result of tools/call `name` as `user`.
  json::object call(const std::string& user, std::string_view name, json::object arguments) {
    mcp::jsonrpc::Message message{.kind = mcp::jsonrpc::Kind::request,
                                  .id = next_id++,
                                  .method = "tools/call",
                                  .params = {{"name", name}, {"arguments", std::move(arguments)}}};
    Principal principal{.subject = user};
    asio::io_context io;
    auto future = asio::co_spawn(io, dispatcher->dispatch(mcp::Call{message, channel, principal, nullptr}),
                                 asio::use_future);
    io.run();
    auto response = future.get();
    EXPECT_TRUE(response.contains("result")) << json::serialize(response);
    return response.contains("result") ? response.at("result").as_object() : json::object{};
  }

  static std::string text_of(const json::object& result) {
    return std::string(result.at("content").as_array().at(0).at("text").as_string());
  }
  static bool is_error(const json::object& result) {
    return result.contains("isError") && result.at("isError").as_bool();
  }

  fs::path notes_file(const std::string& user) const { return NoteStore(data / "notes").path_for(user); }

  fs::path data;
  std::unique_ptr<Server> server;
  std::unique_ptr<mcp::Dispatcher> dispatcher;
  SilentChannel channel;
  std::int64_t next_id = 1;
};

// H4: a damaged note file makes every note tool answer with a tool error
// saying the store is unreadable; the file is not overwritten.
TEST_F(DemoNotes, H4_UnreadableStoreIsAToolErrorAndIsNotOverwritten) {
  ASSERT_FALSE(is_error(call("alice", "save_note", {{"title", "a"}, {"body", "one"}})));
  auto path = notes_file("alice");
  { std::ofstream(path, std::ios::trunc) << "{\"a\": \"on"; }

  for (auto [name, arguments] : {std::pair{"save_note", json::object{{"title", "b"}, {"body", "two"}}},
                                 std::pair{"list_notes", json::object{}},
                                 std::pair{"delete_note", json::object{{"title", "a"}}}}) {
    auto result = call("alice", name, arguments);
    EXPECT_TRUE(is_error(result)) << name << ": " << json::serialize(result);
    EXPECT_NE(text_of(result).find("unreadable"), std::string::npos) << name << ": " << text_of(result);
  }
  EXPECT_EQ(slurp(path), "{\"a\": \"on");
  EXPECT_FALSE(is_error(call("bob", "save_note", {{"title", "a"}, {"body", "bob's"}})));
}

// H4: a save the disk refuses (EFBIG past RLIMIT_FSIZE stands in for ENOSPC)
// is a tool error, not "Saved", and the notes on disk are unchanged.
TEST_F(DemoNotes, H4_SaveOnFullDiskIsAToolError) {
  ASSERT_FALSE(is_error(call("alice", "save_note", {{"title", "a"}, {"body", "one"}})));
  auto before = slurp(notes_file("alice"));
  int status = testing::in_child_process([&] {
    testing::limit_file_size(512);
    auto result = call("alice", "save_note", {{"title", "big"}, {"body", std::string(2000, 'x')}});
    if (!is_error(result)) return 1;
    return text_of(result).find("not saved") != std::string::npos ? 0 : 2;
  });
  EXPECT_EQ(status, 0) << "1: reported as saved; 2: an error that does not say the note was not saved";
  EXPECT_EQ(slurp(notes_file("alice")), before);
}

}  // namespace
}  // namespace gatehouse::builtin
