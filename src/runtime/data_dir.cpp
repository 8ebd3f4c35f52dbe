#include "runtime/data_dir.hpp"

#include "config/load.hpp"

#include <system_error>

namespace gatehouse::runtime {

std::optional<std::filesystem::path> per_user_data_dir(const Getenv& getenv) {
  // XDG Base Directory Specification: "If $XDG_DATA_HOME is either not set or
  // empty, a default equal to $HOME/.local/share should be used", and a
  // relative path in it is invalid and ignored.
  if (const char* xdg = getenv("XDG_DATA_HOME"); xdg && *xdg && std::filesystem::path(xdg).is_absolute())
    return std::filesystem::path(xdg) / "gatehouse";
  if (const char* home = getenv("HOME"); home && *home && std::filesystem::path(home).is_absolute())
    return std::filesystem::path(home) / ".local" / "share" / "gatehouse";
  return std::nullopt;
}

bool create_data_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return false;
  bool created = std::filesystem::create_directories(dir, ec);
  if (ec) throw config::ConfigError("cannot create the data directory " + dir.string() + ": " + ec.message());
  return created;
}

std::string new_data_dir_notice(const std::filesystem::path& dir) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(dir, ec);
  return "gatehouse: created a new, empty data directory " + (ec ? dir : absolute.lexically_normal()).string() +
         " (no accounts, clients or keys from elsewhere are in it; pass --data-dir to use an existing one)";
}

}  // namespace gatehouse::runtime
