#include "builtin/user_locks.hpp"

namespace gatehouse::builtin {

UserLocks::Lock::Lock(UserLocks& locks, const std::string& user) : locks_(locks), user_(user) {
  {
    std::lock_guard guard(locks_.mutex_);
    auto& slot = locks_.entries_[user_];
    if (!slot) slot = std::make_unique<Entry>();
    entry_ = slot.get();
    ++entry_->holders;
  }
  // The entry is heap-allocated (stable across rehashing) and not erased
  // while `holders` counts us.
  entry_->mutex.lock();
}

UserLocks::Lock::~Lock() {
  entry_->mutex.unlock();
  std::lock_guard guard(locks_.mutex_);
  if (--entry_->holders == 0) locks_.entries_.erase(user_);
}

std::size_t UserLocks::size() const {
  std::lock_guard guard(mutex_);
  return entries_.size();
}

}  // namespace gatehouse::builtin
