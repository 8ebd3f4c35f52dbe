#pragma once
// Checks sign-in passwords off the I/O threads, a bounded number at a time.
//
// scrypt is memory-hard by design: at the default cost (N = 2^17, r = 8,
// RFC 7914 §2; OWASP Password Storage Cheat Sheet) one computation takes
// 128 MiB and a few hundred milliseconds of one core. Run on an I/O thread,
// a handful of sign-ins would stall every connection; run without a bound,
// a burst of them would take gigabytes. So computations run on this
// verifier's own threads, `concurrency` at once (memory: concurrency ×
// 128 MiB at most), with at most `queue_limit` more waiting; a sign-in
// beyond that is told the server is busy, before anything is counted.
//
//   auto slot = verifier.reserve();          // nullopt: busy
//   auto outcome = co_await verifier.check(std::move(*slot), password, user_hash);
//
// An unknown account is checked against a dummy hash of the same cost, so
// the time an answer takes does not tell which accounts exist (L1). A right
// password whose hash has other parameters than the policy's comes back
// with a fresh hash to store (upgrade on sign-in, L6).
#include "crypto/password_hash.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace gatehouse::oauth {

struct PasswordPolicy {
  // New and upgraded hashes use these (tests use cheaper ones).
  crypto::ScryptParams params = crypto::kDefaultScryptParams;
  std::size_t concurrency = 2;   // computations at once
  std::size_t queue_limit = 32;  // sign-ins waiting for a computation
};

enum class PasswordResult { right, wrong };

struct PasswordOutcome {
  PasswordResult result = PasswordResult::wrong;
  std::string upgraded_hash;  // right, and the stored hash should be replaced by this one
};

class PasswordVerifier {
 public:
  // A place among the computations running or waiting; given back when it
  // goes.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : count_(std::exchange(other.count_, nullptr)) {}
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (count_) count_->fetch_sub(1);
    }

   private:
    friend class PasswordVerifier;
    explicit Slot(std::atomic<std::size_t>* count) : count_(count) {}
    std::atomic<std::size_t>* count_;
  };

  explicit PasswordVerifier(PasswordPolicy policy = {});
  ~PasswordVerifier();  // waits for computations in progress
  PasswordVerifier(const PasswordVerifier&) = delete;
  PasswordVerifier& operator=(const PasswordVerifier&) = delete;

  // nullopt when `concurrency + queue_limit` checks are running or waiting.
  std::optional<Slot> reserve();
  // Checks `password` against `encoded` (nullopt: no such account). Never
  // throws for any input; resumes the caller on its own executor.
  boost::asio::awaitable<PasswordOutcome> check(Slot slot, std::string password, std::optional<std::string> encoded);

  const PasswordPolicy& policy() const { return policy_; }

 private:
  PasswordOutcome compute(const std::string& password, const std::optional<std::string>& encoded);
  boost::asio::awaitable<PasswordOutcome> run(std::string password, std::optional<std::string> encoded);
  const std::string& dummy_hash();

  PasswordPolicy policy_;
  std::atomic<std::size_t> pending_{0};
  std::once_flag dummy_once_;
  std::string dummy_;
  boost::asio::thread_pool pool_;
};

}  // namespace gatehouse::oauth
