#include "crypto/password_hash.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/random.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>

namespace gatehouse::crypto {
namespace {

constexpr std::string_view kPrefix = "$scrypt$";
// Upper bounds for parameters read back from a stored hash, so a corrupted or
// planted value cannot make one verification allocate gigabytes or run for
// minutes. Memory follows OpenSSL's accounting (RFC 7914 §5: B is p·128·r
// bytes, V is N·128·r; OpenSSL reserves two extra blocks).
constexpr unsigned kMaxLog2N = 20;
constexpr unsigned kMaxR = 32;
constexpr unsigned kMaxP = 16;
constexpr std::uint64_t kMaxMemoryBytes = std::uint64_t{256} << 20;
constexpr std::uint64_t kMaxWork = std::uint64_t{1} << 24;  // r·p·N
constexpr std::size_t kMinSaltBytes = 8;
constexpr std::size_t kMaxSaltBytes = 64;
constexpr std::size_t kMinHashBytes = 16;
constexpr std::size_t kMaxHashBytes = 64;
constexpr std::size_t kMaxEncodedSize = 512;

bool params_acceptable(const ScryptParams& params) {
  if (params.log2_n < 1 || params.log2_n > kMaxLog2N) return false;  // RFC 7914 §2: N > 1
  if (params.r < 1 || params.r > kMaxR || params.p < 1 || params.p > kMaxP) return false;
  const std::uint64_t n = std::uint64_t{1} << params.log2_n;
  const std::uint64_t memory = 128 * std::uint64_t{params.r} * (n + 2) + 128 * std::uint64_t{params.r} * params.p;
  return memory <= kMaxMemoryBytes && std::uint64_t{params.r} * params.p * n <= kMaxWork;
}

// PHC "B64": the standard base64 alphabet (RFC 4648 §4) without padding.
// Reuses the base64url codec by swapping the two alphabet-specific symbols.
std::string phc_b64_encode(std::string_view bytes) {
  std::string out = base64url_encode(bytes);
  for (char& c : out) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  return out;
}

std::optional<std::string> phc_b64_decode(std::string_view text) {
  std::string url(text);
  for (char& c : url) {
    if (c == '-' || c == '_') return std::nullopt;  // URL alphabet is not PHC B64
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return base64url_decode(url);  // rejects '=', stray characters, non-zero spare bits
}

// Reads `name=` and a canonical decimal (no sign, no leading zero, <= 2
// digits) followed by `terminator`.
std::optional<unsigned> take_param(std::string_view& rest, std::string_view name, char terminator) {
  if (!rest.starts_with(name) || rest.size() <= name.size() || rest[name.size()] != '=') return std::nullopt;
  rest.remove_prefix(name.size() + 1);
  const auto end = rest.find(terminator);
  if (end == std::string_view::npos || end == 0 || end > 2) return std::nullopt;
  auto digits = rest.substr(0, end);
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || ptr != digits.data() + digits.size()) return std::nullopt;
  rest.remove_prefix(end + 1);
  return value;
}

struct ParsedHash {
  ScryptParams params;
  std::string salt;
  std::string hash;
};

// $scrypt$ln=<d>,r=<d>,p=<d>$<salt>$<hash>, parameters in exactly this order
// (PHC string format: parameter names and order are fixed per function).
std::optional<ParsedHash> parse(std::string_view encoded) {
  if (encoded.size() > kMaxEncodedSize || !encoded.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = encoded.substr(kPrefix.size());
  ParsedHash parsed;
  auto ln = take_param(rest, "ln", ',');
  if (!ln) return std::nullopt;
  auto r = take_param(rest, "r", ',');
  if (!r) return std::nullopt;
  auto p = take_param(rest, "p", '$');
  if (!p) return std::nullopt;
  parsed.params = {*ln, *r, *p};
  if (!params_acceptable(parsed.params)) return std::nullopt;

  const auto dollar = rest.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  auto salt = phc_b64_decode(rest.substr(0, dollar));
  auto hash = phc_b64_decode(rest.substr(dollar + 1));  // a further '$' fails the alphabet check
  if (!salt || !hash) return std::nullopt;
  if (salt->size() < kMinSaltBytes || salt->size() > kMaxSaltBytes) return std::nullopt;
  if (hash->size() < kMinHashBytes || hash->size() > kMaxHashBytes) return std::nullopt;
  parsed.salt = std::move(*salt);
  parsed.hash = std::move(*hash);
  return parsed;
}

struct KdfDeleter {
  void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
  void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};

// scrypt (RFC 7914 §6) through the OpenSSL 3 EVP_KDF interface. `out` must
// already have the wanted length.
bool derive(std::string_view password, std::string_view salt, const ScryptParams& params, std::string& out) {
  std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
  if (!kdf) return false;
  std::unique_ptr<EVP_KDF_CTX, KdfDeleter> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return false;
  // OSSL_PARAM wants non-const pointers but only reads; never pass null for
  // an empty password.
  static char empty = '\0';
  char* pass = password.empty() ? &empty : const_cast<char*>(password.data());
  char* salt_ptr = const_cast<char*>(salt.data());
  std::uint64_t n = std::uint64_t{1} << params.log2_n;
  std::uint32_t r = params.r;
  std::uint32_t p = params.p;
  // OpenSSL's default ceiling is 32 MiB; ours is checked in params_acceptable.
  std::uint64_t maxmem = kMaxMemoryBytes;
  OSSL_PARAM ossl_params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, pass, password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_ptr, salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(), ossl_params) != 1) {
    ERR_clear_error();
    return false;
  }
  return true;
}

std::string format(const ScryptParams& params, std::string_view salt, std::string_view hash) {
  std::string out(kPrefix);
  out += "ln=" + std::to_string(params.log2_n) + ",r=" + std::to_string(params.r) + ",p=" + std::to_string(params.p);
  out += '$';
  out += phc_b64_encode(salt);
  out += '$';
  out += phc_b64_encode(hash);
  return out;
}

}  // namespace

std::string hash_password(std::string_view password) { return hash_password(password, kDefaultScryptParams); }

std::string hash_password(std::string_view password, const ScryptParams& params) {
  if (!params_acceptable(params)) throw std::invalid_argument("scrypt parameters out of range");
  const std::string salt = random_bytes(kPasswordSaltBytes);
  std::string hash(kPasswordHashBytes, '\0');
  if (!derive(password, salt, params, hash)) throw std::runtime_error("scrypt is not available from OpenSSL");
  return format(params, salt, hash);
}

bool verify_password(std::string_view password, std::string_view encoded) noexcept {
  try {
    auto parsed = parse(encoded);
    if (!parsed) return false;
    std::string candidate(parsed->hash.size(), '\0');
    if (!derive(password, parsed->salt, parsed->params, candidate)) return false;
    const bool match = constant_time_equal(candidate, parsed->hash);
    OPENSSL_cleanse(candidate.data(), candidate.size());
    return match;
  } catch (...) {  // allocation failure: treat as a failed verification
    return false;
  }
}

bool needs_rehash(std::string_view encoded, const ScryptParams& current) noexcept {
  try {
    auto parsed = parse(encoded);
    return !parsed || parsed->params != current || parsed->salt.size() != kPasswordSaltBytes ||
           parsed->hash.size() != kPasswordHashBytes;
  } catch (...) {
    return true;
  }
}

}  // namespace gatehouse::crypto
