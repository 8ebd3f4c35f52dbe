// The instance data model of JSON Schema (Core §4.2) over Boost.JSON values:
// JSON Schema has one number type where Boost.JSON has three kinds, and its
// equality compares numbers by value and ignores object member order. The
// keywords that compare or count (type, enum, const, minimum, multipleOf,
// uniqueItems, minLength, ...) all go through here.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

namespace gatehouse::mcp::schema {

// "integer" includes 3.0: a number with a zero fractional part (Core §4.2.1).
bool is_integral(const boost::json::value& v);

// A number as a double (precision is lost beyond 2^53).
double to_double(const boost::json::value& v);

// Exact for two integers (so 2^63 limits behave), via double otherwise.
// Unordered when a NaN is involved, which then fails every bound.
std::partial_ordering compare_numbers(const boost::json::value& a, const boost::json::value& b);

// A count keyword (minLength, maxItems, ...) must be a non-negative integer;
// 3.0 counts as 3 (Validation §6.3.1 and friends). Anything else (including
// a missing keyword, `v` null): nullopt, and the keyword is ignored.
std::optional<std::uint64_t> as_count(const boost::json::value* v);

// Whether `x` is a multiple of `m` (Validation §6.2.1); `m` is positive.
bool is_multiple_of(const boost::json::value& x, const boost::json::value& m);

// Equality (Core §4.2.2): numbers compare by value (1 == 1.0), objects
// ignore member order.
bool json_equal(const boost::json::value& a, const boost::json::value& b);

// Validation §6.4.3: the indices of a pair of equal items, if any.
std::optional<std::pair<std::size_t, std::size_t>> find_duplicate(const boost::json::array& a);

}  // namespace gatehouse::mcp::schema
