#pragma once
// The results of one doctor run, one per catalogued check. A check that no
// stage reached is reported as skipped with the reason given when the run
// ends.
#include "doctor/check.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace gatehouse::doctor {

class Findings {
 public:
  // Called with a check id as each result is recorded (the progress line).
  std::function<void(std::string_view id)> on_result;

  // Records (or replaces) the result of check `id`.
  void set(std::string_view id, Verdict verdict, std::string detail, std::vector<std::string> evidence = {},
           std::string fix = {});
  void pass(std::string_view id, std::string detail, std::vector<std::string> evidence = {});
  void warn(std::string_view id, std::string detail, std::vector<std::string> evidence = {}, std::string fix = {});
  void fail(std::string_view id, std::string detail, std::vector<std::string> evidence = {}, std::string fix = {});
  void skip(std::string_view id, std::string reason);
  // Skips every check of `group` that has no result yet.
  void skip_group(std::string_view group, const std::string& reason);

  const CheckResult* find(std::string_view id) const;
  // Every catalogued check in catalogue order; those without a result are
  // skipped with `unreached`.
  std::vector<CheckResult> results(const std::string& unreached) const;

 private:
  std::map<std::string, CheckResult, std::less<>> results_;
};

}  // namespace gatehouse::doctor
