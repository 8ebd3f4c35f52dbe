#include "cli/usage_error.hpp"

#include <gtest/gtest.h>

namespace gatehouse::cli {
namespace {

// The shape of app/main.cpp's command line.
CommandSpec gatehouse_spec() {
  const OptionSpec help{{"--help", "-h"}, false};
  const OptionSpec config{{"--config"}, true};
  const OptionSpec data_dir{{"--data-dir"}, true};
  auto state = [&](std::string name, std::size_t positionals, std::vector<OptionSpec> extra = {}) {
    CommandSpec c{.name = std::move(name), .options = {help, config, data_dir}, .positionals = positionals};
    for (auto& o : extra) c.options.push_back(std::move(o));
    return c;
  };
  CommandSpec serve{.name = "serve",
                    .options = {help, config, {{"--listen"}, true}, {{"--data-dir"}, true}, {{"--auth"}, true},
                                {{"--stdio"}, false}, {{"--backend"}, true}}};
  CommandSpec users{.name = "users",
                    .options = {help},
                    .commands = {state("add", 1, {{{"--password-stdin"}, false}}), state("passwd", 1),
                                 state("remove", 1), state("list", 0)}};
  CommandSpec clients{.name = "clients", .options = {help}, .commands = {state("add", 1), state("list", 0)}};
  CommandSpec doctor{.name = "doctor",
                     .options = {help, {{"--json"}, false}},
                     .positionals = 1,
                     .required = {"URL (the MCP URL)"}};
  return CommandSpec{.name = "gatehouse",
                     .options = {help, {{"--version"}, false}},
                     .commands = {serve, users, clients, doctor},
                     .planned = {"mirror"}};
}

std::string diagnosis(std::vector<std::string> args) {
  return diagnose(gatehouse_spec(), args).value_or("<none>");
}

TEST(OperatorExperience, UnknownCommandsAreNamedWithTheClosestOne) {
  EXPECT_EQ(diagnosis({"user", "add", "bob"}), "unknown command 'user'; did you mean 'users'?");
  EXPECT_EQ(diagnosis({"srve"}), "unknown command 'srve'; did you mean 'serve'?");
  EXPECT_EQ(diagnosis({"users", "ad", "bob"}), "unknown command 'ad' for 'gatehouse users'; did you mean 'add'?");
  EXPECT_EQ(diagnosis({"add", "bob"}), "unknown command 'add'; did you mean 'gatehouse users add'?");
  EXPECT_EQ(diagnosis({"frobnicate"}),
            "unknown command 'frobnicate'; the commands are serve, users, clients or doctor ('gatehouse --help' says what each "
            "does)");
}

TEST(OperatorExperience, PlannedCommandsAreNotCalledUnknown) {
  EXPECT_EQ(diagnosis({"mirror"}),
            "'gatehouse mirror' is planned but not available in this build yet; the commands are serve, users, "
            "clients or doctor ('gatehouse --help' says what each does)");
}

TEST(OperatorExperience, MissingCommandsListTheChoices) {
  EXPECT_EQ(diagnosis({}), "'gatehouse' needs a command: serve, users, clients or doctor ('gatehouse --help' says what each does)");
  EXPECT_EQ(diagnosis({"users", "--data-dir", "x"}).substr(0, 20), "unknown option '--da");
  EXPECT_EQ(diagnosis({"users"}),
            "'gatehouse users' needs a command: add, passwd, remove or list ('gatehouse users --help' says what each "
            "does)");
}

TEST(OperatorExperience, AMissingRequiredArgumentIsNamed) {
  EXPECT_EQ(diagnosis({"doctor", "--json"}),
            "'gatehouse doctor' needs URL (the MCP URL); 'gatehouse doctor --help' says what it takes");
  EXPECT_EQ(diagnosis({"doctor", "https://h/mcp", "--json"}), "<none>");
}

TEST(OperatorExperience, UnknownOptionsAreNamedWithTheClosestOne) {
  EXPECT_EQ(diagnosis({"serve", "--lisen", "127.0.0.1:1"}),
            "unknown option '--lisen' for 'gatehouse serve'; did you mean '--listen'?");
  EXPECT_EQ(diagnosis({"serve", "--stdoi"}), "unknown option '--stdoi' for 'gatehouse serve'; did you mean '--stdio'?");
  EXPECT_EQ(diagnosis({"serve", "-listen=127.0.0.1:1"}),
            "unknown option '-listen' for 'gatehouse serve'; did you mean '--listen'?");
  EXPECT_EQ(diagnosis({"users", "add", "bob", "--password-stdn"}),
            "unknown option '--password-stdn' for 'gatehouse users add'; did you mean '--password-stdin'?");
  EXPECT_EQ(diagnosis({"--data-dir", "x", "users", "list"}),
            "unknown option '--data-dir' for 'gatehouse'; it is an option of 'gatehouse serve, gatehouse users add, "
            "gatehouse users passwd, gatehouse users remove, gatehouse users list, gatehouse clients add or gatehouse "
            "clients list'");
  EXPECT_EQ(diagnosis({"serve", "--zzzzzzzz"}),
            "unknown option '--zzzzzzzz' for 'gatehouse serve'; 'gatehouse serve --help' lists its options");
}

TEST(OperatorExperience, ExtraArgumentsAreNamed) {
  EXPECT_EQ(diagnosis({"users", "add", "bob", "carol"}),
            "unexpected argument 'carol' for 'gatehouse users add'; 'gatehouse users add --help' says what it takes");
  EXPECT_EQ(diagnosis({"serve", "8080"}),
            "unexpected argument '8080' for 'gatehouse serve'; 'gatehouse serve --help' says what it takes");
}

TEST(OperatorExperience, ValidCommandLinesHaveNoDiagnosis) {
  EXPECT_EQ(diagnosis({"serve", "--listen", "127.0.0.1:0", "--stdio", "--auth=none"}), "<none>");
  EXPECT_EQ(diagnosis({"users", "add", "bob", "--password-stdin", "--data-dir", "/tmp/x"}), "<none>");
  EXPECT_EQ(diagnosis({"serve", "--", "--anything"}), "<none>");
}

}  // namespace
}  // namespace gatehouse::cli
