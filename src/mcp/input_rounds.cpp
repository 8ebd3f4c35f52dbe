#include "mcp/input_rounds.hpp"

#include "crypto/canonical_json.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <algorithm>

namespace gatehouse::mcp {

namespace {

McpError invalid(std::string message) { return McpError::invalid_params(std::move(message)); }

}  // namespace

std::variant<std::unique_ptr<InputRounds>, McpError> InputRounds::begin(const RequestStateCodec& codec,
                                                                         const jsonrpc::Message& request,
                                                                         const Principal& principal) {
  std::unique_ptr<InputRounds> rounds(new InputRounds(codec, request, principal));

  if (auto* state = request.params.if_contains("requestState"); state && !state->is_null()) {
    if (!state->is_string()) return invalid("Invalid params: requestState must be a string");
    auto payload = codec.open(state->get_string());
    if (!payload) return invalid("Invalid params: requestState is invalid or has expired");
    auto* bound = payload->if_contains("b");
    if (!bound || !bound->is_string() || bound->get_string() != rounds->binding())
      return invalid("Invalid params: requestState belongs to another request");
    if (auto* answers = payload->if_contains("a"); answers && answers->is_object()) rounds->answers_ = answers->get_object();
  }
  if (auto* responses = request.params.if_contains("inputResponses"); responses && !responses->is_null()) {
    if (!responses->is_object()) return invalid("Invalid params: inputResponses must be an object");
    for (const auto& [key, answer] : responses->get_object()) {
      // Each answer is a result object (ElicitResult, CreateMessageResult, ListRootsResult).
      if (!answer.is_object())
        return invalid("Invalid params: inputResponses." + std::string(key) + " must be a result object");
      rounds->answers_[key] = answer;
    }
  }
  return rounds;
}

const std::string& InputRounds::binding() const {
  if (binding_.empty()) {
    // The state is bound to what the request is about: the same method and
    // arguments, from the same user. The round-trip fields themselves are not.
    json::object subject = request_.params;
    subject.erase("_meta");
    subject.erase("inputResponses");
    subject.erase("requestState");
    binding_ = crypto::base64url_encode(crypto::sha256(crypto::canonical_json(
        json::object{{"user", principal_.subject}, {"method", request_.method}, {"params", std::move(subject)}})));
  }
  return binding_;
}

const json::value* InputRounds::answer(std::string_view key) const { return answers_.if_contains(key); }

std::string InputRounds::next_key(std::string_view method) {
  auto slash = method.find('/');
  return std::string(method.substr(0, slash)) + "_" + std::to_string(++asked_);
}

void InputRounds::request_input(std::string key, std::string_view method, json::object params) {
  pending_[key] = json::object{{"method", method}, {"params", std::move(params)}};
}

json::object InputRounds::input_required_result() const {
  json::object state{{"b", binding()}, {"a", answers_}};
  return json::object{{"resultType", "input_required"}, {"inputRequests", pending_}, {"requestState", codec_.seal(std::move(state))}};
}

}  // namespace gatehouse::mcp
