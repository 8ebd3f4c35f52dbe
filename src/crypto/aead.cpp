#include "crypto/aead.hpp"

#include "crypto/openssl_owned.hpp"
#include "crypto/random.hpp"

#include <climits>
#include <stdexcept>

namespace gatehouse::crypto {

namespace {

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

int length(std::string_view s) {
  if (s.size() > static_cast<std::size_t>(INT_MAX)) throw std::length_error("value too large to seal");
  return static_cast<int>(s.size());
}

}  // namespace

std::string aead_seal(std::string_view key, std::string_view associated_data, std::string_view plaintext) {
  if (key.size() != kAeadKeyBytes) throw std::invalid_argument("AES-256-GCM needs a 32-byte key");
  const std::string nonce = random_bytes(kAeadNonceBytes);
  Owned<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(nonce)) != 1)
    throw std::runtime_error("AES-256-GCM is not available");
  std::string out(kAeadNonceBytes + plaintext.size() + kAeadTagBytes, '\0');
  std::copy(nonce.begin(), nonce.end(), out.begin());
  auto* cipher = reinterpret_cast<unsigned char*>(out.data()) + kAeadNonceBytes;
  int n = 0;
  if (!associated_data.empty() &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(associated_data), length(associated_data)) != 1)
    throw std::runtime_error("AES-256-GCM failed");
  int written = 0;
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), cipher, &written, bytes(plaintext), length(plaintext)) != 1)
    throw std::runtime_error("AES-256-GCM failed");
  if (EVP_EncryptFinal_ex(ctx.get(), cipher + written, &n) != 1) throw std::runtime_error("AES-256-GCM failed");
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kAeadTagBytes),
                          cipher + plaintext.size()) != 1)
    throw std::runtime_error("AES-256-GCM failed");
  return out;
}

std::optional<std::string> aead_open(std::string_view key, std::string_view associated_data, std::string_view sealed) {
  if (key.size() != kAeadKeyBytes || sealed.size() < kAeadNonceBytes + kAeadTagBytes) return std::nullopt;
  const auto nonce = sealed.substr(0, kAeadNonceBytes);
  const auto cipher = sealed.substr(kAeadNonceBytes, sealed.size() - kAeadNonceBytes - kAeadTagBytes);
  std::string tag(sealed.substr(sealed.size() - kAeadTagBytes));
  Owned<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(nonce)) != 1)
    return std::nullopt;
  int n = 0;
  if (!associated_data.empty() &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(associated_data), length(associated_data)) != 1)
    return std::nullopt;
  std::string plain(cipher.size(), '\0');
  int written = 0;
  if (!cipher.empty() &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &written, bytes(cipher),
                        length(cipher)) != 1)
    return std::nullopt;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kAeadTagBytes), tag.data()) != 1)
    return std::nullopt;
  // The tag is checked here: nothing decrypted is returned unless it matches.
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + written, &n) != 1)
    return std::nullopt;
  return plain;
}

}  // namespace gatehouse::crypto
