// The JSON Schema validator (mcp/json_schema.hpp) that checks tools/call
// arguments against a tool's inputSchema. Both are untrusted in practice:
// arguments come from clients, schemas from tool providers ("may be wrong").
//
// Input: a JSON array [schema, instance]; anything else is skipped.
#include "mcp/json_schema.hpp"

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse::mcp;
  boost::system::error_code ec;
  // The depth limit the MCP endpoint parses request bodies with (boost::json's default).
  const auto pair = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !pair.is_array() || pair.get_array().size() != 2) return 0;
  const auto& schema = pair.get_array()[0];
  const auto& instance = pair.get_array()[1];
  const auto violation = validate_json_schema(schema, instance);
  if (violation) (void)to_string(*violation);
  // The tools/call path: the schema prepared once (its patterns compiled),
  // then validated against. It must give the one-shot verdict.
  const CompiledSchema compiled(schema);
  if (compiled.validate(instance).has_value() != violation.has_value()) __builtin_trap();
  // Every schema is also an instance.
  (void)validate_json_schema(schema, schema);
  return 0;
}
