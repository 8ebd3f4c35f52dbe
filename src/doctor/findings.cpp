#include "doctor/findings.hpp"

#include <algorithm>

namespace gatehouse::doctor {

namespace {

constexpr std::size_t kMaxLine = 400;

// The length of the well-formed UTF-8 sequence at the start of `s`
// (RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF),
// or 0.
std::size_t utf8_sequence(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto continuation = [&](std::size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  const unsigned char lead = b(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (lead == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (lead == 0xED && b(1) > 0x9F) return 0;  // surrogates
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (lead == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (lead == 0xF4 && b(1) > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// Text from the server examined goes to a terminal and into JSON: every
// control character (line breaks, and ESC, which would start a terminal
// escape sequence) is shown as a space, runs of spaces are collapsed,
// malformed UTF-8 becomes U+FFFD, and a line is capped.
std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(std::min(text.size(), kMaxLine) + 8);
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f || byte == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      ++i;
    } else if (std::size_t n = utf8_sequence(text.substr(i)); n > 0) {
      // C1 controls (U+0080-U+009F) are terminal controls too.
      if (n == 2 && byte == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out.append(text.substr(i, n));
      }
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
    if (out.size() >= kMaxLine) {
      if (i < text.size()) out += "…";
      break;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

void Findings::set(std::string_view id, Verdict verdict, std::string detail, std::vector<std::string> evidence,
                   std::string fix) {
  check_info(id);  // a result names a catalogued check
  auto& result = results_[std::string(id)];
  result.id = std::string(id);
  result.verdict = verdict;
  result.detail = one_line(detail);
  result.evidence.clear();
  for (const auto& line : evidence) result.evidence.push_back(one_line(line));
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
