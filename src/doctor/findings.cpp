#include "doctor/findings.hpp"

namespace gatehouse::doctor {

void Findings::set(std::string_view id, Verdict verdict, std::string detail, std::vector<std::string> evidence,
                   std::string fix) {
  check_info(id);  // a result names a catalogued check
  auto& result = results_[std::string(id)];
  result.id = std::string(id);
  result.verdict = verdict;
  result.detail = std::move(detail);
  result.evidence = std::move(evidence);
  result.fix = std::move(fix);
  if (on_result) on_result(id);
}

void Findings::pass(std::string_view id, std::string detail, std::vector<std::string> evidence) {
  set(id, Verdict::pass, std::move(detail), std::move(evidence));
}

void Findings::warn(std::string_view id, std::string detail, std::vector<std::string> evidence, std::string fix) {
  set(id, Verdict::warn, std::move(detail), std::move(evidence), std::move(fix));
}

void Findings::fail(std::string_view id, std::string detail, std::vector<std::string> evidence, std::string fix) {
  set(id, Verdict::fail, std::move(detail), std::move(evidence), std::move(fix));
}

void Findings::skip(std::string_view id, std::string reason) { set(id, Verdict::skip, std::move(reason)); }

void Findings::skip_group(std::string_view group, const std::string& reason) {
  for (const auto& check : catalogue())
    if (check.group == group && !find(check.id)) skip(check.id, reason);
}

const CheckResult* Findings::find(std::string_view id) const {
  auto it = results_.find(id);
  return it == results_.end() ? nullptr : &it->second;
}

std::vector<CheckResult> Findings::results(const std::string& unreached) const {
  std::vector<CheckResult> out;
  for (const auto& check : catalogue()) {
    if (auto* result = find(check.id)) {
      out.push_back(*result);
    } else {
      out.push_back(CheckResult{std::string(check.id), Verdict::skip, unreached, {}, {}});
    }
  }
  return out;
}

}  // namespace gatehouse::doctor
