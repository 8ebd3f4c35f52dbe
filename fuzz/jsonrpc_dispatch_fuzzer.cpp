// JSON-RPC messages into the MCP dispatcher: a POST body is parsed and
// classified (JSON-RPC 2.0 §4-§6, batches of 2025-03-26 included), and every
// request is dispatched against builtin:everything in the era it names —
// stateless (2026-07-28) when params._meta carries the protocol version,
// with its input-required rounds read from params, else session.
//
// Input: a request body. The channel back to the client answers no question
// (ask throws, as a client without the capability does) and drops
// notifications. Each request runs on its own io_context until nothing more
// is ready; handlers that wait on a timer are abandoned there and destroyed
// with the io_context, as on shutdown, so that a test tool's sleep does not
// slow the fuzzer down.
#include "builtin/builtin.hpp"
#include "crypto/sealer.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/input_rounds.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/request_channel.hpp"
#include "mcp/session.hpp"

#include <gatehouse/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace {

using namespace gatehouse;
namespace json = boost::json;

constexpr std::string_view kProtocolVersionMeta = "io.modelcontextprotocol/protocolVersion";
constexpr std::size_t kMaxBatch = 8;

class SilentChannel final : public mcp::RequestChannel {
 public:
  explicit SilentChannel(std::string_view version) : version_(version) {}
  void notify(std::string_view, json::object params) override { (void)json::serialize(params); }
  awaitable<json::value> ask(std::string_view method, json::object, std::string_view) override {
    throw McpError(error_code::invalid_request, "the client cannot answer " + std::string(method));
    co_return json::value{};
  }
  bool cancelled() const override { return false; }
  std::optional<LogLevel> log_level() const override { return LogLevel::debug; }
  const json::object& client_capabilities() const override { return capabilities_; }
  std::string_view protocol_version() const override { return version_; }

 private:
  std::string_view version_;
  json::object capabilities_;
};

struct Fixture {
  std::unique_ptr<Server> server = builtin::make_everything({});
  mcp::Dispatcher dispatcher{*server, mcp::DispatchOptions{.page_size = 2}};
  crypto::Sealer request_state{std::string(32, 'k'), std::chrono::seconds(600)};
  Principal principal{.subject = "fuzz-user", .client_id = "fuzz-client", .scopes = {"mcp"}};
};

Fixture& fixture() {
  static Fixture instance;
  return instance;
}

bool names_stateless_era(const mcp::jsonrpc::Message& message) {
  const auto* meta = message.params.if_contains("_meta");
  return meta && meta->is_object() && meta->get_object().contains(kProtocolVersionMeta);
}

void dispatch(const mcp::jsonrpc::Message& request) {
  auto& f = fixture();
  const bool stateless = names_stateless_era(request);
  std::unique_ptr<mcp::InputRounds> rounds;
  if (stateless) {
    auto begun = mcp::InputRounds::begin(f.request_state, request, f.principal);
    if (std::holds_alternative<McpError>(begun)) return;  // refused before dispatch (-32602)
    rounds = std::move(std::get<std::unique_ptr<mcp::InputRounds>>(begun));
  }
  // The session era runs in a session (subscriptions, log level); the
  // stateless era has none.
  const std::string version = stateless ? "2026-07-28" : "2025-11-25";
  mcp::Session session("fuzz-session", version, {}, {}, f.principal.subject, {});
  SilentChannel channel(version);
  mcp::Call call{request, channel, f.principal, stateless ? nullptr : &session,
                 stateless ? mcp::Era::stateless : mcp::Era::session, rounds.get()};
  // Declared last: destroyed first, with any handler still waiting on it.
  boost::asio::io_context io;
  boost::asio::co_spawn(io, f.dispatcher.dispatch(call), [](std::exception_ptr failure, json::object response) {
    // dispatch() turns every failure into a JSON-RPC error response.
    if (failure) std::rethrow_exception(failure);
    (void)json::serialize(response);
  });
  io.poll();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  json::value body = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  std::vector<json::value> elements;
  if (body.is_array()) {
    for (auto& element : body.get_array()) {
      if (elements.size() == kMaxBatch) break;
      elements.push_back(std::move(element));
    }
  } else {
    elements.push_back(std::move(body));
  }
  for (auto& element : elements) {
    auto classified = mcp::jsonrpc::classify(std::move(element));
    if (auto* invalid = std::get_if<mcp::jsonrpc::Invalid>(&classified)) {
      (void)json::serialize(mcp::jsonrpc::make_error(invalid->id, invalid->code, invalid->message));
      continue;
    }
    const auto& message = std::get<mcp::jsonrpc::Message>(classified);
    (void)mcp::jsonrpc::id_key(message.id);
    if (message.kind == mcp::jsonrpc::Kind::request) dispatch(message);
  }
  return 0;
}
