#pragma once
// The keys that seal upstream tokens and connection credentials at rest
// (AES-256-GCM, crypto/aead.hpp): one active key that seals, and older keys
// kept only for opening what they sealed, so a key can be rotated without
// losing a single stored token.
//
// Where they come from, in this order:
//   - GATEHOUSE_SECRET_KEY: base64 or base64url of at least 32 random bytes
//     (`openssl rand -base64 32`); GATEHOUSE_SECRET_KEY_PREVIOUS lists older
//     keys, separated by spaces or commas. Instances sharing one database
//     must share these.
//   - otherwise <data_dir>/keys/upstream-vault.key, created (0600) with 32
//     random bytes on first start; <data_dir>/keys/upstream-vault.previous,
//     when present, holds older keys, one per line.
//
// A sealed value is "v1.<key id>.<base64url(nonce||ciphertext||tag)>": the
// key id (8 hex digits of a hash of the key, never the key) says which key
// opens it. Rotation: make a new key the active one and move the old one to
// the previous list (`gatehouse keys rotate-vault` does it for the key
// file); values are sealed anew under the active key whenever they are next
// written, or all at once by `gatehouse keys rotate-vault`. A running server
// reads the key files again when they change (token_vault.hpp).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::upstream {

class VaultKeys {
 public:
  // Reads an environment variable; nullopt when unset. Injected in tests.
  using Environment = std::function<std::optional<std::string>(const char* name)>;

  // Loads the keys as described above. Throws config::ConfigError naming the
  // variable or the file when a key is malformed or too short.
  static VaultKeys load(const std::filesystem::path& data_dir, const Environment& environment);
  // Key-file mode only (no GATEHOUSE_SECRET_KEY): a new random active key
  // in <data_dir>/keys/upstream-vault.key, the old one first in
  // upstream-vault.previous (both written atomically, 0600), and the keys
  // as they are now. Throws config::ConfigError naming the file.
  static VaultKeys rotate_key_file(const std::filesystem::path& data_dir, const Environment& environment);
  // From key material directly (each at least 32 bytes); the first seals.
  static VaultKeys from_secrets(std::string active, std::vector<std::string> previous = {});

  // Seals `plaintext` under the active key, bound to `associated_data`.
  std::string seal(std::string_view associated_data, std::string_view plaintext) const;
  // The plaintext when `sealed` opens under the key it names and the same
  // associated data; nullopt when the key is unknown, the value altered, or
  // the associated data different.
  std::optional<std::string> open(std::string_view associated_data, std::string_view sealed) const;
  // Whether `sealed` names the active key (false: re-seal it when convenient).
  bool sealed_with_active(std::string_view sealed) const;

  const std::string& active_id() const { return keys_.front().id; }
  // Where the active key came from, for the start-up log (never the key).
  const std::string& source() const { return source_; }
  bool from_environment() const { return source_ == "GATEHOUSE_SECRET_KEY"; }
  // Whether `sealed` names a key this set has (false: it cannot open it).
  bool knows_key_of(std::string_view sealed) const;

 private:
  struct Key {
    std::string id;
    std::string bytes;  // the AES-256 key
  };
  static Key derive(std::string_view secret);
  std::vector<Key> keys_;  // front: active
  std::string source_;
};

}  // namespace gatehouse::upstream
