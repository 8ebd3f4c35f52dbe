#include "config/environment.hpp"

#include "config/fields.hpp"
#include "config/load.hpp"
#include "config/spelling.hpp"
#include "config/text.hpp"
#include "net/quote.hpp"
#include "net/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>

namespace gatehouse::config {

namespace {

using namespace std::string_view_literals;

using net::lower;
using net::quote;

// Variables of the repository's scripts and tests, not configuration.
constexpr std::array kToolingVariables{"GATEHOUSE_BIN"sv, "GATEHOUSE_SKIP_APT"sv, "GATEHOUSE_SKIP_NPM"sv};
// Secrets read where they are used, never as configuration values
// (upstream/vault_keys.hpp; [login.provider] client_secret_env).
constexpr std::array kSecretVariables{"GATEHOUSE_SECRET_KEY"sv, "GATEHOUSE_SECRET_KEY_PREVIOUS"sv};

const Field* find_variable(std::string_view name) {
  for (const auto& f : fields())
    if (variable_name(f) == name) return &f;
  return nullptr;
}

std::string unknown_variable(std::string_view name) {
  std::string out = "unknown environment variable " + std::string(name);
  const std::string_view tail = name.substr(kVariablePrefix.size());
  // Besides typos, catch a right key under a missing or wrong section:
  // GATEHOUSE_LISTEN, GATEHOUSE_MCP_LISTEN, GATEHOUSE_LOG_LOG_LEVEL.
  const auto underscore = tail.find('_');
  const std::string_view after_section = underscore == std::string_view::npos ? tail : tail.substr(underscore + 1);
  const Field* best = nullptr;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& f : fields()) {
    const std::string full = variable_name(f);
    const std::string_view candidate_tail = std::string_view(full).substr(kVariablePrefix.size());
    const std::string_view candidate_key = candidate_tail.substr(candidate_tail.find('_') + 1);
    const std::string key = upper(f.key);
    const std::pair<std::string_view, std::string_view> comparisons[] = {
        {tail, candidate_tail}, {tail, key}, {tail, candidate_key}, {after_section, key}, {after_section, candidate_key}};
    for (auto [word, candidate] : comparisons) {
      auto d = edit_distance(word, candidate);
      if (d <= typo_budget(candidate) && d < best_distance) {
        best = &f;
        best_distance = d;
      }
    }
  }
  if (best) return out + "; did you mean " + variable_name(*best) + "?";
  std::vector<std::string> names;
  for (const auto& f : fields()) names.push_back(variable_name(f));
  return out + "; unset it, or use one of " + join_and(names);
}

// A list in an environment variable: comma-separated, items trimmed, empty
// items dropped ("a, b,,c" is a, b and c).
std::vector<std::string_view> comma_items(std::string_view value) {
  std::vector<std::string_view> items;
  while (!value.empty()) {
    auto comma = value.find(',');
    if (auto item = trim(value.substr(0, comma)); !item.empty()) items.push_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return items;
}

void apply_variable(Config& c, const Field& f, std::string_view name, std::string_view raw) {
  const std::string where = "environment variable " + std::string(name) + ": ";
  const std::string_view value = trim(raw);
  auto wrong = [&](std::string_view requirement) {
    throw ConfigError(where + title(f) + " " + std::string(requirement) + ", got " + quote(value));
  };
  if (auto m = std::get_if<std::string Config::*>(&f.member)) {
    c.*(*m) = std::string(value);
  } else if (auto m = std::get_if<std::filesystem::path Config::*>(&f.member)) {
    c.*(*m) = std::filesystem::path(std::string(value));
  } else if (auto m = std::get_if<bool Config::*>(&f.member)) {
    const std::string v = lower(value);
    if (v == "true" || v == "1" || v == "yes")
      c.*(*m) = true;
    else if (v == "false" || v == "0" || v == "no")
      c.*(*m) = false;
    else
      wrong("must be true, false, 1, 0, yes or no");
  } else if (auto m = std::get_if<std::vector<std::string> Config::*>(&f.member)) {
    std::vector<std::string> items;
    for (auto item : comma_items(value)) items.emplace_back(item);
    c.*(*m) = std::move(items);
  } else if (auto m = std::get_if<std::vector<std::uint16_t> Config::*>(&f.member)) {
    std::vector<std::uint16_t> ports;
    for (auto item : comma_items(value)) {
      unsigned port = 0;
      auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), port);
      if (!all_digits(item) || ec != std::errc{} || end != item.data() + item.size() || port < 1 || port > 65535)
        wrong("must be comma-separated port numbers from 1 to 65535, e.g. 443,8443");
      ports.push_back(static_cast<std::uint16_t>(port));
    }
    c.*(*m) = std::move(ports);
  } else {  // integers
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (!all_digits(value) || ec != std::errc{} || end != value.data() + value.size() || number < f.min ||
        number > f.max)
      wrong(f.requirement);
    set_integer(c, f, number);
  }
  c.sources[title(f)] = "environment variable " + std::string(name);
  check_loaded(c, f, where);
}

}  // namespace

void apply_variables(Config& config, const std::vector<std::string>& environment) {
  for (const auto& entry : environment) {
    auto equals = entry.find('=');
    if (equals == std::string::npos) continue;
    std::string_view name = std::string_view(entry).substr(0, equals);
    if (!name.starts_with(kVariablePrefix)) continue;
    if (std::find(kToolingVariables.begin(), kToolingVariables.end(), name) != kToolingVariables.end()) continue;
    if (std::find(kSecretVariables.begin(), kSecretVariables.end(), name) != kSecretVariables.end()) continue;
    if (name == config.provider_client_secret_env) continue;
    const Field* field = find_variable(name);
    if (!field) throw ConfigError(unknown_variable(name));
    apply_variable(config, *field, name, std::string_view(entry).substr(equals + 1));
  }
}

}  // namespace gatehouse::config
