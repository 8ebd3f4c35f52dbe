#include "mcp/schema/pattern.hpp"

#include "mcp/schema/utf8.hpp"

#include <exception>
#include <string>

namespace gatehouse::mcp {
namespace {

// Bytes and group nesting of a pattern we agree to compile: libstdc++'s
// regex compiler recurses once per term and once per nested group.
constexpr std::size_t kMaxPatternLength = 2048;
constexpr int kMaxPatternGroupDepth = 64;
// Digits of a repetition bound or back-reference number (see pattern_is_compilable).
constexpr std::size_t kMaxPatternNumberDigits = 9;

// std::wregex over code points gives `.`, `{n}` and character ranges the
// per-character meaning patterns have in ECMA-262 (wchar_t is UTF-32 on the
// platforms we ship; UTF-16 elsewhere is the best available).
std::wstring to_wide(std::string_view s) {
  std::wstring out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char32_t cp = schema::next_code_point(s, i);
    if constexpr (sizeof(wchar_t) >= 4) {
      out.push_back(static_cast<wchar_t>(cp));
    } else if (cp >= 0x10000) {
      out.push_back(static_cast<wchar_t>(0xD800 + ((cp - 0x10000) >> 10)));
      out.push_back(static_cast<wchar_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<wchar_t>(cp));
    }
  }
  return out;
}

// The digits starting at p[i].
std::size_t digits_at(std::string_view p, std::size_t i) {
  std::size_t n = 0;
  while (i + n < p.size() && p[i + n] >= '0' && p[i + n] <= '9') ++n;
  return n;
}

// Rejects patterns the regex compiler could overflow the stack on. Group
// depth is counted outside character classes and escapes. libstdc++ 12
// also reads a repetition bound ({n,m}) or a back-reference (\n) into a
// long without an overflow check (regex_compiler.tcc _M_cur_int_value:
// undefined behaviour; found by the json_schema fuzzer), so those numbers
// are limited to kMaxPatternNumberDigits digits.
bool pattern_is_compilable(std::string_view p) {
  if (p.size() > kMaxPatternLength) return false;
  int depth = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (digits_at(p, i + 1) > kMaxPatternNumberDigits) return false;
      ++i;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
    } else if (c == '{') {
      for (std::size_t j = i + 1; j < p.size() && (p[j] == ',' || (p[j] >= '0' && p[j] <= '9')); ++j)
        if (digits_at(p, j) > kMaxPatternNumberDigits) return false;
    } else if (c == '(') {
      if (++depth > kMaxPatternGroupDepth) return false;
    } else if (c == ')' && depth > 0) {
      --depth;
    }
  }
  return true;
}

}  // namespace

// libstdc++'s default (backtracking) matcher recurses once per input
// character and overflows the stack on a few tens of thousands of them, and
// regex_search restarts at every offset, which is quadratic. So with
// libstdc++ we use its Thompson-NFA matcher (__polynomial) and turn the search
// into one regex_match of [\s\S]*(?:P)[\s\S]*: a single linear pass. The
// wrapper is safe because P is first compiled on its own, so its parentheses
// balance; ^ and $ still mean start and end of input. __polynomial rejects
// back-references, which makes such patterns unusable.
std::optional<CompiledPattern> compile_pattern(std::string_view pattern) {
  if (!pattern_is_compilable(pattern)) return std::nullopt;
  try {
    const std::wstring wide = to_wide(pattern);
#if defined(__GLIBCXX__)
    constexpr auto flags = std::regex_constants::ECMAScript | std::regex_constants::__polynomial;
    const std::wregex alone(wide, flags);  // throws if P is invalid on its own
    static_cast<void>(alone);
    return CompiledPattern{std::wregex(L"[\\s\\S]*(?:" + wide + L")[\\s\\S]*", flags), true};
#else
    return CompiledPattern{std::wregex(wide, std::regex_constants::ECMAScript), false};
#endif
  } catch (const std::exception&) {  // std::regex_error, or bad_alloc on a huge automaton
    return std::nullopt;
  }
}

PatternResult search_pattern(const CompiledPattern& p, std::string_view subject) {
  if (schema::count_code_points(subject) > kMaxPatternSubject) return PatternResult::too_long;
  try {
    const std::wstring wide = to_wide(subject);
    const bool found = p.whole_match ? std::regex_match(wide, p.re) : std::regex_search(wide, p.re);
    return found ? PatternResult::match : PatternResult::no_match;
  } catch (const std::exception&) {  // error_complexity / error_stack at match time
    return PatternResult::error;
  }
}

bool pattern_usable(std::string_view pattern) { return compile_pattern(pattern).has_value(); }

std::optional<bool> pattern_matches_whole(std::string_view pattern, std::string_view subject) {
  if (!compile_pattern(pattern)) return std::nullopt;  // P on its own, so the anchors below wrap a whole pattern
  auto anchored = compile_pattern("^(?:" + std::string(pattern) + ")$");
  if (!anchored) return std::nullopt;
  switch (search_pattern(*anchored, subject)) {
    case PatternResult::match: return true;
    case PatternResult::no_match: return false;
    case PatternResult::too_long:
    case PatternResult::error: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace gatehouse::mcp
