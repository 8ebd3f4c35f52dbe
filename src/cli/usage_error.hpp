#pragma once
// What is wrong with a command line, said the way an operator can act on it:
//
//   unknown command 'user'; did you mean 'users'?
//   'gatehouse NAME' is planned but not available in this build yet; the commands are serve, users, ...
//     (for a command CommandSpec::planned names: announced, not built)
//   unknown option '--lisen' for 'gatehouse serve'; did you mean '--listen'?
//   'gatehouse users' needs a command: add, passwd, remove or list
//   'gatehouse doctor' needs URL (the MCP URL Claude would be given)
//
// The command line parser (app/main.cpp, CLI11) describes its commands as a
// CommandSpec; diagnose() is consulted only after the parser refused the
// arguments, so a valid command line never reaches it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::cli {

struct OptionSpec {
  std::vector<std::string> names;  // "--listen", "-h"
  bool takes_value = false;        // "--listen 127.0.0.1:8080" (false: a flag)
};

struct CommandSpec {
  std::string name;  // "gatehouse", "serve", "add"
  std::vector<OptionSpec> options;
  std::size_t positionals = 0;  // arguments that are not options ("users add NAME": 1)
  // The required ones, in order, as "URL (the MCP URL ...)": what a command
  // line that stops short is told it lacks.
  std::vector<std::string> required;
  std::vector<CommandSpec> commands;
  // Commands announced in the documentation but not built yet (docs/status.md).
  std::vector<std::string> planned;
};

// The first problem in `args` (argv without the program name), or nullopt
// when none is recognised (the parser's own message is then used).
std::optional<std::string> diagnose(const CommandSpec& root, const std::vector<std::string>& args);

}  // namespace gatehouse::cli
