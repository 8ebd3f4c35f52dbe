#pragma once
// One lock per user, so that one user's read-modify-write of their notes
// never waits for another user's. An entry exists only while some thread
// holds or waits for that user's lock, so the map stays as small as the
// number of operations in progress, however many users there are.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gatehouse::builtin {

class UserLocks {
  struct Entry {
    std::mutex mutex;
    std::size_t holders = 0;  // threads holding or waiting; guarded by UserLocks::mutex_
  };

 public:
  // Holds `user`'s lock until destroyed.
  class Lock {
   public:
    Lock(UserLocks& locks, const std::string& user);
    ~Lock();
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;

   private:
    UserLocks& locks_;
    std::string user_;
    Entry* entry_;
  };

  // Users with an operation in progress.
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;
};

}  // namespace gatehouse::builtin
