#include "upstream/vault_keys.hpp"

#include "config/load.hpp"
#include "crypto/aead.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/random.hpp"
#include "file/durable_file.hpp"
#include "runtime/secret_file.hpp"

#include <stdexcept>

namespace gatehouse::upstream {

namespace {

constexpr std::size_t kMinSecretBytes = 32;
constexpr std::string_view kFormat = "v1.";

// base64url (the key files, `openssl rand -base64 32 | tr '+/' '-_'`) or
// standard base64 (`openssl rand -base64 32`), padding allowed.
std::optional<std::string> decode_secret(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (auto strict = crypto::base64_decode_strict(text)) return strict;
  std::string_view unpadded = text;
  while (unpadded.ends_with('=')) unpadded.remove_suffix(1);
  return crypto::base64url_decode(unpadded);
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c == ' ' || c == ',' || c == '\n' || c == '\r' || c == '\t') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

std::string decode_or_throw(std::string_view text, const std::string& where) {
  auto secret = decode_secret(text);
  if (!secret)
    throw config::ConfigError(where + " is not base64 text; make a key with `openssl rand -base64 32`");
  if (secret->size() < kMinSecretBytes)
    throw config::ConfigError(where + " holds " + std::to_string(secret->size()) + " bytes; it needs at least " +
                              std::to_string(kMinSecretBytes) + " random bytes (`openssl rand -base64 32`)");
  return std::move(*secret);
}

}  // namespace

VaultKeys::Key VaultKeys::derive(std::string_view secret) {
  // The AES key is derived from the secret (HMAC-SHA-256 as a PRF, RFC 5869
  // §2.2 style extraction), so a secret of any length ≥ 32 bytes works and
  // the key id below reveals nothing of the key itself.
  Key key;
  key.bytes = crypto::hmac_sha256(secret, "gatehouse upstream vault v1");
  key.id = crypto::hex_encode(crypto::sha256("key id|" + key.bytes)).substr(0, 8);
  return key;
}

VaultKeys VaultKeys::from_secrets(std::string active, std::vector<std::string> previous) {
  VaultKeys keys;
  if (active.size() < kMinSecretBytes) throw std::invalid_argument("a vault key needs at least 32 bytes");
  keys.keys_.push_back(derive(active));
  for (const auto& p : previous) {
    auto key = derive(p);
    bool known = false;
    for (const auto& k : keys.keys_) known = known || k.id == key.id;
    if (!known) keys.keys_.push_back(std::move(key));
  }
  keys.source_ = "given";
  return keys;
}

VaultKeys VaultKeys::load(const std::filesystem::path& data_dir, const Environment& environment) {
  std::vector<std::string> previous;
  if (auto env = environment("GATEHOUSE_SECRET_KEY"); env && !env->empty()) {
    auto active = decode_or_throw(*env, "the environment variable GATEHOUSE_SECRET_KEY");
    if (auto old = environment("GATEHOUSE_SECRET_KEY_PREVIOUS")) {
      int n = 0;
      for (const auto& item : split_list(*old))
        previous.push_back(decode_or_throw(
            item, "key " + std::to_string(++n) + " of the environment variable GATEHOUSE_SECRET_KEY_PREVIOUS"));
    }
    auto keys = from_secrets(std::move(active), std::move(previous));
    keys.source_ = "GATEHOUSE_SECRET_KEY";
    return keys;
  }
  const auto file = data_dir / "keys" / "upstream-vault.key";
  auto active = runtime::load_or_create_secret(file, kMinSecretBytes);
  const auto previous_file = data_dir / "keys" / "upstream-vault.previous";
  std::optional<std::string> text;
  try {
    text = file::read_if_exists(previous_file);
  } catch (const file::FileError& e) {
    throw config::ConfigError(std::string("cannot read the previous vault keys: ") + e.what());
  }
  if (text) {
    int line = 0;
    for (const auto& item : split_list(*text))
      previous.push_back(decode_or_throw(item, previous_file.string() + " entry " + std::to_string(++line)));
  }
  auto keys = from_secrets(std::move(active), std::move(previous));
  keys.source_ = file.string();
  return keys;
}

VaultKeys VaultKeys::rotate_key_file(const std::filesystem::path& data_dir, const Environment& environment) {
  if (auto env = environment("GATEHOUSE_SECRET_KEY"); env && !env->empty())
    throw config::ConfigError(
        "the vault key comes from GATEHOUSE_SECRET_KEY: put a new key there (openssl rand -base64 32) and the old "
        "one in GATEHOUSE_SECRET_KEY_PREVIOUS, restart the servers, then run this command with the same environment "
        "to seal every stored value under the new key");
  const auto dir = data_dir / "keys";
  const auto file = dir / "upstream-vault.key";
  const auto previous_file = dir / "upstream-vault.previous";
  try {
    auto old_active = file::read_if_exists(file);
    auto old_previous = file::read_if_exists(previous_file);
    file::make_private_directory(dir);
    std::string previous;
    if (old_active) {
      std::string line = *old_active;
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      previous = line + "\n";
    }
    if (old_previous) previous += *old_previous;
    // The old key is kept first, so a crash between the two writes loses no
    // key: at worst the old key is both active and previous.
    if (!previous.empty()) file::write_atomically(previous_file, previous, 0600);
    file::write_atomically(file, crypto::base64url_encode(crypto::random_bytes(kMinSecretBytes)) + "\n", 0600);
  } catch (const file::FileError& e) {
    throw config::ConfigError(std::string("cannot rotate the vault key: ") + e.what());
  }
  return load(data_dir, environment);
}

bool VaultKeys::knows_key_of(std::string_view sealed) const {
  if (!sealed.starts_with(kFormat)) return false;
  sealed.remove_prefix(kFormat.size());
  const auto id = sealed.substr(0, sealed.find('.'));
  for (const auto& key : keys_)
    if (key.id == id) return true;
  return false;
}

std::string VaultKeys::seal(std::string_view associated_data, std::string_view plaintext) const {
  const auto& key = keys_.front();
  return std::string(kFormat) + key.id + "." +
         crypto::base64url_encode(crypto::aead_seal(key.bytes, associated_data, plaintext));
}

std::optional<std::string> VaultKeys::open(std::string_view associated_data, std::string_view sealed) const {
  if (!sealed.starts_with(kFormat)) return std::nullopt;
  sealed.remove_prefix(kFormat.size());
  auto dot = sealed.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto id = sealed.substr(0, dot);
  auto box = crypto::base64url_decode(sealed.substr(dot + 1));
  if (!box) return std::nullopt;
  for (const auto& key : keys_)
    if (key.id == id) return crypto::aead_open(key.bytes, associated_data, *box);
  return std::nullopt;
}

bool VaultKeys::sealed_with_active(std::string_view sealed) const {
  return sealed.starts_with(std::string(kFormat) + keys_.front().id + ".");
}

}  // namespace gatehouse::upstream
