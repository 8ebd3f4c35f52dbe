#include "mcp/schema/validator.hpp"

#include "mcp/schema/instance.hpp"
#include "mcp/schema/message.hpp"
#include "mcp/schema/utf8.hpp"

#include <algorithm>
#include <cstdint>

namespace gatehouse::mcp::schema {
namespace {

namespace json = boost::json;

// Type keyword names (Validation §6.1.1) as bits.
enum TypeBit : unsigned {
  kNull = 1, kBoolean = 2, kObject = 4, kArray = 8, kNumber = 16, kString = 32, kInteger = 64,
};

unsigned type_bit(const json::value& name) {
  const auto* s = name.if_string();
  if (!s) return 0;
  const std::string_view n(s->data(), s->size());
  if (n == "null") return kNull;
  if (n == "boolean") return kBoolean;
  if (n == "object") return kObject;
  if (n == "array") return kArray;
  if (n == "number") return kNumber;
  if (n == "string") return kString;
  if (n == "integer") return kInteger;
  return 0;
}

bool instance_has_type(unsigned bits, const json::value& inst) {
  switch (inst.kind()) {
    case json::kind::null:
      return bits & kNull;
    case json::kind::bool_:  // booleans are not numbers (Core §4.2.1)
      return bits & kBoolean;
    case json::kind::object:
      return bits & kObject;
    case json::kind::array:
      return bits & kArray;
    case json::kind::string:
      return bits & kString;
    default:
      return (bits & kNumber) || ((bits & kInteger) && is_integral(inst));
  }
}

const json::array* array_keyword(const json::object& s, std::string_view name) {
  const json::value* v = s.if_contains(name);
  return v ? v->if_array() : nullptr;
}

const json::value* number_keyword(const json::object& s, std::string_view name) {
  const json::value* v = s.if_contains(name);
  return v && v->is_number() ? v : nullptr;
}

}  // namespace

// Validation §6.1.1. A malformed `type` (unknown name, empty array) is
// ignored as a whole, so e.g. draft-03's "any" does not over-restrict.
bool Validator::check_type(const json::object& s, const json::value& inst, Failure* out) {
  const json::value* t = s.if_contains("type");
  if (!t) return true;
  unsigned bits = 0;
  if (t->is_string()) {
    bits = type_bit(*t);
  } else if (const json::array* names = t->if_array()) {
    for (const auto& n : *names) {
      const unsigned bit = type_bit(n);
      if (!bit) return true;
      bits |= bit;
    }
  }
  if (!bits || instance_has_type(bits, inst)) return true;
  return fail(out, [&] {
    std::string msg = "must be of type ";
    if (t->is_string()) {
      msg += t->get_string();
    } else {
      const json::array& names = t->get_array();
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) msg += i + 1 == names.size() ? " or " : ", ";
        msg += names[i].get_string();
      }
    }
    return msg;
  });
}

// Validation §6.1.2.
bool Validator::check_enum(const json::object& s, const json::value& inst, Failure* out) {
  const json::value* e = s.if_contains("enum");
  if (!e || !e->is_array()) return true;
  const json::array& options = e->get_array();
  const bool found = std::any_of(options.begin(), options.end(),
                                 [&](const json::value& option) { return json_equal(option, inst); });
  return found || fail(out, [&] { return "must be one of " + render(*e); });
}

// Validation §6.1.3.
bool Validator::check_const(const json::object& s, const json::value& inst, Failure* out) {
  const json::value* c = s.if_contains("const");
  return !c || json_equal(*c, inst) || fail(out, [&] { return "must be equal to " + render(*c); });
}

// Validation §6.2.
bool Validator::check_number(const json::object& s, const json::value& inst, Failure* out) {
  // A multipleOf that is not strictly positive is malformed: ignored.
  if (const json::value* m = number_keyword(s, "multipleOf"); m && to_double(*m) > 0) {
    if (!is_multiple_of(inst, *m)) return fail(out, [&] { return "must be a multiple of " + format_number(*m); });
  }
  // Draft-04 spelled exclusive bounds as booleans modifying minimum and
  // maximum; honour that rather than silently accepting the bound value.
  const json::value* excl_min = s.if_contains("exclusiveMinimum");
  const json::value* excl_max = s.if_contains("exclusiveMaximum");
  const bool legacy_excl_min = excl_min && excl_min->is_bool() && excl_min->get_bool();
  const bool legacy_excl_max = excl_max && excl_max->is_bool() && excl_max->get_bool();
  if (const json::value* m = number_keyword(s, "minimum")) {
    const auto c = compare_numbers(inst, *m);
    if (legacy_excl_min ? !std::is_gt(c) : !std::is_gteq(c))
      return fail(out, [&] { return std::string(legacy_excl_min ? "must be > " : "must be >= ") + format_number(*m); });
  }
  if (const json::value* m = number_keyword(s, "maximum")) {
    const auto c = compare_numbers(inst, *m);
    if (legacy_excl_max ? !std::is_lt(c) : !std::is_lteq(c))
      return fail(out, [&] { return std::string(legacy_excl_max ? "must be < " : "must be <= ") + format_number(*m); });
  }
  if (excl_min && excl_min->is_number() && !std::is_gt(compare_numbers(inst, *excl_min)))
    return fail(out, [&] { return "must be > " + format_number(*excl_min); });
  if (excl_max && excl_max->is_number() && !std::is_lt(compare_numbers(inst, *excl_max)))
    return fail(out, [&] { return "must be < " + format_number(*excl_max); });
  return true;
}

// Validation §6.3.
bool Validator::check_string(const json::object& s, const json::string& str, Failure* out) {
  const std::string_view text(str.data(), str.size());
  const auto min_len = as_count(s.if_contains("minLength"));
  const auto max_len = as_count(s.if_contains("maxLength"));
  if (min_len || max_len) {
    const std::size_t length = count_code_points(text);
    if (min_len && length < *min_len)
      return fail(out, [&] { return "must be at least " + plural(*min_len, "character") + " long"; });
    if (max_len && length > *max_len)
      return fail(out, [&] { return "must be at most " + plural(*max_len, "character") + " long"; });
  }
  if (const json::value* p = s.if_contains("pattern"); p && p->is_string()) {
    const std::string_view pattern(p->get_string().data(), p->get_string().size());
    if (const auto result = search_prepared(pattern, text)) {
      switch (*result) {
        case PatternResult::match:
          break;
        case PatternResult::no_match:
          return fail(out, [&] { return "must match pattern " + quote(pattern); });
        case PatternResult::too_long:
          return fail(out, [&] {
            return "is too long to check against pattern " + quote(pattern) + " (limit " +
                   std::to_string(kMaxPatternSubject) + " characters)";
          });
        case PatternResult::error:
          return fail(out, [&] { return "could not be checked against pattern " + quote(pattern); });
      }
    }
  }
  return true;
}

// Validation §6.4 and Core §10.3.1.
bool Validator::check_array(const json::object& s, const json::array& arr, Failure* out) {
  if (const auto n = as_count(s.if_contains("minItems")); n && arr.size() < *n)
    return fail(out, [&] { return "must have at least " + plural(*n, "item"); });
  if (const auto n = as_count(s.if_contains("maxItems")); n && arr.size() > *n)
    return fail(out, [&] { return "must have at most " + plural(*n, "item"); });
  if (const json::value* u = s.if_contains("uniqueItems"); u && u->is_bool() && u->get_bool()) {
    if (const auto dup = find_duplicate(arr)) {
      return fail(out, [&] {
        return "must contain unique items (items " + std::to_string(dup->first) + " and " +
               std::to_string(dup->second) + " are equal)";
      });
    }
  }

  // 2020-12: prefixItems + items (the rest). Draft-07: items as an array
  // (the tuple form) + additionalItems (the rest). Otherwise items applies
  // to every element.
  const json::value* items = s.if_contains("items");
  const json::array* prefix = nullptr;
  const json::value* rest = items;
  if (const json::array* p = array_keyword(s, "prefixItems")) {
    prefix = p;
    rest = items && (items->is_object() || items->is_bool()) ? items : nullptr;
  } else if (items && items->is_array()) {
    prefix = &items->get_array();
    rest = s.if_contains("additionalItems");
  }
  std::size_t i = 0;
  if (prefix) {
    for (; i < prefix->size() && i < arr.size(); ++i)
      if (!check((*prefix)[i], arr[i], out)) return with_index(out, i);
  }
  if (!rest || i >= arr.size()) return true;
  if (rest->is_bool() && !rest->get_bool())
    return fail(out, [&] { return "must have at most " + plural(i, "item"); });
  for (; i < arr.size(); ++i)
    if (!check(*rest, arr[i], out)) return with_index(out, i);
  return true;
}

// Validation §6.5.3 and Core §10.3.2.
bool Validator::check_object(const json::object& s, const json::object& obj, Failure* out) {
  if (const json::array* required = array_keyword(s, "required")) {
    for (const auto& name : *required) {
      const json::string* n = name.if_string();
      if (n && !obj.contains(*n))
        return fail(out, [&] { return "missing required property " + quote(std::string_view(n->data(), n->size())); });
    }
  }
  const json::value* props_v = s.if_contains("properties");
  const json::value* pattern_v = s.if_contains("patternProperties");
  const json::object* props = props_v ? props_v->if_object() : nullptr;
  const json::object* patterns = pattern_v ? pattern_v->if_object() : nullptr;
  const json::value* additional = s.if_contains("additionalProperties");
  if (!props && !patterns && !additional) return true;

  for (const auto& member : obj) {
    const std::string_view key(member.key().data(), member.key().size());
    bool matched = false;
    if (props) {
      if (const json::value* sub = props->if_contains(key)) {
        matched = true;
        if (!check(*sub, member.value(), out)) return with_key(out, key);
      }
    }
    if (patterns) {
      // patternProperties is supported so that additionalProperties does
      // not reject names the schema explicitly allows by pattern.
      for (const auto& pp : *patterns) {
        const std::string_view pattern(pp.key().data(), pp.key().size());
        const auto result = search_prepared(pattern, key);
        if (!result) continue;
        switch (*result) {
          case PatternResult::match:
            matched = true;
            if (!check(pp.value(), member.value(), out)) return with_key(out, key);
            break;
          case PatternResult::no_match:
            break;
          case PatternResult::too_long:
          case PatternResult::error:
            return fail(out, [&] { return "property name " + quote(key) + " could not be checked against patternProperties"; });
        }
      }
    }
    if (matched || !additional) continue;
    if (additional->is_bool() && !additional->get_bool())
      return fail(out, [&] { return "unexpected property " + quote(key); });
    if (!check(*additional, member.value(), out)) return with_key(out, key);
  }
  return true;
}

// Core §10.2.1.
bool Validator::check_combinators(const json::object& s, const json::value& inst, Failure* out) {
  if (const json::array* all = array_keyword(s, "allOf")) {
    for (const auto& sub : *all)
      if (!check(sub, inst, out)) return false;  // the subschema's own message is the most precise
  }
  if (const json::array* any = array_keyword(s, "anyOf")) {
    bool matched = false;
    for (const auto& sub : *any) {
      if (check(sub, inst, nullptr)) {
        matched = true;
        break;
      }
      if (aborted_) return fail_aborted(out);
    }
    if (!matched) return fail(out, [] { return std::string("must match at least one schema in anyOf"); });
  }
  if (const json::array* one = array_keyword(s, "oneOf")) {
    std::size_t matches = 0;
    std::size_t first = 0;
    std::size_t second = 0;
    for (std::size_t i = 0; i < one->size() && matches < 2; ++i) {
      if (check((*one)[i], inst, nullptr)) {
        (matches == 0 ? first : second) = i;
        ++matches;
      } else if (aborted_) {
        return fail_aborted(out);
      }
    }
    if (matches == 0) return fail(out, [] { return std::string("must match exactly one schema in oneOf (matched none)"); });
    if (matches > 1) {
      return fail(out, [&] {
        return "must match exactly one schema in oneOf (matched " + std::to_string(first) + " and " +
               std::to_string(second) + ")";
      });
    }
  }
  // A `not` whose operand is not a schema is ignored as malformed rather
  // than negating "accept all" into "reject everything".
  if (const json::value* n = s.if_contains("not"); n && (n->is_object() || n->is_bool())) {
    if (check(*n, inst, nullptr)) return fail(out, [] { return std::string("must not match the schema in not"); });
    if (aborted_) return fail_aborted(out);
  }
  return true;
}

// Patterns were compiled when the schema was prepared (pattern_table.hpp);
// one the table does not hold (past its bound) could not be checked, which
// fails closed like a matcher error.
std::optional<PatternResult> Validator::search_prepared(std::string_view pattern, std::string_view subject) const {
  const std::optional<CompiledPattern>* prepared = patterns_.find(pattern);
  if (!prepared) return PatternResult::error;
  if (!*prepared) return std::nullopt;
  return search_pattern(**prepared, subject);
}

}  // namespace gatehouse::mcp::schema
