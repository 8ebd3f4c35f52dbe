#pragma once
// "Did you mean ...?": how close a mistyped name is to the names that exist.
// Used for configuration keys, sections and values, environment variables,
// and the command line's commands and options.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::config {

// Edit distance (Damerau-Levenshtein, optimal string alignment: an adjacent
// transposition counts as one edit), ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// How many edits still look like a typo of `candidate`: a third of its
// length, at least 1 and at most 3.
std::size_t typo_budget(std::string_view candidate);

// The candidate `word` is most likely a typo of, if any is close enough
// (the first of equally close ones).
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace gatehouse::config
