#pragma once
// Reading a TOML configuration file into a Config: the file's syntax (what
// TOML allows and what toml++ can be trusted with), its sections and keys
// through the table of keys (fields.hpp), [[backend]] and [[connect.field]]
// tables, and the messages naming the file and line of a mistake. The public
// entry points are apply_file and apply_text (load.hpp).
#include "config/config.hpp"

#include <filesystem>
#include <string_view>

namespace gatehouse::config {

// apply_file (load.hpp): reads `file` and applies it onto `config`.
void apply_toml_file(Config& config, const std::filesystem::path& file);

// apply_text (load.hpp): `file` is only named in errors and anchors relative
// paths.
void apply_toml_text(Config& config, std::string_view text, const std::filesystem::path& file);

}  // namespace gatehouse::config
