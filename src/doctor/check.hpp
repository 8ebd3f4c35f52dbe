#pragma once
// What one doctor check found. The checks themselves (id, title, fix, the
// specification they come from) are listed once, in catalogue.cpp; a result
// names its check by id. docs/doctor.md is the same list for people.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::doctor {

enum class Verdict { pass, warn, fail, skip };
std::string_view to_string(Verdict verdict);

struct CheckInfo {
  std::string_view id;     // "auth.prm_resource"
  std::string_view group;  // "deploy", "transport", "auth", "dcr", "authorize", "token", "flow"
  std::string_view title;  // what passing means, for the table
  std::string_view fix;    // how to fix a failure or warning
  std::string_view see;    // the specification: "RFC 9728 §3.3; INTEROP RS5"
};

// Every check, in the order they are reported.
std::span<const CheckInfo> catalogue();
// The check named `id`; throws std::logic_error for an unknown id (a
// programming error: results only name catalogued checks).
const CheckInfo& check_info(std::string_view id);

struct CheckResult {
  std::string id;
  Verdict verdict = Verdict::skip;
  std::string detail;                 // one line: what was seen
  std::vector<std::string> evidence;  // requests and the relevant answers, secrets masked
  std::string fix;                    // a fix for this case; empty: the catalogue's
};

}  // namespace gatehouse::doctor
