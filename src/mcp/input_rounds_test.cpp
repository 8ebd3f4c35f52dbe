// Input-required rounds (MCP 2026-07-28, SEP-2322 "MRTR"; INTEROP MO4): the
// sealed requestState, how answers accumulate across rounds, and what the
// state is bound to.
#include "mcp/input_rounds.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "support/manual_clock.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace gatehouse::mcp {
namespace {

using namespace std::chrono_literals;

const std::string kKey = "0123456789abcdef0123456789abcdef";       // 32 bytes
const std::string kOtherKey = "fedcba9876543210fedcba9876543210";  // 32 bytes

// A token with a valid MAC over an arbitrary body (for payloads the codec
// would never produce).
std::string forge(const std::string& key, const std::string& payload_json) {
  auto body = crypto::base64url_encode(payload_json);
  return body + "." + crypto::base64url_encode(crypto::hmac_sha256(key, body));
}

// ------------------------------------------------------- RequestStateCodec

TEST(RequestStateCodec, MO4_SealOpenRoundTrip) {
  testing::ManualClock clock(std::chrono::system_clock::time_point(1'800'000'000s));
  RequestStateCodec codec(kKey, 600s, clock);
  json::object payload{{"b", "binding"}, {"a", json::object{{"k", json::object{{"action", "accept"}}}}}, {"n", 3}};
  auto token = codec.seal(payload);
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 1);
  auto opened = codec.open(token);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->at("b"), "binding");
  EXPECT_EQ(opened->at("a"), payload.at("a"));
  EXPECT_EQ(opened->at("n"), 3);
  // The expiry is added: now + lifetime, in seconds.
  ASSERT_TRUE(opened->contains("exp"));
  EXPECT_EQ(opened->at("exp").as_int64(), 1'800'000'000 + 600);
}

TEST(RequestStateCodec, MO4_TokenIsUrlSafe) {
  RequestStateCodec codec(kKey, 600s);
  auto token = codec.seal(json::object{{"text", "needs / and + in base64 \xff\xfe"}});
  for (char c : token)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') << token;
}

TEST(RequestStateCodec, MO4_AnotherInstanceWithTheSameKeyOpensIt) {
  RequestStateCodec a(kKey, 600s), b(kKey, 600s);
  EXPECT_TRUE(b.open(a.seal(json::object{{"x", 1}})));
}

TEST(RequestStateCodec, MO4_TamperedPayloadIsRejected) {
  RequestStateCodec codec(kKey, 600s);
  auto token = codec.seal(json::object{{"b", "mine"}});
  auto dot = token.find('.');
  auto mac = token.substr(dot);
  auto payload = json::parse(*crypto::base64url_decode(token.substr(0, dot))).as_object();
  payload["b"] = "theirs";
  EXPECT_FALSE(codec.open(crypto::base64url_encode(json::serialize(payload)) + mac));
  // One character of the body changed.
  auto flipped = token;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(codec.open(flipped));
}

TEST(RequestStateCodec, MO4_TamperedMacIsRejected) {
  RequestStateCodec codec(kKey, 600s);
  auto token = codec.seal(json::object{{"b", "mine"}});
  auto dot = token.find('.');
  auto flipped = token;
  flipped[dot + 1] = flipped[dot + 1] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(codec.open(flipped));
  // A well-formed MAC made with another key.
  auto body = token.substr(0, dot);
  EXPECT_FALSE(codec.open(body + "." + crypto::base64url_encode(crypto::hmac_sha256(kOtherKey, body))));
  // A MAC that is not base64url.
  EXPECT_FALSE(codec.open(body + ".!!!!"));
}

TEST(RequestStateCodec, MO4_TruncatedTokenIsRejected) {
  RequestStateCodec codec(kKey, 600s);
  auto token = codec.seal(json::object{{"b", "mine"}});
  auto dot = token.find('.');
  const std::vector<std::string> truncated = {
      token.substr(0, token.size() - 1), token.substr(0, token.size() - 4), token.substr(0, dot + 1),
      token.substr(0, dot),              token.substr(1),                   "",
      ".",
  };
  for (const auto& t : truncated) EXPECT_FALSE(codec.open(t)) << "'" << t << "'";
}

TEST(RequestStateCodec, MO4_WrongKeyIsRejected) {
  RequestStateCodec sealer(kKey, 600s), opener(kOtherKey, 600s);
  EXPECT_FALSE(opener.open(sealer.seal(json::object{{"b", "mine"}})));
}

TEST(RequestStateCodec, MO4_ExpiredStateIsRejected) {
  testing::ManualClock clock(std::chrono::system_clock::time_point(1'800'000'000s));
  RequestStateCodec codec(kKey, 600s, clock);
  auto token = codec.seal(json::object{{"b", "mine"}});
  clock.advance(599s);
  EXPECT_TRUE(codec.open(token));
  clock.advance(2s);  // 601 s after sealing
  EXPECT_FALSE(codec.open(token));
  clock.advance(std::chrono::hours(24));
  EXPECT_FALSE(codec.open(token));
}

TEST(RequestStateCodec, MO4_PayloadWithoutValidExpiryIsRejected) {
  RequestStateCodec codec(kKey, 600s);
  EXPECT_FALSE(codec.open(forge(kKey, R"({"b":"mine"})")));
  EXPECT_FALSE(codec.open(forge(kKey, R"({"b":"mine","exp":"4102444800"})")));
  EXPECT_FALSE(codec.open(forge(kKey, R"([1,2,3])")));
  EXPECT_FALSE(codec.open(forge(kKey, R"(not json)")));
  // The same shape with a future expiry is accepted (the forgery helper is sound).
  EXPECT_TRUE(codec.open(forge(kKey, R"({"b":"mine","exp":4102444800})")));
}

// -------------------------------------------------------------- InputRounds

struct InputRoundsTest : ::testing::Test {
  testing::ManualClock clock{std::chrono::system_clock::time_point(1'800'000'000s)};
  RequestStateCodec codec{kKey, 600s, clock};
  Principal alice{.subject = "alice"};

  static jsonrpc::Message request(json::object params, std::string method = "tools/call") {
    jsonrpc::Message m;
    m.kind = jsonrpc::Kind::request;
    m.id = 1;
    m.method = std::move(method);
    m.params = std::move(params);
    return m;
  }

  static json::object book_params() {
    return json::object{{"name", "book"},
                        {"arguments", json::object{{"city", "Paris"}, {"nights", 2}}},
                        {"_meta", json::object{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"}}}};
  }

  static json::object with(json::object params, std::string_view key, json::value value) {
    params[key] = std::move(value);
    return params;
  }
  static json::object with_state(json::object params, const std::string& state) {
    return with(std::move(params), "requestState", json::value(json::string(state)));
  }

  // InputRounds keeps references to its request and principal: keep them alive.
  std::deque<jsonrpc::Message> kept;

  std::unique_ptr<InputRounds> begin_ok(jsonrpc::Message m, const Principal& who) {
    kept.push_back(std::move(m));
    auto begun = InputRounds::begin(codec, kept.back(), who);
    if (auto* error = std::get_if<McpError>(&begun)) {
      ADD_FAILURE() << "refused: " << error->what();
      return nullptr;
    }
    return std::move(std::get<std::unique_ptr<InputRounds>>(begun));
  }
  std::unique_ptr<InputRounds> begin_ok(jsonrpc::Message m) { return begin_ok(std::move(m), alice); }

  // The McpError code, or 0 when begin() succeeded.
  int begin_error(const jsonrpc::Message& m, const Principal& who) {
    auto begun = InputRounds::begin(codec, m, who);
    if (auto* error = std::get_if<McpError>(&begun)) return error->code();
    return 0;
  }
  int begin_error(const jsonrpc::Message& m) { return begin_error(m, alice); }

  // Runs round 1 of the book request: one unanswered question; returns its requestState.
  std::string first_round_state() {
    auto rounds = begin_ok(request(book_params()));
    EXPECT_TRUE(rounds);
    if (!rounds) return {};
    auto key = rounds->next_key("elicitation/create");
    rounds->request_input(key, "elicitation/create", json::object{{"message", "Which date?"}});
    return std::string(rounds->input_required_result().at("requestState").as_string());
  }
};

TEST_F(InputRoundsTest, MO4_AnswersFromInputResponses) {
  auto params = with(book_params(), "inputResponses",
                     json::object{{"confirm", json::object{{"action", "accept"}, {"content", json::object{{"ok", true}}}}}});
  auto rounds = begin_ok(request(params));
  ASSERT_TRUE(rounds);
  ASSERT_NE(rounds->answer("confirm"), nullptr);
  EXPECT_EQ(rounds->answer("confirm")->at("action"), "accept");
  EXPECT_EQ(rounds->answer("other"), nullptr);
  EXPECT_FALSE(rounds->has_pending());
}

TEST_F(InputRoundsTest, MO4_AnswersAreCarriedAcrossRounds) {
  // Round 1: no answers; the handler asks and the round ends.
  auto round1 = begin_ok(request(book_params()));
  ASSERT_TRUE(round1);
  auto key1 = round1->next_key("elicitation/create");
  EXPECT_EQ(key1, "elicitation_1");
  EXPECT_EQ(round1->answer(key1), nullptr);
  EXPECT_FALSE(round1->has_pending());
  round1->request_input(key1, "elicitation/create", json::object{{"message", "Which date?"}});
  EXPECT_TRUE(round1->has_pending());
  auto result1 = round1->input_required_result();
  EXPECT_EQ(result1.at("resultType"), "input_required");
  ASSERT_TRUE(result1.at("inputRequests").is_object());
  const auto& asked = result1.at("inputRequests").as_object();
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked.at("elicitation_1").at("method"), "elicitation/create");
  EXPECT_EQ(asked.at("elicitation_1").at("params").at("message"), "Which date?");
  ASSERT_TRUE(result1.at("requestState").is_string());
  auto state1 = std::string(result1.at("requestState").as_string());
  EXPECT_FALSE(state1.empty());

  // Round 2: the state and the first answer; the handler asks a second question.
  auto answer1 = json::object{{"action", "accept"}, {"content", json::object{{"date", "2026-08-01"}}}};
  auto params2 = with(with_state(book_params(), state1), "inputResponses",
                      json::object{{"elicitation_1", answer1}});
  auto round2 = begin_ok(request(params2));
  ASSERT_TRUE(round2);
  auto again = round2->next_key("elicitation/create");
  ASSERT_EQ(again, "elicitation_1");
  ASSERT_NE(round2->answer(again), nullptr);
  EXPECT_EQ(*round2->answer(again), answer1);
  auto key2 = round2->next_key("elicitation/create");
  EXPECT_EQ(key2, "elicitation_2");
  EXPECT_EQ(round2->answer(key2), nullptr);
  round2->request_input(key2, "elicitation/create", json::object{{"message", "Breakfast?"}});
  auto result2 = round2->input_required_result();
  ASSERT_EQ(result2.at("inputRequests").as_object().size(), 1u);  // only the new question
  EXPECT_TRUE(result2.at("inputRequests").as_object().contains("elicitation_2"));
  auto state2 = std::string(result2.at("requestState").as_string());

  // Round 3: the second state carries the first answer; the client sends the second.
  auto answer2 = json::object{{"action", "decline"}};
  auto params3 = with(with_state(book_params(), state2), "inputResponses",
                      json::object{{"elicitation_2", answer2}});
  auto round3 = begin_ok(request(params3));
  ASSERT_TRUE(round3);
  ASSERT_NE(round3->answer("elicitation_1"), nullptr);
  EXPECT_EQ(*round3->answer("elicitation_1"), answer1);
  ASSERT_NE(round3->answer("elicitation_2"), nullptr);
  EXPECT_EQ(*round3->answer("elicitation_2"), answer2);
  EXPECT_FALSE(round3->has_pending());

  // The state alone (without resending inputResponses) still carries round 1's answer.
  auto replay = begin_ok(request(with_state(book_params(), state2)));
  ASSERT_TRUE(replay);
  EXPECT_NE(replay->answer("elicitation_1"), nullptr);
  EXPECT_EQ(replay->answer("elicitation_2"), nullptr);
}

TEST_F(InputRoundsTest, MO4_SeveralQuestionsInOneRound) {
  auto rounds = begin_ok(request(book_params()));
  ASSERT_TRUE(rounds);
  rounds->request_input("date", "elicitation/create", json::object{{"message", "Which date?"}});
  rounds->request_input("model", "sampling/createMessage", json::object{{"maxTokens", 10}});
  auto result = rounds->input_required_result();
  const auto& asked = result.at("inputRequests").as_object();
  EXPECT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked.at("model").at("method"), "sampling/createMessage");
}

TEST_F(InputRoundsTest, MO4_StateIsBoundToThePrincipal) {
  auto state = first_round_state();
  auto params = with_state(book_params(), state);
  EXPECT_EQ(begin_error(request(params), alice), 0);
  Principal mallory{.subject = "mallory"};
  EXPECT_EQ(begin_error(request(params), mallory), -32602);
  Principal anonymous;
  EXPECT_EQ(begin_error(request(params), anonymous), -32602);
}

TEST_F(InputRoundsTest, MO4_StateIsBoundToMethodAndParams) {
  auto state = first_round_state();
  struct Case {
    const char* name;
    jsonrpc::Message message;
  };
  auto other_arguments = book_params();
  other_arguments["arguments"] = json::object{{"city", "Rome"}, {"nights", 2}};
  auto extra_argument = book_params();
  extra_argument["arguments"].as_object()["pets"] = true;
  auto other_tool = book_params();
  other_tool["name"] = "cancel";
  auto extra_param = book_params();
  extra_param["cursor"] = "o1";
  auto no_arguments = book_params();
  no_arguments.erase("arguments");
  std::vector<Case> cases = {
      {"other arguments", request(with_state(other_arguments, state))},
      {"extra argument", request(with_state(extra_argument, state))},
      {"other tool", request(with_state(other_tool, state))},
      {"extra param", request(with_state(extra_param, state))},
      {"no arguments", request(with_state(no_arguments, state))},
      {"other method", request(with_state(book_params(), state), "prompts/get")},
  };
  for (const auto& c : cases) EXPECT_EQ(begin_error(c.message), -32602) << c.name;
}

TEST_F(InputRoundsTest, MO4_StateIsNotBoundToMetaOrRoundTripFields) {
  auto state = first_round_state();
  auto other_meta = with_state(book_params(), state);
  other_meta["_meta"] = json::object{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                                     {"io.modelcontextprotocol/logLevel", "debug"},
                                     {"progressToken", "p-42"}};
  EXPECT_EQ(begin_error(request(other_meta)), 0);
  auto no_meta = with_state(book_params(), state);
  no_meta.erase("_meta");
  EXPECT_EQ(begin_error(request(no_meta)), 0);
  auto with_answers = with(with_state(book_params(), state), "inputResponses",
                           json::object{{"elicitation_1", json::object{{"action", "cancel"}}}});
  EXPECT_EQ(begin_error(request(with_answers)), 0);
  // Key order of the arguments does not matter either (canonical JSON).
  auto reordered = book_params();
  reordered["arguments"] = json::parse(R"({"nights":2,"city":"Paris"})");
  EXPECT_EQ(begin_error(request(with_state(reordered, state))), 0);
}

TEST_F(InputRoundsTest, MO4_ExpiredStateIsInvalidParams) {
  auto state = first_round_state();
  clock.advance(601s);
  EXPECT_EQ(begin_error(request(with_state(book_params(), state))), -32602);
}

TEST_F(InputRoundsTest, MO4_ForgedStateIsInvalidParams) {
  auto state = first_round_state();
  auto tampered = state;
  tampered[tampered.size() / 3] = tampered[tampered.size() / 3] == 'x' ? 'y' : 'x';
  EXPECT_EQ(begin_error(request(with_state(book_params(), tampered))), -32602);
  EXPECT_EQ(begin_error(request(with(book_params(), "requestState", "garbage"))), -32602);
  EXPECT_EQ(begin_error(request(with(book_params(), "requestState", ""))), -32602);
  // Sealed under another key (another deployment).
  RequestStateCodec foreign(kOtherKey, 600s, clock);
  auto foreign_request = request(book_params());
  auto foreign_rounds = InputRounds::begin(foreign, foreign_request, alice);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<InputRounds>>(foreign_rounds));
  auto& fr = std::get<std::unique_ptr<InputRounds>>(foreign_rounds);
  fr->request_input("k", "elicitation/create", {});
  auto foreign_state = fr->input_required_result().at("requestState");
  EXPECT_EQ(begin_error(request(with(book_params(), "requestState", foreign_state))), -32602);
}

TEST_F(InputRoundsTest, MO4_RoundTripFieldsAreValidated) {
  struct Case {
    const char* name;
    json::object params;
    int code;  // 0: accepted
  };
  std::vector<Case> cases = {
      {"inputResponses null is ignored", with(book_params(), "inputResponses", nullptr), 0},
      {"requestState null is ignored", with(book_params(), "requestState", nullptr), 0},
      {"inputResponses empty object", with(book_params(), "inputResponses", json::object{}), 0},
      {"inputResponses array", with(book_params(), "inputResponses", json::array{json::object{}}), -32602},
      {"inputResponses string", with(book_params(), "inputResponses", "yes"), -32602},
      {"answer is a string", with(book_params(), "inputResponses", json::object{{"k", "accept"}}), -32602},
      {"answer is null", with(book_params(), "inputResponses", json::object{{"k", nullptr}}), -32602},
      {"answer is an array", with(book_params(), "inputResponses", json::object{{"k", json::array{}}}), -32602},
      {"one bad answer among good ones",
       with(book_params(), "inputResponses", json::object{{"a", json::object{}}, {"b", 1}}), -32602},
      {"requestState number", with(book_params(), "requestState", 42), -32602},
      {"requestState object", with(book_params(), "requestState", json::object{}), -32602},
  };
  for (const auto& c : cases) EXPECT_EQ(begin_error(request(c.params)), c.code) << c.name;
}

TEST_F(InputRoundsTest, MO4_InputResponsesNullLeavesNoAnswers) {
  auto rounds = begin_ok(request(with(book_params(), "inputResponses", nullptr)));
  ASSERT_TRUE(rounds);
  EXPECT_EQ(rounds->answer("elicitation_1"), nullptr);
}

TEST_F(InputRoundsTest, MO4_NextKeyNumbersQuestionsInOrder) {
  auto rounds = begin_ok(request(book_params()));
  ASSERT_TRUE(rounds);
  EXPECT_EQ(rounds->next_key("elicitation/create"), "elicitation_1");
  EXPECT_EQ(rounds->next_key("sampling/createMessage"), "sampling_2");
  EXPECT_EQ(rounds->next_key("roots/list"), "roots_3");
  EXPECT_EQ(rounds->next_key("elicitation/create"), "elicitation_4");
  EXPECT_EQ(rounds->next_key("noslash"), "noslash_5");
  // Every round numbers from the start, so keys are stable across rounds.
  auto fresh = begin_ok(request(book_params()));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->next_key("sampling/createMessage"), "sampling_1");
}

}  // namespace
}  // namespace gatehouse::mcp
