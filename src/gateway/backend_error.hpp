#pragma once
// How a failure of a backend reaches the client: a JSON-RPC error -32603
// whose message starts with the backend's name and whose data says what
// happened, so that clients and operators can tell a crashed backend from a
// slow one without reading logs (docs/gateway.md "Errors").
#include <gatehouse/error.hpp>

#include <string>
#include <string_view>

namespace gatehouse::gateway {

// data.reason values.
namespace reason {
inline constexpr std::string_view exited = "exited";            // the process ended during the call
inline constexpr std::string_view timeout = "timeout";          // no answer within call_timeout
inline constexpr std::string_view start_failed = "start_failed";  // could not be started or initialized
inline constexpr std::string_view process_cap = "process_cap";  // max_processes reached, all busy
inline constexpr std::string_view protocol = "protocol";        // broke the framing (line too long, not reading, bad HTTP)
inline constexpr std::string_view unreachable = "unreachable";  // an HTTP backend could not be reached
inline constexpr std::string_view session_lost = "session_lost";  // an HTTP backend forgot the session (404)
inline constexpr std::string_view waiting_cap = "waiting_cap";  // max_waiting_calls calls wait for rounds already
inline constexpr std::string_view round_lost = "round_lost";  // a 2026-07-28 round answered a call no longer waiting here
}  // namespace reason

inline McpError backend_error(std::string_view backend, std::string_view why, std::string_view message) {
  return McpError(error_code::internal_error, "backend " + std::string(backend) + ": " + std::string(message),
                  json::object{{"backend", backend}, {"reason", why}});
}

// The data.reason of a backend_error(); empty for any other error.
inline std::string_view reason_of(const McpError& e) {
  if (auto* data = e.data().if_object())
    if (auto* r = data->if_contains("reason"); r && r->is_string()) return r->get_string();
  return {};
}

}  // namespace gatehouse::gateway
