#pragma once
// Secrets kept in files under the data directory: read when present,
// created (random, mode 0600, directory 0700) when not, so a restart — or
// another instance sharing the file — uses the same key.
#include <filesystem>
#include <string>

namespace gatehouse::runtime {

// The secret in `path` (base64url text of at least `bytes` random bytes).
// Throws config::ConfigError naming the file when it cannot be read or
// created, or holds too short a key.
std::string load_or_create_secret(const std::filesystem::path& path, std::size_t bytes = 32);

}  // namespace gatehouse::runtime
