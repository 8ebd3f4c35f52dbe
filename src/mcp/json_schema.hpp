// JSON Schema validation of `tools/call` arguments against a tool's
// `inputSchema`.
//
// This is the subset of JSON Schema that MCP tool schemas use in practice,
// accepting both draft 2020-12 and draft-07 spellings: type, enum, const,
// properties, required, additionalProperties, patternProperties, items,
// prefixItems, additionalItems, minItems, maxItems, uniqueItems, minimum,
// maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, minLength,
// maxLength, pattern, allOf, anyOf, oneOf, not and local `$ref`.
//
// The validator never fetches anything: a `$ref` that does not point into the
// schema itself is treated as always valid. Schemas come from tool providers
// and may be wrong, so a malformed schema or keyword is ignored rather than
// rejected, and validation never throws. Limits that protect the server
// (recursion depth, total work, regex input size) fail closed: the arguments
// are reported invalid.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace gatehouse::mcp {

// One failed constraint: where (a JSON Pointer into the instance, RFC 6901,
// "" for the root) and a human-readable message ("must be of type integer",
// "missing required property \"name\"", ...).
struct SchemaViolation {
  std::string instance_path;
  std::string message;
};

// Validates `instance` against `schema`. Returns the first violation found,
// or nullopt when valid.
std::optional<SchemaViolation> validate_json_schema(const boost::json::value& schema,
                                                    const boost::json::value& instance);

// "at /items/0: must be of type integer" style rendering used in tool error
// results; a violation at the root renders as "at root: ...".
std::string to_string(const SchemaViolation&);

// ECMAScript patterns compiled and matched the way the validator does for
// `pattern`: bounded length, group nesting and number sizes (libstdc++'s
// compiler recurses and overflows on hostile patterns), and one linear
// pass over the subject (its backtracking matcher recurses per character).
// Whether `pattern` is usable that way (no back-references, within the bounds).
bool pattern_usable(std::string_view pattern);
// Whether the whole of `subject` matches `pattern`; nullopt when the pattern
// is not usable, the subject is too long, or matching failed.
std::optional<bool> pattern_matches_whole(std::string_view pattern, std::string_view subject);

}  // namespace gatehouse::mcp
