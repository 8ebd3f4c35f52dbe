#include "cli/usage_error.hpp"

#include "config/spelling.hpp"

#include <algorithm>

namespace gatehouse::cli {

namespace {

// "a, b or c"
std::string join_or(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

std::vector<std::string> command_names(const CommandSpec& command) {
  std::vector<std::string> names;
  for (const auto& c : command.commands) names.push_back(c.name);
  return names;
}

const OptionSpec* find_option(const CommandSpec& command, std::string_view name) {
  for (const auto& option : command.options)
    if (std::find(option.names.begin(), option.names.end(), name) != option.names.end()) return &option;
  return nullptr;
}

// The commands below `command` (itself included) that take option `name`,
// as "gatehouse users add".
void commands_with_option(const CommandSpec& command, const std::string& path, std::string_view name,
                          std::vector<std::string>& out) {
  if (find_option(command, name)) out.push_back(path);
  for (const auto& sub : command.commands) commands_with_option(sub, path + " " + sub.name, name, out);
}

std::string unknown_option(const CommandSpec& root, const CommandSpec& command, const std::string& path,
                           std::string_view name) {
  std::string out = "unknown option '" + std::string(name) + "' for '" + path + "'";
  std::vector<std::string> long_names;
  for (const auto& option : command.options)
    for (const auto& n : option.names)
      if (n.starts_with("--")) long_names.push_back(n);
  // Compare without the dashes: "-listen" and "listen" are typos of "--listen" too.
  std::vector<std::string> bare;
  for (const auto& n : long_names) bare.push_back(n.substr(2));
  std::string_view word = name;
  while (word.starts_with('-')) word.remove_prefix(1);
  if (auto suggestion = config::closest(word, bare)) return out + "; did you mean '--" + *suggestion + "'?";
  std::vector<std::string> elsewhere;
  commands_with_option(root, root.name, name, elsewhere);
  if (!elsewhere.empty()) return out + "; it is an option of '" + join_or(elsewhere) + "'";
  return out + "; '" + path + " --help' lists its options";
}

std::string unknown_command(const CommandSpec& command, const std::string& path, std::string_view word) {
  const auto names = command_names(command);
  const std::string list = "; the commands are " + join_or(names) + " ('" + path + " --help' says what each does)";
  if (std::find(command.planned.begin(), command.planned.end(), word) != command.planned.end())
    return "'" + path + " " + std::string(word) + "' is planned but not available in this build yet" + list;
  std::string out = "unknown command '" + std::string(word) + "'";
  if (path.find(' ') != std::string::npos) out += " for '" + path + "'";
  if (auto suggestion = config::closest(word, names)) return out + "; did you mean '" + *suggestion + "'?";
  // "gatehouse add alice": the command exists one level down.
  for (const auto& sub : command.commands)
    for (const auto& leaf : sub.commands)
      if (leaf.name == word) return out + "; did you mean '" + path + " " + sub.name + " " + leaf.name + "'?";
  return out + list;
}

}  // namespace

std::optional<std::string> diagnose(const CommandSpec& root, const std::vector<std::string>& args) {
  const CommandSpec* command = &root;
  std::string path = root.name;
  std::size_t positionals = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (arg.size() > 1 && arg.front() == '-') {
      std::string_view name = arg;
      bool inline_value = false;
      if (auto eq = name.find('='); eq != std::string_view::npos) {
        name = name.substr(0, eq);
        inline_value = true;
      }
      const OptionSpec* option = find_option(*command, name);
      if (!option) return unknown_option(root, *command, path, name);
      if (option->takes_value && !inline_value) ++i;
      continue;
    }
    if (!command->commands.empty()) {
      auto it = std::find_if(command->commands.begin(), command->commands.end(),
                             [&](const CommandSpec& c) { return c.name == arg; });
      if (it == command->commands.end()) return unknown_command(*command, path, arg);
      command = &*it;
      path += " " + arg;
      positionals = 0;
      continue;
    }
    if (++positionals > command->positionals)
      return "unexpected argument '" + arg + "' for '" + path + "'; '" + path + " --help' says what it takes";
  }
  if (!command->commands.empty())
    return "'" + path + "' needs a command: " + join_or(command_names(*command)) + " ('" + path +
           " --help' says what each does)";
  if (positionals < command->required.size())
    return "'" + path + "' needs " + command->required[positionals] + "; '" + path + " --help' says what it takes";
  return std::nullopt;
}

}  // namespace gatehouse::cli
