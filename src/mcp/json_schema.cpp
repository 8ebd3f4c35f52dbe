// The entry points of the JSON Schema validator; the evaluation itself is in
// mcp/schema/.
#include "mcp/json_schema.hpp"

#include "mcp/schema/pattern_table.hpp"
#include "mcp/schema/validator.hpp"

#include <string_view>
#include <utility>

namespace gatehouse::mcp {
namespace {

// Only allocation can fail in a validation. It fails closed; the message
// fits the small-string buffer so building it does not allocate again.
SchemaViolation internal_error() { return SchemaViolation{std::string(), std::string("internal error")}; }

std::optional<SchemaViolation> validate_prepared(const boost::json::value& schema, const schema::PatternTable& patterns,
                                                 const boost::json::value& instance) {
  try {
    schema::Validator validator(schema, patterns);
    schema::Failure failure;
    if (validator.check(schema, instance, &failure)) return std::nullopt;
    return SchemaViolation{std::move(failure.path), std::move(failure.message)};
  } catch (...) {
    return internal_error();
  }
}

}  // namespace

struct CompiledSchema::Prepared {
  explicit Prepared(boost::json::value s) : schema(std::move(s)), patterns(schema) {}

  const boost::json::value schema;
  const schema::PatternTable patterns;  // views nothing in `schema`: it owns its pattern strings
};

CompiledSchema::CompiledSchema(boost::json::value schema)
    : prepared_(std::make_shared<const Prepared>(std::move(schema))) {}

std::optional<SchemaViolation> CompiledSchema::validate(const boost::json::value& instance) const {
  return validate_prepared(prepared_->schema, prepared_->patterns, instance);
}

std::size_t CompiledSchema::compiled_patterns() const { return prepared_->patterns.size(); }

std::optional<SchemaViolation> validate_json_schema(const boost::json::value& schema,
                                                    const boost::json::value& instance) {
  try {
    const schema::PatternTable patterns(schema);
    return validate_prepared(schema, patterns, instance);
  } catch (...) {
    return internal_error();
  }
}

std::string to_string(const SchemaViolation& v) {
  std::string out = "at ";
  out += v.instance_path.empty() ? std::string_view("root") : std::string_view(v.instance_path);
  out += ": ";
  out += v.message;
  return out;
}

}  // namespace gatehouse::mcp
