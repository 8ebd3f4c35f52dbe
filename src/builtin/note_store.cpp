#include "builtin/note_store.hpp"

#include "file/durable_file.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <openssl/sha.h>

namespace gatehouse::builtin {

namespace json = boost::json;

NoteStore::NoteStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

json::object NoteStore::load(const std::string& user) {
  UserLocks::Lock lock(locks_, user);
  return read(path_for(user));
}

void NoteStore::put(const std::string& user, const std::string& title, const std::string& body) {
  UserLocks::Lock lock(locks_, user);
  auto path = path_for(user);
  auto notes = read(path);
  notes[title] = body;
  write(path, notes);
}

bool NoteStore::remove(const std::string& user, const std::string& title) {
  UserLocks::Lock lock(locks_, user);
  auto path = path_for(user);
  auto notes = read(path);
  if (!notes.erase(title)) return false;
  write(path, notes);
  return true;
}

std::filesystem::path NoteStore::path_for(const std::string& user) const {
  // The user id is hashed so any subject maps to a safe file name.
  unsigned char digest[SHA256_DIGEST_LENGTH];
  std::string who = user.empty() ? "anonymous" : user;
  SHA256(reinterpret_cast<const unsigned char*>(who.data()), who.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name;
  for (int i = 0; i < 12; ++i) {
    name.push_back(kHex[digest[i] >> 4]);
    name.push_back(kHex[digest[i] & 15]);
  }
  return dir_ / (name + ".json");
}

json::object NoteStore::read(const std::filesystem::path& path) {
  std::optional<std::string> text;
  try {
    text = file::read_if_exists(path);
  } catch (const file::FileError& e) {
    throw NoteStoreError(NoteStoreError::Kind::unreadable, std::string("the note store is unreadable: ") + e.what());
  }
  if (!text) return {};  // this user has no notes yet
  // Every save writes at least "{}": an empty or unparsable file is damage
  // (an older version's lost flush, a disk error, a hand edit) and is kept
  // for the operator rather than replaced with nothing.
  boost::system::error_code ec;
  auto value = json::parse(*text, ec);
  if (ec || !value.is_object())
    throw NoteStoreError(NoteStoreError::Kind::unreadable,
                         "the note store is unreadable: " + path.string() + " does not hold a JSON object" +
                             (ec ? " (" + ec.message() + ")" : std::string()) + "; repair or remove it");
  return std::move(value.as_object());
}

void NoteStore::write(const std::filesystem::path& path, const json::object& notes) {
  try {
    file::make_private_directory(dir_);
    file::write_atomically(path, json::serialize(notes), 0600);
  } catch (const file::FileError& e) {
    throw NoteStoreError(NoteStoreError::Kind::not_saved, std::string("the note was not saved: ") + e.what());
  }
}

}  // namespace gatehouse::builtin
