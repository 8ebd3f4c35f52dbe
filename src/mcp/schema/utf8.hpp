// Code points of UTF-8 strings, for the keywords that count or match
// characters rather than bytes (Validation §6.3.1, §6.3.3).
#pragma once

#include <cstddef>
#include <string_view>

namespace gatehouse::mcp::schema {

// Decodes the code point at s[i] and advances i. Malformed input (the parser
// rejects it, but values can be built in code) yields U+FFFD for one byte, so
// callers always make progress.
char32_t next_code_point(std::string_view s, std::size_t& i);

// String length is the number of code points, not bytes (Validation §6.3.1:
// "the number of characters ... as defined by RFC 8259").
std::size_t count_code_points(std::string_view s);

}  // namespace gatehouse::mcp::schema
