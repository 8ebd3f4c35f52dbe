#include "builtin/user_locks.hpp"

#include <gtest/gtest.h>

#include <future>

namespace gatehouse::builtin {
namespace {

// L11: one user's lock does not hold another user's, and the table keeps no
// entry for users without an operation in progress (bounded by concurrency,
// not by the number of users ever seen).
TEST(UserLocks, L11_PerUserAndBounded) {
  UserLocks locks;
  {
    UserLocks::Lock alice(locks, "alice");
    auto bob = std::async(std::launch::async, [&] { UserLocks::Lock held(locks, "bob"); });
    EXPECT_EQ(bob.wait_for(std::chrono::seconds(5)), std::future_status::ready) << "bob waited for alice";
    EXPECT_EQ(locks.size(), 1u);
  }
  EXPECT_EQ(locks.size(), 0u);
  for (int i = 0; i < 1000; ++i) UserLocks::Lock once(locks, "user" + std::to_string(i));
  EXPECT_EQ(locks.size(), 0u);
}

}  // namespace
}  // namespace gatehouse::builtin
