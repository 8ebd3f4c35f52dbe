#include "runtime/secret_file.hpp"

#include "config/load.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "file/durable_file.hpp"

#include <spdlog/spdlog.h>

#include <sys/stat.h>

namespace gatehouse::runtime {

namespace fs = std::filesystem;

namespace {

std::string read_secret(const fs::path& path, std::size_t bytes) {
  std::optional<std::string> content;
  try {
    content = file::read_if_exists(path);
  } catch (const file::FileError& e) {
    throw config::ConfigError(std::string("cannot read the key file: ") + e.what());
  }
  if (!content) throw config::ConfigError("cannot read the key file " + path.string() + ": it does not exist");
  std::string text = std::move(*content);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  auto key = crypto::base64url_decode(text);
  if (!key || key->size() < bytes)
    throw config::ConfigError("the key file " + path.string() + " must hold at least " + std::to_string(bytes) +
                              " random bytes as base64url text; delete it to have a new one created");
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
    spdlog::warn("the key file {} is readable by other users; chmod 600 it", path.string());
  return *key;
}

}  // namespace

std::string load_or_create_secret(const fs::path& path, std::size_t bytes) {
  if (fs::exists(path)) return read_secret(path, bytes);
  auto secret = crypto::random_bytes(bytes);
  auto text = crypto::base64url_encode(secret) + "\n";
  try {
    if (!path.parent_path().empty()) file::make_private_directory(path.parent_path());
    // H4: the key appears whole or not at all (a short key file would stop
    // every later start). When two processes start at once, one creates and
    // the other reads the winner's key.
    if (!file::create_atomically(path, text, 0600)) return read_secret(path, bytes);
  } catch (const file::FileError& e) {
    throw config::ConfigError(std::string("cannot create the key file: ") + e.what());
  }
  spdlog::info("created key file {}", path.string());
  return secret;
}

}  // namespace gatehouse::runtime
