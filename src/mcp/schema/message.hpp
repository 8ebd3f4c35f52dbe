// The text of violation messages: schema and instance values quoted as
// compact JSON, cut at a fixed size so a huge enum or an attacker-sized
// property name cannot bloat the error a tool result carries.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace gatehouse::mcp::schema {

// `v` as compact JSON ("must be one of [\"a\",\"b\"]"), cut with "...".
std::string render(const boost::json::value& v);
// `s` as a JSON string literal, cut with "...".
std::string quote(std::string_view s);
// A number in its shortest round-trip form: "0.1" and "5", not
// "1.0000000000000001E-1".
std::string format_number(const boost::json::value& v);
// "1 item", "3 items".
std::string plural(std::uint64_t n, std::string_view noun);

}  // namespace gatehouse::mcp::schema
