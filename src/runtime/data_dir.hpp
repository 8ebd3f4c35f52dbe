#pragma once
// Where Gatehouse keeps its state (SQLite database, keys, notes) when nothing
// names a directory, and what the operator is told when one is created.
//
// An HTTP server and the state commands (users, clients, grants, keys) use
// ./var, relative to where they run: the operator chooses that directory. A
// stdio server is started by an MCP client in whatever directory the client
// likes, so it uses one directory per user instead, as the XDG Base Directory
// Specification defines: $XDG_DATA_HOME/gatehouse, or
// ~/.local/share/gatehouse when XDG_DATA_HOME is unset, empty or relative.
// --data-dir, [server] data_dir and GATEHOUSE_SERVER_DATA_DIR always win.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace gatehouse::runtime {

// Reads an environment variable (nullptr when unset); std::getenv in the
// program, a table in tests.
using Getenv = std::function<const char*(const char*)>;

// The per-user data directory, or nullopt when neither XDG_DATA_HOME nor
// HOME says where the user's files are.
std::optional<std::filesystem::path> per_user_data_dir(const Getenv& getenv);

// Creates `dir` and its parents when missing; true when it had to. Throws
// config::ConfigError when it cannot.
bool create_data_dir(const std::filesystem::path& dir);

// One line for stderr when a command created `dir`, naming its absolute path:
// state written there is not the state of a directory used before.
std::string new_data_dir_notice(const std::filesystem::path& dir);

}  // namespace gatehouse::runtime
