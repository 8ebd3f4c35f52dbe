#include "oauth/password_verifier.hpp"

#include "crypto/random.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <utility>

namespace gatehouse::oauth {

namespace asio = boost::asio;

PasswordVerifier::PasswordVerifier(PasswordPolicy policy)
    : policy_(policy), pool_(policy.concurrency == 0 ? 1 : policy.concurrency) {}

PasswordVerifier::~PasswordVerifier() { pool_.join(); }

std::optional<PasswordVerifier::Slot> PasswordVerifier::reserve() {
  const std::size_t limit = policy_.concurrency + policy_.queue_limit;
  if (pending_.fetch_add(1) >= limit) {
    pending_.fetch_sub(1);
    return std::nullopt;
  }
  return Slot(&pending_);
}

// L1: made once, at the policy's cost, from a password nobody knows.
const std::string& PasswordVerifier::dummy_hash() {
  std::call_once(dummy_once_, [this] { dummy_ = crypto::hash_password(crypto::random_token(24), policy_.params); });
  return dummy_;
}

PasswordOutcome PasswordVerifier::compute(const std::string& password, const std::optional<std::string>& encoded) {
  PasswordOutcome outcome;
  try {
    if (!encoded) {
      (void)crypto::verify_password(password, dummy_hash());  // same work, answer known
      return outcome;
    }
    if (!crypto::verify_password(password, *encoded)) return outcome;
    outcome.result = PasswordResult::right;
    // L6: hashes made under an older (cheaper) policy are replaced at the
    // first sign-in that proves the password.
    if (crypto::needs_rehash(*encoded, policy_.params)) outcome.upgraded_hash = crypto::hash_password(password, policy_.params);
  } catch (const std::exception& e) {  // scrypt unavailable or out of memory: the upgrade waits, a dummy check fails
    spdlog::error("password check: {}", e.what());
  }
  return outcome;
}

asio::awaitable<PasswordOutcome> PasswordVerifier::run(std::string password, std::optional<std::string> encoded) {
  co_return compute(password, encoded);
}

asio::awaitable<PasswordOutcome> PasswordVerifier::check(Slot slot, std::string password,
                                                         std::optional<std::string> encoded) {
  Slot held = std::move(slot);
  // The computation runs on the pool; co_spawn resumes this coroutine on its
  // own executor when it is done.
  auto work = run(std::move(password), std::move(encoded));
  PasswordOutcome outcome = co_await asio::co_spawn(pool_, std::move(work), asio::use_awaitable);
  co_return outcome;
}

}  // namespace gatehouse::oauth
