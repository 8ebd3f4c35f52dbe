// One evaluation of an instance against a schema. Section numbers refer to
// "JSON Schema Validation" (draft 2020-12, draft-bhutton-json-schema-validation-01)
// as "Validation §N" and to "JSON Schema Core" (draft-bhutton-json-schema-01)
// as "Core §N", unless a draft-07 section is named.
//
// The driver (validator.cpp) walks schema objects, follows `$ref` and
// enforces the limits; the keywords (keywords.cpp) check one schema object's
// assertions and recurse through the driver for subschemas. A Validator
// lives for one validation and is used by one thread; the schema and its
// pattern table are only read, so many Validators can share them.
#pragma once

#include "mcp/schema/pattern.hpp"
#include "mcp/schema/pattern_table.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::mcp::schema {

// A failure below the current schema: the message, and the path from the
// current instance location down to where it happened.
struct Failure {
  std::string path;
  std::string message;
};

class Validator {
 public:
  // `root` is the schema document `$ref`s resolve against; `patterns` holds
  // its compiled patterns. Both must outlive the Validator.
  Validator(const boost::json::value& root, const PatternTable& patterns);

  // True when `inst` is valid against `schema`. On failure, fills `*out`
  // when it is non-null; a null `out` means "quiet": inside anyOf/oneOf/not
  // only the verdict matters, so no message or path is built.
  bool check(const boost::json::value& schema, const boost::json::value& inst, Failure* out);

 private:
  template <class MakeMessage>
  static bool fail(Failure* out, MakeMessage&& make_message) {
    if (out) {
      out->path.clear();
      out->message = make_message();
    }
    return false;
  }
  static bool with_key(Failure* out, std::string_view key);
  static bool with_index(Failure* out, std::size_t index);

  // Limits (validator.cpp).
  bool abort_with(Failure* out, const char* why);
  bool fail_aborted(Failure* out) const;

  // The driver (validator.cpp).
  bool check_schema_object(const boost::json::object& s, const boost::json::value& inst, Failure* out);
  bool check_ref(const boost::json::value& ref, const boost::json::value& inst, Failure* out);

  // The keywords (keywords.cpp).
  bool check_type(const boost::json::object& s, const boost::json::value& inst, Failure* out);
  bool check_enum(const boost::json::object& s, const boost::json::value& inst, Failure* out);
  bool check_const(const boost::json::object& s, const boost::json::value& inst, Failure* out);
  bool check_number(const boost::json::object& s, const boost::json::value& inst, Failure* out);
  bool check_string(const boost::json::object& s, const boost::json::string& str, Failure* out);
  bool check_array(const boost::json::object& s, const boost::json::array& arr, Failure* out);
  bool check_object(const boost::json::object& s, const boost::json::object& obj, Failure* out);
  bool check_combinators(const boost::json::object& s, const boost::json::value& inst, Failure* out);
  // `pattern` searched in `subject` with the prepared regex; nullopt when
  // the pattern is unusable and so ignored.
  std::optional<PatternResult> search_prepared(std::string_view pattern, std::string_view subject) const;

  const boost::json::value& root_;
  const PatternTable& patterns_;
  std::string_view root_id_;
  bool legacy_ref_ = false;
  int ref_depth_ = 0;
  int nesting_ = 0;
  std::size_t evaluations_ = 0;
  bool aborted_ = false;
  const char* abort_message_ = "";
};

}  // namespace gatehouse::mcp::schema
