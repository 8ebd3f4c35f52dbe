#pragma once
// Input-required rounds (MCP 2026-07-28, SEP-2322 "MRTR"): in the stateless
// revision a handler cannot wait for the client. When it asks something the
// client has not answered yet, the request ends with an input-required result
// listing the questions and an opaque requestState; the client repeats the
// request with inputResponses (and the state), and the handler runs again from
// the start, now finding its answers.
//
// requestState carries the answers of earlier rounds, sealed with HMAC-SHA-256
// under a server key and bound to the user, the method and the arguments, with
// an expiry. Any instance holding the same key can continue a round, so state
// does not depend on the process that started it.
#include "crypto/sealer.hpp"
#include "mcp/jsonrpc.hpp"

#include <gatehouse/error.hpp>
#include <gatehouse/principal.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace gatehouse::mcp {

// Ends a handler's round. Deliberately not a std::exception, so handlers'
// `catch (const std::exception&)` blocks do not swallow it.
struct InputRequired {};

// requestState is sealed by a crypto::Sealer.
using RequestStateCodec = crypto::Sealer;

class InputRounds {
 public:
  // Reads params.inputResponses and params.requestState of a request. The
  // request and principal must outlive the rounds object.
  // Refuses (-32602) a state that is forged, expired, or made for another
  // user, method or set of arguments, and answers that are not objects.
  static std::variant<std::unique_ptr<InputRounds>, McpError> begin(const RequestStateCodec& codec,
                                                                     const jsonrpc::Message& request,
                                                                     const Principal& principal);

  // The client's answer to the question named `key`, if it gave one.
  const json::value* answer(std::string_view key) const;
  // A key for an unnamed question: its method and its position.
  std::string next_key(std::string_view method);
  // Records a question the client must answer in the next round.
  void request_input(std::string key, std::string_view method, json::object params);
  bool has_pending() const { return !pending_.empty(); }

  // {"resultType":"input_required","inputRequests":{...},"requestState":"..."}
  json::object input_required_result() const;

 private:
  InputRounds(const RequestStateCodec& codec, const jsonrpc::Message& request, const Principal& principal)
      : codec_(codec), request_(request), principal_(principal) {}
  // Digest of user, method and arguments; computed only when a state is read
  // or issued, so requests that ask nothing pay nothing.
  const std::string& binding() const;

  const RequestStateCodec& codec_;
  const jsonrpc::Message& request_;
  const Principal& principal_;
  mutable std::string binding_;
  json::object answers_;     // every answer so far
  json::object pending_;     // questions of the next round
  std::size_t asked_ = 0;
};

}  // namespace gatehouse::mcp
