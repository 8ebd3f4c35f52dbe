#include "mcp/jsonrpc.hpp"

#include <gatehouse/error.hpp>
#include <gtest/gtest.h>

namespace gatehouse::mcp::jsonrpc {
namespace {

std::variant<Message, Invalid> classify_text(std::string_view text) { return classify(json::parse(text)); }

TEST(JsonRpc, ClassifiesRequestNotificationAndResponse) {
  auto r = classify_text(R"({"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"cursor":"x"}})");
  ASSERT_TRUE(std::holds_alternative<Message>(r));
  auto& m = std::get<Message>(r);
  EXPECT_EQ(m.kind, Kind::request);
  EXPECT_EQ(m.id, json::value(7));
  EXPECT_EQ(m.method, "tools/list");
  EXPECT_EQ(m.params.at("cursor"), "x");

  auto n = classify_text(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  ASSERT_TRUE(std::holds_alternative<Message>(n));
  EXPECT_EQ(std::get<Message>(n).kind, Kind::notification);

  auto ok = classify_text(R"({"jsonrpc":"2.0","id":"s1","result":{}})");
  ASSERT_TRUE(std::holds_alternative<Message>(ok));
  EXPECT_EQ(std::get<Message>(ok).kind, Kind::response);

  auto err = classify_text(R"({"jsonrpc":"2.0","id":"s1","error":{"code":-1,"message":"no"}})");
  ASSERT_TRUE(std::holds_alternative<Message>(err));
  EXPECT_TRUE(std::get<Message>(err).error.is_object());
}

struct InvalidCase {
  const char* name;
  const char* text;
  bool echoes_id;
};

class JsonRpcInvalid : public testing::TestWithParam<InvalidCase> {};

TEST_P(JsonRpcInvalid, IsInvalidRequest) {
  auto r = classify_text(GetParam().text);
  ASSERT_TRUE(std::holds_alternative<Invalid>(r)) << GetParam().text;
  const auto& invalid = std::get<Invalid>(r);
  EXPECT_EQ(invalid.code, error_code::invalid_request);
  EXPECT_EQ(!invalid.id.is_null(), GetParam().echoes_id);
}

INSTANTIATE_TEST_SUITE_P(
    Catalogue, JsonRpcInvalid,
    testing::Values(InvalidCase{"NotAnObject", R"([1,2])", false}, InvalidCase{"Scalar", R"(42)", false},
                    InvalidCase{"MissingVersion", R"({"id":1,"method":"ping"})", true},
                    InvalidCase{"WrongVersion", R"({"jsonrpc":"1.0","id":1,"method":"ping"})", true},
                    InvalidCase{"NullId", R"({"jsonrpc":"2.0","id":null,"method":"ping"})", false},
                    InvalidCase{"FractionalId", R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})", false},
                    InvalidCase{"ObjectId", R"({"jsonrpc":"2.0","id":{},"method":"ping"})", false},
                    InvalidCase{"MethodNotString", R"({"jsonrpc":"2.0","id":1,"method":5})", true},
                    InvalidCase{"ParamsArray", R"({"jsonrpc":"2.0","id":1,"method":"ping","params":[1]})", true},
                    InvalidCase{"ResponseWithBoth", R"({"jsonrpc":"2.0","id":1,"result":{},"error":{}})", true},
                    InvalidCase{"ResponseWithNeither", R"({"jsonrpc":"2.0","id":1})", true}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(JsonRpc, BuildsMessages) {
  EXPECT_EQ(json::serialize(make_result(1, json::object{})), R"({"jsonrpc":"2.0","id":1,"result":{}})");
  EXPECT_EQ(json::serialize(make_error(nullptr, -32700, "Parse error")),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})");
  EXPECT_EQ(json::serialize(make_notification("notifications/initialized", {})),
            R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
}

TEST(JsonRpc, IdKeysDistinguishStringsFromNumbers) {
  EXPECT_NE(id_key(json::value(1)), id_key(json::value("1")));
  EXPECT_EQ(id_key(json::value(1)), id_key(json::value(1)));
}

}  // namespace
}  // namespace gatehouse::mcp::jsonrpc
