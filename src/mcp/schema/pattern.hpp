// ECMAScript regular expressions as JSON Schema uses them (Validation §4.3,
// §6.3.3 `pattern`, Core §10.3.2.2 `patternProperties`), compiled and
// matched so that a hostile pattern or subject cannot take the server down:
// bounded length, group nesting and number sizes at compile time
// (libstdc++'s compiler recurses and overflows on hostile patterns), and one
// linear pass over the subject at match time (its backtracking matcher
// recurses per character).
//
// A pattern that cannot be compiled this way (invalid, a back-reference,
// beyond the bounds) is "unusable": the validator ignores it, because a
// broken schema is the tool provider's bug, not the caller's.
#pragma once

#include <cstddef>
#include <optional>
#include <regex>
#include <string_view>

namespace gatehouse::mcp {

// Code points of a subject we agree to match. Matching is linear, this
// bounds the constant; a longer subject fails closed.
inline constexpr std::size_t kMaxPatternSubject = 100'000;

// A pattern compiled for an unanchored search (Validation §6.3.3: patterns
// are not implicitly anchored). Immutable once built: matching only reads
// it, so one compiled pattern serves concurrent validations.
struct CompiledPattern {
  std::wregex re;
  bool whole_match;  // true: regex_match with the [\s\S]* wrapper; false: regex_search
};

// nullopt when the pattern is unusable (see above).
std::optional<CompiledPattern> compile_pattern(std::string_view pattern);

enum class PatternResult { match, no_match, too_long, error };

// Searches `subject` (UTF-8) for the pattern; too_long beyond
// kMaxPatternSubject code points, error when the matcher gave up.
PatternResult search_pattern(const CompiledPattern& pattern, std::string_view subject);

// Whether `pattern` is usable (no back-references, within the bounds).
bool pattern_usable(std::string_view pattern);
// Whether the whole of `subject` matches `pattern`; nullopt when the pattern
// is not usable, the subject is too long, or matching failed.
std::optional<bool> pattern_matches_whole(std::string_view pattern, std::string_view subject);

}  // namespace gatehouse::mcp
