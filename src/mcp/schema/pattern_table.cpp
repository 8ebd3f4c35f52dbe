#include "mcp/schema/pattern_table.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <vector>

namespace gatehouse::mcp::schema {

namespace json = boost::json;

// The whole document is walked, not only the places the vocabulary puts
// subschemas: a local `$ref` may point anywhere in it (Core §8.2.3.1), e.g.
// under an unknown keyword, and whatever it points at is evaluated as a
// schema. A "pattern" that is only data (inside an `enum`) is compiled for
// nothing, which costs time once but never changes a verdict. The walk keeps
// its own stack, so a deeply nested schema built in code cannot overflow the
// thread's.
PatternTable::PatternTable(const json::value& schema) {
  std::vector<const json::value*> pending{&schema};
  while (!pending.empty()) {
    const json::value* node = pending.back();
    pending.pop_back();
    if (const json::array* items = node->if_array()) {
      for (const auto& item : *items)
        if (item.is_structured()) pending.push_back(&item);
      continue;
    }
    const json::object* object = node->if_object();
    if (!object) continue;
    if (const json::value* p = object->if_contains("pattern"); p && p->is_string())
      add(std::string_view(p->get_string().data(), p->get_string().size()));
    if (const json::value* pp = object->if_contains("patternProperties"); pp && pp->is_object()) {
      for (const auto& member : pp->get_object()) add(std::string_view(member.key().data(), member.key().size()));
    }
    for (const auto& member : *object)
      if (member.value().is_structured()) pending.push_back(&member.value());
  }
}

void PatternTable::add(std::string_view pattern) {
  if (patterns_.size() >= kMaxPatterns || patterns_.contains(pattern)) return;
  patterns_.emplace(std::string(pattern), compile_pattern(pattern));
}

const std::optional<CompiledPattern>* PatternTable::find(std::string_view pattern) const {
  const auto it = patterns_.find(pattern);
  return it == patterns_.end() ? nullptr : &it->second;
}

}  // namespace gatehouse::mcp::schema
