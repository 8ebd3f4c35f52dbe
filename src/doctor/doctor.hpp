#pragma once
// `gatehouse doctor URL`: the requests Claude's connector makes, made
// against any remote MCP server, and what would break (docs/doctor.md).
#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace gatehouse::doctor {

struct Options {
  std::string url;
  bool json = false;
  bool verbose = false;
  bool interactive = false;
  // --insecure-dev: http and local addresses are probed; the deployment
  // rules only Claude's infrastructure imposes then warn.
  bool insecure_dev = false;
  std::vector<std::filesystem::path> ca_files;
  std::string client_id;      // --client-id; "" : the client Claude would use
  std::string client_secret;  // GATEHOUSE_DOCTOR_CLIENT_SECRET
  std::chrono::milliseconds timeout{10000};
  // How long --interactive waits for the browser to come back.
  std::chrono::seconds sign_in_wait{300};
  bool colour = false;    // ANSI colours in the table
  bool progress = false;  // a progress line on `err` while probing
};

// Exit codes (docs/doctor.md).
inline constexpr int kPassed = 0;
inline constexpr int kFailed = 1;
inline constexpr int kCouldNotRun = 2;

// Runs every check and writes the report to `out` (a table, or JSON);
// prompts and progress go to `err`. Returns the exit code.
int run(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace gatehouse::doctor
