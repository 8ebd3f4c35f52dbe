#include "crypto/canonical_json.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <vector>

namespace gatehouse::crypto {

namespace json = boost::json;

namespace {

void write_canonical(const json::value& v, std::string& out) {
  if (auto* o = v.if_object()) {
    std::vector<const json::key_value_pair*> members;
    members.reserve(o->size());
    for (const auto& kv : *o) members.push_back(&kv);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
    out.push_back('{');
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i) out.push_back(',');
      out += json::serialize(json::string(members[i]->key()));
      out.push_back(':');
      write_canonical(members[i]->value(), out);
    }
    out.push_back('}');
  } else if (auto* a = v.if_array()) {
    out.push_back('[');
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (i) out.push_back(',');
      write_canonical((*a)[i], out);
    }
    out.push_back(']');
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

std::string canonical_json(const json::value& value) {
  std::string out;
  write_canonical(value, out);
  return out;
}

}  // namespace gatehouse::crypto
