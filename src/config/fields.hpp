#pragma once
// The table of keys: every [section] key of the configuration, with the
// Config member it sets, its type, its range (integers), what the operator
// is told when the type or range is wrong, and its rule (key_rules.hpp).
// The file (file.cpp), the environment (environment.cpp) and validate()
// (load.cpp) all read values through it. Also here: the names a key goes by
// ("[server] auth" in the file and in messages, GATEHOUSE_SERVER_AUTH in the
// environment) and how a message says where a value was set.
#include "config/config.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gatehouse::config {

using Member = std::variant<std::string Config::*, std::filesystem::path Config::*, bool Config::*,
                            std::size_t Config::*, std::chrono::seconds Config::*, std::chrono::milliseconds Config::*,
                            std::vector<std::string> Config::*, std::vector<std::uint16_t> Config::*>;

// The rule for a value beyond its type: "" when fine, else the message that
// follows "[section] key ".
using Check = std::string (*)(const Config&);

struct Field {
  std::string_view section;
  std::string_view key;
  Member member;
  std::string_view requirement;  // "must be ...", said when the type or range is wrong
  std::uint64_t min = 0;         // integer fields: the accepted range
  std::uint64_t max = 0;
  Check check = nullptr;
  bool check_when_loading = true;  // false: only validate() applies `check` (build features, policy)
};

inline constexpr std::uint64_t kYearSeconds = 365ull * 24 * 60 * 60;

// The sections of the file ([[backend]] tables aside), in the order
// messages list them.
inline constexpr std::array<std::string_view, 9> kSections{
    "server", "mcp", "tasks", "oauth", "upstream", "login", "login.provider", "connect", "log"};

// Every key, in the order validate() checks them.
std::span<const Field> fields();

// "[server] auth"
std::string title(const Field& f);

const Field* find_field(std::string_view section, std::string_view key);
// The first key named `key` in any section.
const Field* find_key_anywhere(std::string_view key);
bool is_section(std::string_view name);
std::vector<std::string> keys_of(std::string_view section);
// "[server], [mcp], ... and [[backend]]"
std::string sections_list();

bool is_integer(const Field& f);
// `value` is within the field's range.
void set_integer(Config& c, const Field& f, std::uint64_t value);
// "" when the integer field's current value is in range, else the message.
std::string integer_problem(const Config& c, const Field& f);

// The rule check after a value was loaded; throws with `where` in front.
void check_loaded(const Config& c, const Field& f, const std::string& where);

// Environment variables start with this.
inline constexpr std::string_view kVariablePrefix = "GATEHOUSE_";

// GATEHOUSE_<SECTION>_<KEY>, without saying the section twice ([log]
// log_level is GATEHOUSE_LOG_LEVEL).
std::string variable_name(const Field& f);

// What an error about `f` starts with: where its value was set, then the key
// ("gatehouse.toml:3: [server] auth ", "environment variable
// GATEHOUSE_SERVER_AUTH: [server] auth "), or the flag that set it ("--auth ").
std::string subject(const Config& c, const Field& f);

// `f` set to `value`, the way the operator wrote it: "--auth oauth",
// "GATEHOUSE_SERVER_AUTH=oauth", or "[server] auth = "oauth" (gatehouse.toml:3)".
std::string setting(const Config& c, const Field& f, std::string_view value, std::string_view toml_value);

}  // namespace gatehouse::config
