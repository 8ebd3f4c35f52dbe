#include "mcp/schema/validator.hpp"

#include "mcp/schema/json_pointer.hpp"

namespace gatehouse::mcp::schema {
namespace {

namespace json = boost::json;

// Limits. Each one protects the server from a schema or an instance that
// would otherwise exhaust the stack or the CPU; hitting one fails closed.

// Nested local `$ref`s on the current evaluation path. A cycle that does not
// consume the instance ({"$ref": "#"}) would otherwise recurse forever.
constexpr int kMaxRefDepth = 64;
// Nested subschema evaluations of any kind: a backstop for the stack when a
// schema is built in code rather than parsed (the parser bounds nesting).
constexpr int kMaxNesting = 512;
// Subschema evaluations per call. `$ref`s can share subschemas, so
// anyOf-of-refs chains can be exponential without ever being recursive.
constexpr std::size_t kMaxEvaluations = 1'000'000;

}  // namespace

Validator::Validator(const json::value& root, const PatternTable& patterns) : root_(root), patterns_(patterns) {
  const json::object* o = root.if_object();
  if (!o) return;
  if (const auto* dialect = o->if_contains("$schema"); dialect && dialect->is_string()) {
    const std::string_view d(dialect->get_string().data(), dialect->get_string().size());
    legacy_ref_ = d.find("json-schema.org/draft-0") != std::string_view::npos;
  }
  // `$id` (or draft-04's `id`) of the root, so "<id>#/$defs/x" is local too.
  const json::value* id = o->if_contains("$id");
  if (!id) id = o->if_contains("id");
  if (id && id->is_string()) {
    root_id_ = std::string_view(id->get_string().data(), id->get_string().size());
    if (!root_id_.empty() && root_id_.back() == '#') root_id_.remove_suffix(1);
  }
}

bool Validator::check(const json::value& schema, const json::value& inst, Failure* out) {
  if (aborted_) return fail_aborted(out);
  if (const bool* b = schema.if_bool()) {
    // Boolean schemas (Core §4.3.2).
    return *b || fail(out, [] { return std::string("value is not allowed"); });
  }
  const json::object* s = schema.if_object();
  if (!s) return true;  // not a schema at all: ignore rather than fail the call
  if (++evaluations_ > kMaxEvaluations) return abort_with(out, "schema is too complex to evaluate");
  if (nesting_ >= kMaxNesting) return abort_with(out, "schema is nested too deeply to evaluate");
  ++nesting_;
  const bool ok = check_schema_object(*s, inst, out);
  --nesting_;
  return ok;
}

bool Validator::abort_with(Failure* out, const char* why) {
  aborted_ = true;
  abort_message_ = why;
  return fail_aborted(out);
}

// Once a limit is hit the verdict is "invalid" whatever encloses it: a
// `not` or `anyOf` must not turn an aborted evaluation into a success.
bool Validator::fail_aborted(Failure* out) const {
  return fail(out, [this] { return std::string(abort_message_); });
}

bool Validator::with_key(Failure* out, std::string_view key) {
  if (out) prepend_key(out->path, key);
  return false;
}

bool Validator::with_index(Failure* out, std::size_t index) {
  if (out) prepend_index(out->path, index);
  return false;
}

bool Validator::check_schema_object(const json::object& s, const json::value& inst, Failure* out) {
  if (const json::value* ref = s.if_contains("$ref")) {
    if (!check_ref(*ref, inst, out)) return false;
    // Draft-07 §8.3: "All other properties in a "$ref" object MUST be
    // ignored." From 2019-09 on, $ref is an ordinary applicator.
    if (legacy_ref_) return true;
  }
  if (!check_type(s, inst, out) || !check_enum(s, inst, out) || !check_const(s, inst, out)) return false;
  switch (inst.kind()) {
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      if (!check_number(s, inst, out)) return false;
      break;
    case json::kind::string:
      if (!check_string(s, inst.get_string(), out)) return false;
      break;
    case json::kind::array:
      if (!check_array(s, inst.get_array(), out)) return false;
      break;
    case json::kind::object:
      if (!check_object(s, inst.get_object(), out)) return false;
      break;
    default:
      break;
  }
  return check_combinators(s, inst, out);
}

// Core §8.2.3.1. Only references into this schema are followed; anything
// else (http URLs, relative files) is never fetched and counts as valid.
bool Validator::check_ref(const json::value& ref, const json::value& inst, Failure* out) {
  const json::string* r = ref.if_string();
  if (!r) return true;
  std::string_view target(r->data(), r->size());
  if (!root_id_.empty() && target.starts_with(root_id_) &&
      (target.size() == root_id_.size() || target[root_id_.size()] == '#')) {
    target.remove_prefix(root_id_.size());
    if (target.empty()) target = "#";
  }
  if (!target.starts_with('#')) return true;
  const json::value* schema = resolve_pointer(root_, target.substr(1));
  if (!schema) return true;  // dangling or an anchor: a schema bug, not the caller's
  if (ref_depth_ >= kMaxRefDepth) return abort_with(out, "schema $ref recursion is too deep (limit 64)");
  ++ref_depth_;
  const bool ok = check(*schema, inst, out);
  --ref_depth_;
  return ok;
}

}  // namespace gatehouse::mcp::schema
