#include "runtime/secret_file.hpp"

#include "config/load.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace gatehouse::runtime {

namespace fs = std::filesystem;

namespace {

std::string read_secret(const fs::path& path, std::size_t bytes) {
  std::ifstream in(path);
  if (!in) throw config::ConfigError("cannot read the key file " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
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
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) throw config::ConfigError("cannot create " + path.parent_path().string() + " for a key file: " + ec.message());
  fs::permissions(path.parent_path(), fs::perms::owner_all, fs::perm_options::replace, ec);
  auto secret = crypto::random_bytes(bytes);
  auto text = crypto::base64url_encode(secret) + "\n";
  // O_EXCL: when two processes start at once, one creates and the other reads.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return read_secret(path, bytes);
    throw config::ConfigError("cannot create the key file " + path.string() + ": " + std::strerror(errno));
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw config::ConfigError("cannot write the key file " + path.string());
  spdlog::info("created key file {}", path.string());
  return secret;
}

}  // namespace gatehouse::runtime
