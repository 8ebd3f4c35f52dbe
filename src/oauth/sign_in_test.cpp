// Sign-in at /authorize: bounded input (M1), failures held back per user and
// network instead of a lockout anyone can trigger (M4), hash upgrade on
// sign-in (L6), cookies and sign-in sessions (L7).
#include "support/test_temp_dir.hpp"
#include "support/oauth_fixture.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <sstream>

namespace gatehouse::oauth_test {
namespace {

bool mentions(const net::Reply& reply, std::string_view text) {
  return html_unescape(std::string(reply.response.body())).find(text) != std::string::npos;
}

// Every Set-Cookie of a reply.
std::vector<std::string> set_cookies(const net::Reply& reply) {
  std::vector<std::string> out;
  for (auto it = reply.response.find(http::field::set_cookie);
       it != reply.response.end() && it->name() == http::field::set_cookie; ++it)
    out.emplace_back(it->value());
  return out;
}

// The default logger writes into a string while this lives.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    auto logger = std::make_shared<spdlog::logger>("captured", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

struct SignIn : ::testing::Test {
  OAuthHarness h;
  Client client = h.register_public();

  net::Reply login_page() {
    auto page = h.authorize_get(h.authorize_params(client, Pkce::make()));
    if (!is_login_page(page)) throw std::runtime_error("expected the login page");
    return page;
  }
  // One attempt from a fresh page: the status of the answer.
  net::Reply attempt(std::string user, std::string password) { return h.login(login_page(), std::move(user), std::move(password)); }
  void from(const char* address) { h.peer.client = boost::asio::ip::make_address(address); }
};

// ---- M1: bounded input ----

TEST(SignInInput, M1_OversizedUserNameIsRefusedBeforeAnyStoreOrLogWrite) {
  store::testing::TempDir dir;
  const auto file = dir.path() / "gatehouse.db";
  OAuthHarness h(store::open_sqlite_stores(file));
  auto client = h.register_public();
  const auto size_before = std::filesystem::file_size(file);
  const std::string huge(3 << 20, 'u');
  CapturedLog log;
  for (int i = 0; i < 3; ++i) {
    auto page = h.authorize_get(h.authorize_params(client, Pkce::make()));
    auto reply = h.login(page, huge, "whatever");
    EXPECT_EQ(reply.response.result(), http::status::bad_request);
    EXPECT_TRUE(is_login_page(reply)) << "the sign-in page again, with the reason";
    EXPECT_TRUE(mentions(reply, "at most 64 bytes")) << reply.response.body();
    EXPECT_LT(reply.response.body().size(), 16u * 1024) << "the name is not echoed back";
  }
  EXPECT_LT(log.text().size(), 4096u) << "nothing of the name reached the log";
  std::filesystem::path wal = file;
  wal += "-wal";
  std::error_code ec;
  const auto wal_size = std::filesystem::file_size(wal, ec);
  EXPECT_LT(std::filesystem::file_size(file) + (ec ? 0 : wal_size), size_before + 256 * 1024)
      << "nothing of the name reached the store";
}

TEST_F(SignIn, M1_OversizedPasswordIsRefusedAndNotCounted) {
  for (int i = 0; i < 8; ++i) {
    auto reply = attempt(std::string(kUser), std::string(2048, 'p'));
    EXPECT_EQ(reply.response.result(), http::status::bad_request);
    EXPECT_TRUE(mentions(reply, "at most 1024 bytes")) << reply.response.body();
  }
  EXPECT_TRUE(is_consent_page(attempt(std::string(kUser), std::string(kPassword)))) << "no failure was counted";
}

TEST_F(SignIn, M1_LoggedUserNamesAreShortened) {
  CapturedLog log;
  const std::string name = std::string(64, 'n');  // the longest name accepted
  EXPECT_EQ(attempt(name, "wrong").response.result(), http::status::unauthorized);
  EXPECT_NE(log.text().find(name), std::string::npos) << log.text();
  EXPECT_LT(log.text().size(), 1024u);
}

// ---- M4: failures per (user, network), growing waits ----

TEST_F(SignIn, M4_FailuresFromElsewhereDoNotLockTheAccount) {
  from("198.51.100.7");
  for (int i = 0; i < 20; ++i) (void)attempt(std::string(kUser), "guess " + std::to_string(i));
  EXPECT_EQ(attempt(std::string(kUser), "one more").response.result(), http::status::too_many_requests)
      << "the guessing network waits";
  from("203.0.113.9");
  EXPECT_TRUE(is_consent_page(attempt(std::string(kUser), std::string(kPassword))))
      << "the owner signs in from their own network";
}

TEST_F(SignIn, M4_SuccessfulSignInsAreNotCounted) {
  from("203.0.113.9");
  for (int i = 0; i < 15; ++i) {
    h.cookies.clear();  // a fresh browser each time: every one signs in
    auto reply = attempt(std::string(kUser), std::string(kPassword));
    ASSERT_TRUE(is_consent_page(reply)) << "sign-in " << i + 1 << ": " << reply.response.result_int();
  }
}

TEST_F(SignIn, M4_TheWaitGrowsIsShownAndASuccessClearsIt) {
  from("203.0.113.9");
  for (int i = 1; i <= 4; ++i) {
    auto reply = attempt(std::string(kUser), "guess");
    ASSERT_EQ(reply.response.result(), http::status::unauthorized) << i;
    EXPECT_FALSE(mentions(reply, "try again")) << "no wait within the allowance";
  }
  auto fifth = attempt(std::string(kUser), "guess");
  EXPECT_EQ(fifth.response.result(), http::status::unauthorized);
  EXPECT_TRUE(mentions(fifth, "try again in 30 seconds")) << fifth.response.body();

  auto held = attempt(std::string(kUser), std::string(kPassword));
  EXPECT_EQ(held.response.result(), http::status::too_many_requests);
  EXPECT_TRUE(mentions(held, "Try again in 30 seconds")) << held.response.body();
  EXPECT_EQ(header(held, http::field::retry_after), "30");
  h.clock.advance(std::chrono::seconds(10));
  held = attempt(std::string(kUser), std::string(kPassword));
  EXPECT_TRUE(mentions(held, "Try again in 20 seconds")) << "the real wait";

  h.clock.advance(std::chrono::seconds(20));
  auto sixth = attempt(std::string(kUser), "guess");
  EXPECT_EQ(sixth.response.result(), http::status::unauthorized);
  EXPECT_TRUE(mentions(sixth, "try again in 1 minute")) << "doubled: " << sixth.response.body();
  h.clock.advance(std::chrono::seconds(60));
  auto seventh = attempt(std::string(kUser), "guess");
  EXPECT_TRUE(mentions(seventh, "try again in 2 minutes")) << seventh.response.body();

  h.clock.advance(std::chrono::seconds(120));
  EXPECT_TRUE(is_consent_page(attempt(std::string(kUser), std::string(kPassword))));
  h.cookies.clear();
  auto after = attempt(std::string(kUser), "typo");
  EXPECT_EQ(after.response.result(), http::status::unauthorized);
  EXPECT_FALSE(mentions(after, "try again")) << "the success cleared the count";
}

TEST_F(SignIn, M4_AnotherAddressInTheSameNetworkWaitsToo) {
  const char* addresses[] = {"2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2::3", "2001:db8:1:2::4",
                             "2001:db8:1:2::5", "2001:db8:1:2::6"};
  for (int i = 0; i < 5; ++i) {
    from(addresses[i]);
    EXPECT_EQ(attempt(std::string(kUser), "guess").response.result(), http::status::unauthorized);
  }
  from(addresses[5]);
  EXPECT_EQ(attempt(std::string(kUser), "guess").response.result(), http::status::too_many_requests);
  from("2001:db8:1:3::1");
  EXPECT_EQ(attempt(std::string(kUser), "guess").response.result(), http::status::unauthorized)
      << "the next /64 is another network";
}

TEST_F(SignIn, M4_OneSourceCannotSprayManyUsers) {
  from("198.51.100.7");
  for (int i = 0; i < 30; ++i)
    ASSERT_EQ(attempt("user" + std::to_string(i), "guess").response.result(), http::status::unauthorized) << i;
  auto refused = attempt("user30", "guess");
  EXPECT_EQ(refused.response.result(), http::status::too_many_requests);
  EXPECT_TRUE(mentions(refused, "from your address")) << refused.response.body();
  EXPECT_FALSE(header(refused, http::field::retry_after).empty());
  from("198.51.100.8");
  EXPECT_TRUE(is_consent_page(attempt(std::string(kUser), std::string(kPassword)))) << "other sources are not held up";
}

// ---- L6: old hashes are upgraded at sign-in ----

TEST(SignInUpgrade, L6_SignInReplacesAHashOfAnOlderPolicy) {
  auto options = OAuthHarness::options_for_tests();
  options.authorize.passwords.params = {11, 8, 1};  // "today's" policy; the user was hashed at kTestScrypt
  OAuthHarness h(store::open_memory_stores(), std::move(options));
  auto client = h.register_public();
  const auto before = h.stores.users->find_by_name(kUser)->password_hash;
  ASSERT_TRUE(before.starts_with("$scrypt$ln=10,"));
  auto consent = h.login(h.authorize_get(h.authorize_params(client, Pkce::make())));
  ASSERT_TRUE(is_consent_page(consent));
  const auto after = h.stores.users->find_by_name(kUser)->password_hash;
  EXPECT_TRUE(after.starts_with("$scrypt$ln=11,r=8,p=1$")) << after;
  EXPECT_TRUE(crypto::verify_password(kPassword, after));
  EXPECT_EQ(h.consent(consent).response.result(), http::status::found) << "the session made with the new hash holds";
}

// ---- L7: cookies and sign-in sessions ----

TEST_F(SignIn, L7_HostPrefixedSecureCookiesOnHttps) {
  auto page = login_page();
  auto consent = h.login(page);
  ASSERT_TRUE(is_consent_page(consent));
  std::vector<std::string> all = set_cookies(page);
  for (auto& c : set_cookies(consent)) all.push_back(c);
  ASSERT_GE(all.size(), 2u);
  for (const auto& c : all) {
    EXPECT_TRUE(c.starts_with("__Host-")) << c;
    EXPECT_NE(c.find("; Secure"), std::string::npos) << c;
    EXPECT_NE(c.find("; Path=/;"), std::string::npos) << c;
    EXPECT_EQ(c.find("Domain="), std::string::npos) << c;
  }
  EXPECT_TRUE(h.cookies.contains("__Host-gh_session"));
}

TEST_F(SignIn, L7_BrowserIdIsReplacedAtSignIn) {
  auto page = login_page();
  const auto before = h.cookies.at("__Host-gh_browser");
  auto consent = h.login(page);
  ASSERT_TRUE(is_consent_page(consent));
  EXPECT_NE(h.cookies.at("__Host-gh_browser"), before);
  // A form made for the old id (as a page planted before the sign-in would
  // hold) is no longer this browser's.
  auto replay = h.login(page);
  EXPECT_EQ(replay.response.result(), http::status::forbidden);
  EXPECT_EQ(h.consent(consent).response.result(), http::status::found) << "the new page's form works";
}

TEST_F(SignIn, L7_PasswordChangeEndsSignInSessions) {
  ASSERT_TRUE(is_consent_page(h.login(login_page())));
  ASSERT_TRUE(is_consent_page(h.authorize_get(h.authorize_params(client, Pkce::make())))) << "signed in";
  // What `gatehouse users passwd` does (admin::set_password), at test cost.
  ASSERT_TRUE(h.stores.users->set_password_hash("usr_alice", crypto::hash_password("a brand new password", kTestScrypt)));
  EXPECT_TRUE(is_login_page(h.authorize_get(h.authorize_params(client, Pkce::make()))))
      << "the sign-in made with the old password is over";
}

TEST_F(SignIn, L7_NotYouSignOutEndsTheSignInSession) {
  auto consent = h.login(login_page());
  ASSERT_TRUE(is_consent_page(consent));
  EXPECT_TRUE(mentions(consent, "Not you?"));
  auto session = h.cookies.at("__Host-gh_session");
  auto out = h.submit(consent, {{"step", "signout"}});
  EXPECT_EQ(out.response.result(), http::status::ok);
  EXPECT_TRUE(is_login_page(out)) << "the same request continues with a sign-in";
  bool cleared = false;
  for (const auto& c : set_cookies(out)) cleared |= c.starts_with("__Host-gh_session=;") && c.find("Max-Age=0") != std::string::npos;
  EXPECT_TRUE(cleared);
  EXPECT_TRUE(is_login_page(h.authorize_get(h.authorize_params(client, Pkce::make()))));
  // Signing out without the page's CSRF token does nothing.
  h.cookies["__Host-gh_session"] = session;
  auto forged = h.browse(OAuthHarness::form_request("/authorize", {{"request", hidden_field(consent.response.body(), "request")},
                                                                   {"step", "signout"}}));
  EXPECT_EQ(forged.response.result(), http::status::forbidden);
}

}  // namespace
}  // namespace gatehouse::oauth_test
