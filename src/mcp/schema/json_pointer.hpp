// JSON Pointer (RFC 6901) as the validator uses it: to name where in the
// instance a violation is (SchemaViolation::instance_path), and to follow a
// local `$ref` fragment into the schema (Core §8.2.3.1).
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace gatehouse::mcp::schema {

// Prepend "/<key>" or "/<index>" to `path`. Paths are assembled on the way
// back up from a failure, so nothing is built for the (common) valid case.
// Keys are escaped per RFC 6901 §3 ("~" as "~0", "/" as "~1").
void prepend_key(std::string& path, std::string_view key);
void prepend_index(std::string& path, std::size_t index);

// The value `pointer` (the fragment of a URI, without the "#") names in
// `root`, or null when it names nothing. The fragment may be percent-encoded
// (RFC 6901 §6); a plain-name fragment ("#foo", an anchor) names nothing.
const boost::json::value* resolve_pointer(const boost::json::value& root, std::string_view pointer);

}  // namespace gatehouse::mcp::schema
