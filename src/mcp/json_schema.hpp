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
//
// The parts live in mcp/schema/: the evaluation (validator.hpp, validator.cpp,
// keywords.cpp), ECMAScript patterns (pattern.hpp) and a schema's compiled
// patterns (pattern_table.hpp), JSON Pointer (json_pointer.hpp), the
// instance data model (instance.hpp) and message text (message.hpp).
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
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
// or nullopt when valid. The schema's patterns are compiled for this one
// call; for a schema checked repeatedly, prepare a CompiledSchema instead.
std::optional<SchemaViolation> validate_json_schema(const boost::json::value& schema,
                                                    const boost::json::value& instance);

// "at /items/0: must be of type integer" style rendering used in tool error
// results; a violation at the root renders as "at root: ...".
std::string to_string(const SchemaViolation&);

// A schema prepared once for many validations (a tool's inputSchema, checked
// on every tools/call): it owns a copy of the schema and the compiled regexes
// of every `pattern` and `patternProperties` name in it
// (mcp/schema/pattern_table.hpp), so validate() compiles nothing. The
// verdicts are those of validate_json_schema. validate() only reads the
// prepared state, so one CompiledSchema may validate on several threads at
// once; copies share that state.
class CompiledSchema {
 public:
  // Throws only std::bad_alloc; a malformed schema still prepares (see above).
  explicit CompiledSchema(boost::json::value schema);

  // The first violation of `instance`, or nullopt when valid.
  std::optional<SchemaViolation> validate(const boost::json::value& instance) const;

  // Distinct patterns compiled when the schema was prepared, usable or not.
  // Validation never adds to them.
  std::size_t compiled_patterns() const;

 private:
  struct Prepared;
  std::shared_ptr<const Prepared> prepared_;
};

}  // namespace gatehouse::mcp
