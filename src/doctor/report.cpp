#include "doctor/report.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <map>
#include <ostream>

namespace gatehouse::doctor {

namespace json = boost::json;

namespace {

constexpr std::string_view kReset = "\x1b[0m";

std::string_view group_title(std::string_view group) {
  if (group == "deploy") return "Deployment";
  if (group == "transport") return "Transport (both protocol eras)";
  if (group == "auth") return "Authorization discovery";
  if (group == "dcr") return "Dynamic client registration";
  if (group == "authorize") return "Authorization endpoint";
  if (group == "token") return "Token and revocation endpoints";
  if (group == "flow") return "The whole flow (--interactive)";
  return group;
}

std::string_view label(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass: return "PASS";
    case Verdict::warn: return "WARN";
    case Verdict::fail: return "FAIL";
    case Verdict::skip: return "SKIP";
  }
  return "SKIP";
}

std::string_view colour_of(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass: return "\x1b[32m";
    case Verdict::warn: return "\x1b[33m";
    case Verdict::fail: return "\x1b[1;31m";
    case Verdict::skip: return "\x1b[2m";
  }
  return "";
}

std::string fix_of(const CheckResult& result) {
  return result.fix.empty() ? std::string(check_info(result.id).fix) : result.fix;
}

std::map<Verdict, int> counts_of(const Report& report) {
  std::map<Verdict, int> counts{{Verdict::pass, 0}, {Verdict::warn, 0}, {Verdict::fail, 0}, {Verdict::skip, 0}};
  for (const auto& result : report.results) ++counts[result.verdict];
  return counts;
}

}  // namespace

bool Report::failed() const {
  for (const auto& result : results)
    if (result.verdict == Verdict::fail) return true;
  return false;
}

void write_table(const Report& report, const TableStyle& style, std::ostream& out) {
  auto paint = [&](Verdict verdict, std::string_view text) {
    if (!style.colour) return std::string(text);
    return std::string(colour_of(verdict)) + std::string(text) + std::string(kReset);
  };
  out << "gatehouse doctor " << report.url << "\n";
  std::string_view group;
  bool group_skipped = false;
  for (std::size_t i = 0; i < report.results.size(); ++i) {
    const CheckResult& result = report.results[i];
    const CheckInfo& info = check_info(result.id);
    if (info.group != group) {
      group = info.group;
      out << "\n" << group_title(group) << "\n";
      // A group skipped as a whole for one reason is one line.
      std::size_t count = 0;
      group_skipped = !style.verbose;
      for (std::size_t j = i; j < report.results.size() && check_info(report.results[j].id).group == group; ++j) {
        ++count;
        group_skipped = group_skipped && report.results[j].verdict == Verdict::skip &&
                        report.results[j].detail == result.detail;
      }
      if (group_skipped) {
        std::string id = std::string(group) + ".* (" + std::to_string(count) + " checks)";
        id.resize(std::max<std::size_t>(id.size(), 27), ' ');
        out << "  " << paint(Verdict::skip, label(Verdict::skip)) << "  " << id << " " << result.detail << "\n";
      }
    }
    if (group_skipped) continue;
    std::string id(info.id);
    id.resize(std::max<std::size_t>(id.size(), 27), ' ');
    out << "  " << paint(result.verdict, label(result.verdict)) << "  " << id << " " << result.detail << "\n";
    const bool problem = result.verdict == Verdict::fail || result.verdict == Verdict::warn;
    if (problem || (style.verbose && result.verdict == Verdict::pass))
      for (const auto& line : result.evidence) out << "        | " << line << "\n";
    if (problem) {
      out << "        fix: " << fix_of(result) << "\n";
      out << "        see: " << info.see << "\n";
    }
  }
  auto counts = counts_of(report);
  out << "\nClaude's auth type: " << report.claude_auth_type << "\n";
  out << "Result: " << paint(report.failed() ? Verdict::fail : Verdict::pass, report.failed() ? "FAIL" : "PASS") << " — "
      << counts[Verdict::fail] << " failed, " << counts[Verdict::warn] << " warnings, " << counts[Verdict::pass]
      << " passed, " << counts[Verdict::skip] << " skipped\n";
}

void write_json(const Report& report, std::ostream& out) {
  auto counts = counts_of(report);
  json::array checks;
  for (const auto& result : report.results) {
    const CheckInfo& info = check_info(result.id);
    json::array evidence;
    for (const auto& line : result.evidence) evidence.emplace_back(line);
    json::object check{{"id", info.id},
                       {"group", info.group},
                       {"title", info.title},
                       {"verdict", to_string(result.verdict)},
                       {"detail", result.detail},
                       {"evidence", std::move(evidence)}};
    if (result.verdict == Verdict::fail || result.verdict == Verdict::warn) check["fix"] = fix_of(result);
    check["see"] = info.see;
    checks.emplace_back(std::move(check));
  }
  json::object document{{"url", report.url},
                        {"result", report.failed() ? "fail" : "pass"},
                        {"claude_auth_type", report.claude_auth_type},
                        {"counts", json::object{{"pass", counts[Verdict::pass]},
                                                {"warn", counts[Verdict::warn]},
                                                {"fail", counts[Verdict::fail]},
                                                {"skip", counts[Verdict::skip]}}},
                        {"checks", std::move(checks)}};
  out << json::serialize(document) << "\n";
}

void write_json_error(const std::string& url, const std::string& error, std::ostream& out) {
  out << json::serialize(json::object{{"url", url}, {"result", "error"}, {"error", error}}) << "\n";
}

}  // namespace gatehouse::doctor
