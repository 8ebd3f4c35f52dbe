// The regular expressions of one schema, compiled once: every `pattern`
// value (Validation §6.3.3) and every `patternProperties` name (Core
// §10.3.2.2) found in the schema document. Compiling a std::regex costs far
// more than matching one, so a schema checked many times (a tool's
// inputSchema, on every tools/call) is prepared once and validation only
// looks patterns up.
//
// The table is immutable once built; validations running concurrently on
// several threads share it read-only.
#pragma once

#include "mcp/schema/pattern.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::mcp::schema {

class PatternTable {
 public:
  // Distinct patterns compiled for one schema. Compiling is bounded per
  // pattern (mcp/schema/pattern.hpp); this bounds the count, so a schema
  // cannot make its preparation arbitrarily expensive. Patterns beyond it
  // are not compiled and fail closed when validation meets them.
  static constexpr std::size_t kMaxPatterns = 1000;

  explicit PatternTable(const boost::json::value& schema);

  // What the table holds for `pattern`: null when it was not compiled (past
  // kMaxPatterns), an empty optional when it is unusable (ignored, as any
  // unusable pattern), the compiled pattern otherwise.
  const std::optional<CompiledPattern>* find(std::string_view pattern) const;

  // How many distinct patterns were compiled, usable or not.
  std::size_t size() const { return patterns_.size(); }

 private:
  void add(std::string_view pattern);

  std::map<std::string, std::optional<CompiledPattern>, std::less<>> patterns_;
};

}  // namespace gatehouse::mcp::schema
