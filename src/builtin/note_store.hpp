#pragma once
// builtin:demo's notes: one JSON file per user under <data-dir>/notes/,
// {"title": "body", ...}, rewritten whole on each change.
//
// A change is written with file::write_atomically, so a failed save (full
// disk, I/O error) is reported and leaves the previous file as it was. A
// file that exists but cannot be read or does not hold a JSON object is
// never taken for "no notes": every operation on that user's notes fails
// until an operator repairs or removes it, so nothing overwrites it.
// Files are 0600 in a 0700 directory. Each user's operations are serialised
// by that user's own lock; users never wait for each other.
#include "builtin/user_locks.hpp"

#include <boost/json/object.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace gatehouse::builtin {

class NoteStoreError : public std::runtime_error {
 public:
  enum class Kind { unreadable, not_saved };
  NoteStoreError(Kind kind, std::string message) : std::runtime_error(std::move(message)), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

class NoteStore {
 public:
  explicit NoteStore(std::filesystem::path dir);

  // Throw NoteStoreError (what() names the file, for the log).
  boost::json::object load(const std::string& user);
  void put(const std::string& user, const std::string& title, const std::string& body);
  // False when the user has no note with that title.
  bool remove(const std::string& user, const std::string& title);

  // The file holding `user`'s notes (the user id hashed into a safe name).
  std::filesystem::path path_for(const std::string& user) const;

 private:
  static boost::json::object read(const std::filesystem::path& path);
  void write(const std::filesystem::path& path, const boost::json::object& notes);

  std::filesystem::path dir_;
  UserLocks locks_;
};

}  // namespace gatehouse::builtin
