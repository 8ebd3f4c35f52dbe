// A store that fails (a full disk, a database locked past its busy timeout,
// a damaged file) at each OAuth boundary: the answer is the endpoint's own
// kind of error — JSON server_error for clients, a page for people — never
// an exception escaping to the connection, and nothing is lost: the same
// request works once the store does.
#include "support/failing_stores.hpp"
#include "support/oauth_fixture.hpp"

#include <gtest/gtest.h>

namespace gatehouse::oauth_test {
namespace {

using testing_support::FailSwitch;

class StoreFailure : public ::testing::Test {
 protected:
  std::shared_ptr<FailSwitch> fail = std::make_shared<FailSwitch>();
  OAuthHarness h{testing_support::failing(store::open_memory_stores(), fail)};

  static void expect_server_error(const net::Reply& reply) {
    EXPECT_EQ(reply.response.result(), http::status::internal_server_error) << reply.response.body();
    EXPECT_EQ(body_json(reply)["error"], "server_error") << reply.response.body();
    EXPECT_EQ(reply.response[http::field::cache_control], "no-store");
    EXPECT_EQ(std::string(reply.response.body()).find("injected"), std::string::npos);  // the cause stays in the log
  }
};

TEST_F(StoreFailure, TK1_TheTokenEndpointAnswersServerError) {
  auto client = h.register_public();
  auto pkce = Pkce::make();
  auto code = h.authorize_code(client, pkce);
  fail->on = true;
  expect_server_error(h.exchange(client, code, pkce));
  EXPECT_GT(fail->failures, 0);
  fail->on = false;
  EXPECT_EQ(h.exchange(client, code, pkce).response.result(), http::status::ok);
}

TEST_F(StoreFailure, RG1_RegistrationAnswersServerError) {
  fail->on = true;
  expect_server_error(h.register_raw(json::object{{"redirect_uris", json::array{"https://app.example.com/callback"}},
                                                  {"token_endpoint_auth_method", "none"}}));
  EXPECT_GT(fail->failures, 0);
  fail->on = false;
  EXPECT_FALSE(h.register_public().client_id.empty());
}

TEST_F(StoreFailure, RV1_RevocationAnswersServerError) {
  auto client = h.register_public();
  auto tokens = h.issue(client);
  fail->on = true;
  expect_server_error(h.revoke(client, tokens.refresh_token));
  fail->on = false;
  EXPECT_EQ(h.revoke(client, tokens.refresh_token).response.result(), http::status::ok);
}

TEST_F(StoreFailure, AZ2_AuthorizeShowsAPageToThePerson) {
  auto client = h.register_public();
  auto pkce = Pkce::make();
  fail->on = true;
  auto page = h.authorize_get(h.authorize_params(client, pkce));
  EXPECT_GT(fail->failures, 0);
  EXPECT_EQ(page.response.result(), http::status::service_unavailable);
  EXPECT_EQ(page.response[http::field::content_type].substr(0, 9), "text/html");
  EXPECT_NE(std::string(page.response.body()).find("Try again"), std::string::npos) << page.response.body();
  EXPECT_TRUE(page.response[http::field::location].empty());  // never a redirect (AZ2)
  fail->on = false;
  EXPECT_FALSE(h.authorize_code(client, pkce).empty());
}

}  // namespace
}  // namespace gatehouse::oauth_test
