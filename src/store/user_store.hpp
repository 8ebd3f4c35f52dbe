#pragma once
// Local user accounts, for the built-in login page and `gatehouse users`.
// Users who log in through an upstream IdP are not stored here; grants and
// codes refer to a user by id only, so they need no row in this store.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::store {

// Bounds on what a person types at sign-in (M1), checked before anything
// is stored or logged, and by `gatehouse users`: a user name is at most 64
// bytes, a password at most 1 KiB (more is no stronger, and scrypt reads
// all of it).
inline constexpr std::size_t kMaxUserNameBytes = 64;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

struct User {
  std::string id;               // stable opaque id; codes and grants refer to it
  std::string name;             // login name, unique, compared byte for byte
  std::string password_hash;    // the password hasher's encoded output
                                // (algorithm, parameters, salt, hash); never a password
  std::int64_t created_at = 0;  // Unix seconds
  bool disabled = false;        // a disabled user cannot log in; revoking the
                                // user's grants is the caller's separate step

  bool operator==(const User&) const = default;
};

// All operations are safe to call from several threads; they block on disk
// I/O in persistent implementations and throw StoreError when storage fails.
class UserStore {
 public:
  virtual ~UserStore() = default;

  // False, and nothing changes, when the id or the name is taken.
  virtual bool add(const User& user) = 0;
  virtual std::optional<User> find(std::string_view id) = 0;
  virtual std::optional<User> find_by_name(std::string_view name) = 0;
  // Every user, ordered by name.
  virtual std::vector<User> list() = 0;
  // False when no such user.
  virtual bool set_password_hash(std::string_view id, std::string_view password_hash) = 0;
  virtual bool set_disabled(std::string_view id, bool disabled) = 0;
  virtual bool remove(std::string_view id) = 0;
};

}  // namespace gatehouse::store
