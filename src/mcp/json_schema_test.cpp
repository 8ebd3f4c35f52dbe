#include "mcp/json_schema.hpp"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace gatehouse::mcp {
namespace {

namespace json = boost::json;

// One row: a schema, an instance, and the expected verdict. For invalid rows
// `path` and `message` are the exact expected violation (nullptr: not checked).
struct Case {
  const char* name;
  const char* schema;
  const char* instance;
  bool valid;
  const char* path = nullptr;
  const char* message = nullptr;
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

class SchemaCase : public ::testing::TestWithParam<Case> {};

TEST_P(SchemaCase, Validates) {
  const Case& c = GetParam();
  const json::value schema = json::parse(c.schema);
  const json::value instance = json::parse(c.instance);
  const auto violation = validate_json_schema(schema, instance);
  if (c.valid) {
    EXPECT_FALSE(violation.has_value()) << "unexpected violation: " << to_string(*violation);
    return;
  }
  ASSERT_TRUE(violation.has_value()) << "schema " << c.schema << " accepted " << c.instance;
  if (c.path) {
    EXPECT_EQ(violation->instance_path, c.path);
  }
  if (c.message) {
    EXPECT_EQ(violation->message, c.message);
  }
}

// `compiled` (prepared from `schema`) gives the verdict, path and message
// the one-shot validation gives.
void expect_same_as_one_shot(const CompiledSchema& compiled, const json::value& schema, const json::value& instance) {
  const auto expected = validate_json_schema(schema, instance);
  const auto violation = compiled.validate(instance);
  ASSERT_EQ(violation.has_value(), expected.has_value()) << json::serialize(schema) << " against " << json::serialize(instance);
  if (violation) {
    EXPECT_EQ(violation->instance_path, expected->instance_path);
    EXPECT_EQ(violation->message, expected->message);
  }
}

// Every row again through a schema prepared once.
TEST_P(SchemaCase, CompiledSchemaAgrees) {
  const Case& c = GetParam();
  const json::value schema = json::parse(c.schema);
  expect_same_as_one_shot(CompiledSchema(schema), schema, json::parse(c.instance));
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

#define SCHEMA_CASES(group, ...)                                                       \
  const Case k##group##Cases[] = {__VA_ARGS__};                                        \
  INSTANTIATE_TEST_SUITE_P(group, SchemaCase, ::testing::ValuesIn(k##group##Cases), CaseName)

// ---------------------------------------------------------------------------
SCHEMA_CASES(Type,
  Case{"string_accepts_string", R"({"type":"string"})", R"("x")", true},
  Case{"string_rejects_number", R"({"type":"string"})", "1", false, "", "must be of type string"},
  Case{"null_accepts_null", R"({"type":"null"})", "null", true},
  Case{"null_rejects_false", R"({"type":"null"})", "false", false, "", "must be of type null"},
  Case{"boolean_accepts_true", R"({"type":"boolean"})", "true", true},
  Case{"boolean_rejects_zero", R"({"type":"boolean"})", "0", false, "", "must be of type boolean"},
  Case{"number_rejects_boolean", R"({"type":"number"})", "true", false, "", "must be of type number"},
  Case{"integer_rejects_boolean", R"({"type":"integer"})", "false", false, "", "must be of type integer"},
  Case{"object_accepts_object", R"({"type":"object"})", "{}", true},
  Case{"object_rejects_array", R"({"type":"object"})", "[]", false, "", "must be of type object"},
  Case{"array_accepts_array", R"({"type":"array"})", "[1]", true},
  Case{"array_rejects_object", R"({"type":"array"})", "{}", false, "", "must be of type array"},
  Case{"integer_accepts_int", R"({"type":"integer"})", "3", true},
  Case{"integer_accepts_negative_int", R"({"type":"integer"})", "-3", true},
  Case{"integer_accepts_uint64_max", R"({"type":"integer"})", "18446744073709551615", true},
  Case{"integer_accepts_3_point_0", R"({"type":"integer"})", "3.0", true},
  Case{"integer_accepts_exponent_form", R"({"type":"integer"})", "1e2", true},
  Case{"integer_rejects_fraction", R"({"type":"integer"})", "3.5", false, "", "must be of type integer"},
  Case{"integer_rejects_numeric_string", R"({"type":"integer"})", R"("3")", false, "", "must be of type integer"},
  Case{"number_accepts_int", R"({"type":"number"})", "3", true},
  Case{"number_accepts_fraction", R"({"type":"number"})", "3.25", true},
  Case{"array_of_types_accepts_second", R"({"type":["string","null"]})", "null", true},
  Case{"array_of_types_rejects_other", R"({"type":["string","null"]})", "1", false, "", "must be of type string or null"},
  Case{"array_of_three_types_message", R"({"type":["string","integer","null"]})", "1.5", false, "",
       "must be of type string, integer or null"},
  Case{"unknown_type_name_ignored", R"({"type":"any"})", "1", true},
  Case{"array_with_unknown_type_ignored", R"({"type":["integer","any"]})", R"("x")", true},
  Case{"non_string_type_ignored", R"({"type":5})", "1", true},
  Case{"empty_type_array_ignored", R"({"type":[]})", "1", true});

// ---------------------------------------------------------------------------
SCHEMA_CASES(EnumConst,
  Case{"enum_accepts_member", R"({"enum":["a","b"]})", R"("b")", true},
  Case{"enum_rejects_non_member", R"({"enum":["a","b"]})", R"("c")", false, "", R"(must be one of ["a","b"])"},
  Case{"enum_mixed_types", R"({"enum":[1,"1",null]})", "null", true},
  Case{"enum_string_is_not_number", R"({"enum":[1]})", R"("1")", false},
  Case{"enum_number_equality_across_kinds", R"({"enum":[1]})", "1.0", true},
  Case{"enum_object_member_order_irrelevant", R"({"enum":[{"a":1,"b":2}]})", R"({"b":2,"a":1})", true},
  Case{"enum_object_value_differs", R"({"enum":[{"a":1}]})", R"({"a":2})", false},
  Case{"enum_array_order_matters", R"({"enum":[[1,2]]})", "[2,1]", false},
  Case{"enum_true_is_not_1", R"({"enum":[1]})", "true", false},
  Case{"enum_long_list_truncated_in_message", R"({"enum":["aaaaaaaaaaaaaaaaaaaa","bbbbbbbbbbbbbbbbbbbb","cccccccccccccccccccc","dddddddddddddddddddd"]})",
       R"("x")", false, "", R"(must be one of ["aaaaaaaaaaaaaaaaaaaa","bbbbbbbbbbbbbbbbbbbb","cccccccccccccccccccc","ddddddddd...)"},
  Case{"enum_not_array_ignored", R"({"enum":"a"})", R"("b")", true},
  Case{"const_accepts_equal", R"({"const":{"k":[1,2]}})", R"({"k":[1,2]})", true},
  Case{"const_rejects_different", R"({"const":"on"})", R"("off")", false, "", R"(must be equal to "on")"},
  Case{"const_null", R"({"const":null})", "null", true},
  Case{"const_null_rejects_false", R"({"const":null})", "false", false, "", "must be equal to null"},
  Case{"const_number_across_kinds", R"({"const":2.0})", "2", true},
  Case{"const_false_rejects_zero", R"({"const":false})", "0", false});

// ---------------------------------------------------------------------------
SCHEMA_CASES(Numeric,
  Case{"minimum_accepts_equal", R"({"minimum":5})", "5", true},
  Case{"minimum_rejects_below", R"({"minimum":5})", "4.999", false, "", "must be >= 5"},
  Case{"maximum_accepts_equal", R"({"maximum":1.5})", "1.5", true},
  Case{"maximum_rejects_above", R"({"maximum":1.5})", "2", false, "", "must be <= 1.5"},
  Case{"exclusive_minimum_rejects_equal", R"({"exclusiveMinimum":0})", "0", false, "", "must be > 0"},
  Case{"exclusive_minimum_accepts_above", R"({"exclusiveMinimum":0})", "0.001", true},
  Case{"exclusive_maximum_rejects_equal", R"({"exclusiveMaximum":10})", "10", false, "", "must be < 10"},
  Case{"exclusive_maximum_accepts_below", R"({"exclusiveMaximum":10})", "9", true},
  Case{"draft04_boolean_exclusive_minimum", R"({"minimum":1,"exclusiveMinimum":true})", "1", false, "", "must be > 1"},
  Case{"draft04_boolean_exclusive_maximum", R"({"maximum":1,"exclusiveMaximum":true})", "0", true},
  Case{"bounds_ignore_non_numbers", R"({"minimum":5})", R"("abc")", true},
  Case{"minimum_not_a_number_ignored", R"({"minimum":"5"})", "1", true},
  Case{"uint64_above_int64_maximum", R"({"maximum":9223372036854775807})", "9223372036854775808", false, "",
       "must be <= 9223372036854775807"},
  Case{"negative_int_below_uint_minimum", R"({"minimum":18446744073709551615})", "-1", false},
  Case{"large_integers_compared_exactly", R"({"maximum":9007199254740992})", "9007199254740993", false},
  Case{"multiple_of_integer_accepts", R"({"multipleOf":3})", "-9", true},
  Case{"multiple_of_integer_rejects", R"({"multipleOf":3})", "10", false, "", "must be a multiple of 3"},
  Case{"multiple_of_decimal_accepts_0_3", R"({"multipleOf":0.1})", "0.3", true},
  Case{"multiple_of_decimal_rejects_0_35", R"({"multipleOf":0.1})", "0.35", false, "", "must be a multiple of 0.1"},
  Case{"multiple_of_half_accepts_integer", R"({"multipleOf":0.5})", "7", true},
  Case{"multiple_of_quotient_overflow_uses_fmod", R"({"multipleOf":0.5})", "1e308", true},
  Case{"multiple_of_int64_min", R"({"multipleOf":2})", "-9223372036854775808", true},
  Case{"multiple_of_zero_ignored", R"({"multipleOf":0})", "5", true},
  Case{"multiple_of_negative_ignored", R"({"multipleOf":-2})", "5", true});

// ---------------------------------------------------------------------------
SCHEMA_CASES(String,
  Case{"min_length_accepts_equal", R"({"minLength":2})", R"("ab")", true},
  Case{"min_length_rejects_short", R"({"minLength":2})", R"("a")", false, "", "must be at least 2 characters long"},
  Case{"max_length_accepts_equal", R"({"maxLength":3})", R"("abc")", true},
  Case{"max_length_rejects_long", R"({"maxLength":1})", R"("ab")", false, "", "must be at most 1 character long"},
  // "héé" is 5 bytes, 3 code points; "日本語" is 9 bytes; "😀" is 4 bytes, 1 code point.
  Case{"max_length_counts_code_points_2_byte", R"({"maxLength":3})", "\"h\u00e9\u00e9\"", true},
  Case{"max_length_counts_code_points_3_byte", R"({"maxLength":3})", "\"\u65e5\u672c\u8a9e\"", true},
  Case{"max_length_counts_code_points_4_byte", R"({"maxLength":1})", R"("\ud83d\ude00")", true},
  Case{"min_length_counts_code_points", R"({"minLength":2})", R"("\ud83d\ude00")", false, "", "must be at least 2 characters long"},
  Case{"length_integral_double_bound", R"({"maxLength":2.0})", R"("abc")", false},
  Case{"length_negative_bound_ignored", R"({"minLength":-1})", R"("")", true},
  Case{"length_fractional_bound_ignored", R"({"maxLength":1.5})", R"("abc")", true},
  Case{"length_ignores_non_strings", R"({"maxLength":1})", "12345", true},
  Case{"pattern_accepts_match", R"({"pattern":"^[a-z]+$"})", R"("abc")", true},
  Case{"pattern_rejects_mismatch", R"({"pattern":"^[a-z]+$"})", R"("abC")", false, "", R"(must match pattern "^[a-z]+$")"},
  Case{"pattern_is_not_anchored", R"({"pattern":"b+"})", R"("abbbc")", true},
  Case{"pattern_anchors_still_work_unanchored", R"({"pattern":"^b"})", R"("ab")", false},
  Case{"pattern_dollar_anchors_end", R"({"pattern":"a$"})", R"("ab")", false},
  Case{"pattern_alternation_is_grouped", R"({"pattern":"^a|b$"})", R"("xxa")", false},
  Case{"pattern_alternation_second_branch", R"({"pattern":"^a|b$"})", R"("xxb")", true},
  Case{"pattern_dot_matches_one_code_point", R"({"pattern":"^.$"})", "\"\u00e9\"", true},
  Case{"pattern_quantifier_counts_code_points", R"({"pattern":"^.{3}$"})", "\"\u65e5\u672c\u8a9e\"", true},
  Case{"pattern_non_ascii_range", R"({"pattern":"^[\u00e0-\u00ff]+$"})", "\"\u00e9\u00e8\"", true},
  Case{"pattern_digit_class", R"({"pattern":"^\\d{3}-\\d{4}$"})", R"("555-1234")", true},
  Case{"pattern_matches_across_newline", R"({"pattern":"b"})", R"("a\nb")", true},
  Case{"pattern_invalid_is_ignored", R"({"pattern":"[a-"})", R"("anything")", true},
  Case{"pattern_unbalanced_paren_is_ignored", R"({"pattern":"a)|(b"})", R"("zzz")", true},
  Case{"pattern_backreference_is_ignored", R"({"pattern":"(a)\\1"})", R"("ab")", true},
  Case{"pattern_non_string_ignored", R"({"pattern":5})", R"("x")", true},
  Case{"pattern_ignores_non_strings", R"({"pattern":"^a$"})", "5", true},
  Case{"format_is_annotation_only", R"({"format":"email"})", R"("not an email")", true},
  Case{"format_date_time_is_annotation_only", R"({"type":"string","format":"date-time"})", R"("yesterday")", true});

// ---------------------------------------------------------------------------
SCHEMA_CASES(Array,
  Case{"min_items_accepts", R"({"minItems":1})", "[1]", true},
  Case{"min_items_rejects", R"({"minItems":2})", "[1]", false, "", "must have at least 2 items"},
  Case{"max_items_accepts", R"({"maxItems":2})", "[1,2]", true},
  Case{"max_items_rejects", R"({"maxItems":1})", "[1,2]", false, "", "must have at most 1 item"},
  Case{"items_bounds_ignore_non_arrays", R"({"minItems":1})", R"("")", true},
  Case{"unique_items_accepts_distinct", R"({"uniqueItems":true})", R"([1,"1",true,null,[1],{"a":1}])", true},
  Case{"unique_items_rejects_duplicate", R"({"uniqueItems":true})", "[1,2,1]", false, "",
       "must contain unique items (items 0 and 2 are equal)"},
  Case{"unique_items_number_kinds_equal", R"({"uniqueItems":true})", "[1,1.0]", false},
  Case{"unique_items_objects_ignore_order", R"({"uniqueItems":true})", R"([{"a":1,"b":2},{"b":2,"a":1}])", false},
  Case{"unique_items_false_allows_duplicates", R"({"uniqueItems":false})", "[1,1]", true},
  Case{"items_schema_accepts", R"({"items":{"type":"integer"}})", "[1,2,3]", true},
  Case{"items_schema_rejects_with_index", R"({"items":{"type":"integer"}})", R"([1,"x",3])", false, "/1",
       "must be of type integer"},
  Case{"items_empty_array_valid", R"({"items":{"type":"integer"}})", "[]", true},
  Case{"prefix_items_checked_by_position", R"({"prefixItems":[{"type":"string"},{"type":"integer"}]})", R"(["a","b"])",
       false, "/1", "must be of type integer"},
  Case{"prefix_items_allows_extra_by_default", R"({"prefixItems":[{"type":"string"}]})", R"(["a",1,null])", true},
  Case{"prefix_items_shorter_instance_ok", R"({"prefixItems":[{"type":"string"},{"type":"integer"}]})", R"(["a"])", true},
  Case{"prefix_items_rest_checked_by_items", R"({"prefixItems":[{"type":"string"}],"items":{"type":"integer"}})",
       R"(["a",1,"b"])", false, "/2", "must be of type integer"},
  Case{"prefix_items_with_items_false", R"({"prefixItems":[{},{}],"items":false})", "[1,2,3]", false, "",
       "must have at most 2 items"},
  Case{"prefix_items_with_items_false_exact_length", R"({"prefixItems":[{},{}],"items":false})", "[1,2]", true},
  Case{"draft07_tuple_items", R"({"items":[{"type":"string"},{"type":"integer"}]})", R"(["a","b"])", false, "/1"},
  Case{"draft07_additional_items_schema", R"({"items":[{"type":"string"}],"additionalItems":{"type":"integer"}})",
       R"(["a",1,"x"])", false, "/2", "must be of type integer"},
  Case{"draft07_additional_items_false", R"({"items":[{}],"additionalItems":false})", "[1,2]", false, "",
       "must have at most 1 item"},
  Case{"additional_items_ignored_without_tuple", R"({"items":{},"additionalItems":false})", "[1,2]", true},
  Case{"items_false_rejects_any_element", R"({"items":false})", "[1]", false, "", "must have at most 0 items"},
  Case{"items_false_accepts_empty", R"({"items":false})", "[]", true},
  Case{"items_true_accepts_all", R"({"items":true})", R"([1,"a",null])", true},
  Case{"items_ignore_non_arrays", R"({"items":{"type":"integer"}})", R"({"0":"x"})", true});

// ---------------------------------------------------------------------------
SCHEMA_CASES(Object,
  Case{"required_accepts_present", R"({"required":["name"]})", R"({"name":null})", true},
  Case{"required_rejects_missing", R"({"required":["id","name"]})", R"({"id":1})", false, "",
       R"(missing required property "name")"},
  Case{"required_name_is_escaped", R"({"required":["a\"b"]})", "{}", false, "", R"(missing required property "a\"b")"},
  Case{"required_non_string_entries_skipped", R"({"required":[1,"a"]})", R"({"a":1})", true},
  Case{"required_not_array_ignored", R"({"required":"a"})", "{}", true},
  Case{"required_ignores_non_objects", R"({"required":["a"]})", "[]", true},
  Case{"properties_accepts", R"({"properties":{"a":{"type":"integer"}}})", R"({"a":1,"b":"x"})", true},
  Case{"properties_rejects_with_key_path", R"({"properties":{"a":{"type":"integer"}}})", R"({"a":"x"})", false, "/a",
       "must be of type integer"},
  Case{"properties_absent_is_fine", R"({"properties":{"a":{"type":"integer"}}})", "{}", true},
  Case{"properties_path_escapes_slash_and_tilde", R"({"properties":{"a/b~c":{"type":"integer"}}})", R"({"a/b~c":true})",
       false, "/a~1b~0c", "must be of type integer"},
  Case{"properties_not_object_ignored", R"({"properties":[1]})", R"({"a":1})", true},
  Case{"additional_false_rejects_unknown", R"({"properties":{"a":{}},"additionalProperties":false})", R"({"a":1,"b":2})",
       false, "", R"(unexpected property "b")"},
  Case{"additional_false_accepts_known", R"({"properties":{"a":{}},"additionalProperties":false})", R"({"a":1})", true},
  Case{"additional_true_accepts_unknown", R"({"properties":{"a":{}},"additionalProperties":true})", R"({"z":1})", true},
  Case{"additional_schema_checks_unknown", R"({"properties":{"a":{}},"additionalProperties":{"type":"string"}})",
       R"({"a":1,"b":2})", false, "/b", "must be of type string"},
  Case{"additional_schema_skips_known", R"({"properties":{"a":{}},"additionalProperties":{"type":"string"}})",
       R"({"a":1})", true},
  Case{"additional_without_properties", R"({"additionalProperties":false})", "{}", true},
  Case{"additional_without_properties_rejects", R"({"additionalProperties":{"type":"integer"}})", R"({"x":"y"})", false,
       "/x"},
  Case{"additional_name_is_truncated",
       R"({"additionalProperties":false})",
       R"({"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":1})",
       false, "", R"(unexpected property "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...)"},
  Case{"pattern_properties_exempt_from_additional", R"({"patternProperties":{"^x-":{}},"additionalProperties":false})",
       R"({"x-trace":1})", true},
  Case{"pattern_properties_checks_value", R"({"patternProperties":{"^n_":{"type":"number"}}})", R"({"n_a":"x"})", false,
       "/n_a", "must be of type number"},
  Case{"pattern_properties_invalid_pattern_ignored", R"({"patternProperties":{"[":{"type":"number"}}})",
       R"({"[":"x"})", true},
  Case{"nested_path_in_message", R"({"properties":{"items":{"items":{"type":"integer"}}}})", R"({"items":[1,"x"]})",
       false, "/items/1", "must be of type integer"},
  Case{"deeply_nested_path", R"({"properties":{"a":{"properties":{"b":{"items":{"required":["c"]}}}}}})",
       R"({"a":{"b":[{"c":1},{}]}})", false, "/a/b/1", R"(missing required property "c")"},
  Case{"unknown_keywords_ignored", R"({"x-custom":1,"title":"t","description":"d","default":{},"examples":[2],"deprecated":true})", R"({"a":1})",
       true});

// ---------------------------------------------------------------------------
SCHEMA_CASES(Combinators,
  Case{"all_of_accepts", R"({"allOf":[{"type":"integer"},{"minimum":1}]})", "2", true},
  Case{"all_of_reports_inner_message", R"({"allOf":[{"type":"integer"},{"minimum":1}]})", "0", false, "", "must be >= 1"},
  Case{"all_of_inner_path", R"({"allOf":[{"properties":{"a":{"type":"string"}}}]})", R"({"a":1})", false, "/a"},
  Case{"any_of_accepts_first", R"({"anyOf":[{"type":"string"},{"type":"integer"}]})", R"("x")", true},
  Case{"any_of_accepts_second", R"({"anyOf":[{"type":"string"},{"type":"integer"}]})", "1", true},
  Case{"any_of_rejects_none", R"({"anyOf":[{"type":"string"},{"type":"integer"}]})", "1.5", false, "",
       "must match at least one schema in anyOf"},
  Case{"one_of_accepts_exactly_one", R"({"oneOf":[{"type":"integer"},{"type":"string"}]})", "1", true},
  Case{"one_of_rejects_two", R"({"oneOf":[{"type":"integer"},{"minimum":0}]})", "1", false, "",
       "must match exactly one schema in oneOf (matched 0 and 1)"},
  Case{"one_of_rejects_none", R"({"oneOf":[{"type":"integer"},{"type":"string"}]})", "null", false, "",
       "must match exactly one schema in oneOf (matched none)"},
  Case{"not_accepts_mismatch", R"({"not":{"type":"string"}})", "1", true},
  Case{"not_rejects_match", R"({"not":{"type":"string"}})", R"("x")", false, "", "must not match the schema in not"},
  Case{"combinator_at_nested_path", R"({"properties":{"v":{"anyOf":[{"type":"string"},{"type":"null"}]}}})", R"({"v":1})",
       false, "/v", "must match at least one schema in anyOf"},
  Case{"combinators_not_arrays_ignored", R"({"anyOf":{"type":"string"},"allOf":1,"oneOf":"x"})", "1", true});

// ---------------------------------------------------------------------------
SCHEMA_CASES(BooleanSchemas,
  Case{"true_accepts_anything", "true", R"({"a":[1,2]})", true},
  Case{"false_rejects_anything", "false", "null", false, "", "value is not allowed"},
  Case{"empty_object_accepts_anything", "{}", "[1]", true},
  Case{"false_property", R"({"properties":{"debug":false}})", R"({"debug":true})", false, "/debug", "value is not allowed"},
  Case{"false_property_absent_ok", R"({"properties":{"debug":false}})", "{}", true},
  Case{"true_property", R"({"properties":{"a":true}})", R"({"a":null})", true},
  Case{"false_prefix_item", R"({"prefixItems":[true,false]})", "[1,2]", false, "/1", "value is not allowed"},
  Case{"false_pattern_property", R"({"patternProperties":{"^_":false}})", R"({"_x":1})", false, "/_x"},
  Case{"any_of_true", R"({"anyOf":[false,true]})", "1", true},
  Case{"any_of_only_false", R"({"anyOf":[false,false]})", "1", false},
  Case{"all_of_false", R"({"allOf":[true,false]})", "1", false, "", "value is not allowed"},
  Case{"one_of_true_and_false", R"({"oneOf":[true,false]})", "1", true},
  Case{"not_false_accepts", R"({"not":false})", "1", true},
  Case{"not_true_rejects", R"({"not":true})", "1", false},
  Case{"def_false_via_ref", R"({"$defs":{"no":false},"$ref":"#/$defs/no"})", "1", false, "", "value is not allowed"});

// ---------------------------------------------------------------------------
SCHEMA_CASES(Ref,
  Case{"ref_to_defs", R"({"$defs":{"id":{"type":"integer"}},"properties":{"id":{"$ref":"#/$defs/id"}}})", R"({"id":"x"})",
       false, "/id", "must be of type integer"},
  Case{"ref_to_defs_accepts", R"({"$defs":{"id":{"type":"integer"}},"properties":{"id":{"$ref":"#/$defs/id"}}})",
       R"({"id":7})", true},
  Case{"ref_to_definitions", R"({"definitions":{"s":{"type":"string"}},"items":{"$ref":"#/definitions/s"}})", R"(["a",2])",
       false, "/1", "must be of type string"},
  Case{"ref_to_root", R"({"type":"object","properties":{"child":{"$ref":"#"}},"required":["n"]})",
       R"({"n":1,"child":{"n":2,"child":{}}})", false, "/child/child", R"(missing required property "n")"},
  Case{"ref_chain", R"({"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"type":"string"}},"$ref":"#/$defs/a"})", "1", false, "",
       "must be of type string"},
  Case{"ref_into_array", R"({"prefixItems":[{"type":"string"}],"properties":{"p":{"$ref":"#/prefixItems/0"}}})",
       R"({"p":1})", false, "/p"},
  Case{"ref_escaped_tokens", R"({"$defs":{"a/b":{"type":"string"},"c~d":{"type":"integer"}},"allOf":[{"$ref":"#/$defs/a~1b"}]})",
       "1", false, "", "must be of type string"},
  Case{"ref_tilde_token", R"({"$defs":{"c~d":{"type":"integer"}},"$ref":"#/$defs/c~0d"})", R"("x")", false, "",
       "must be of type integer"},
  Case{"ref_percent_encoded", R"({"$defs":{"a b":{"type":"integer"}},"$ref":"#/$defs/a%20b"})", R"("x")", false, "",
       "must be of type integer"},
  Case{"ref_via_root_id", R"({"$id":"https://example.com/s.json","$defs":{"i":{"type":"integer"}},"$ref":"https://example.com/s.json#/$defs/i"})",
       R"("x")", false, "", "must be of type integer"},
  Case{"ref_siblings_apply_in_2020_12", R"({"$defs":{"i":{"type":"integer"}},"$ref":"#/$defs/i","minimum":5})", "1", false,
       "", "must be >= 5"},
  Case{"ref_siblings_ignored_in_draft07",
       R"({"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"i":{"type":"integer"}},"properties":{"x":{"$ref":"#/definitions/i","minimum":5}}})",
       R"({"x":1})", true},
  Case{"ref_draft07_still_applies_target",
       R"({"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"i":{"type":"integer"}},"properties":{"x":{"$ref":"#/definitions/i"}}})",
       R"({"x":"s"})", false, "/x"},
  Case{"remote_http_ref_is_not_dereferenced", R"({"$ref":"https://example.com/schema.json"})", R"({"anything":1})", true},
  Case{"remote_ref_with_fragment_ignored", R"({"$ref":"http://json-schema.org/draft-07/schema#/definitions/x"})", "1", true},
  Case{"relative_file_ref_ignored", R"({"$ref":"other.json#/$defs/x"})", "1", true},
  Case{"remote_ref_siblings_still_apply", R"({"$ref":"https://example.com/s.json","type":"string"})", "1", false, "",
       "must be of type string"},
  Case{"anchor_ref_ignored", R"({"$ref":"#thing"})", "1", true},
  Case{"dangling_local_ref_ignored", R"({"$ref":"#/$defs/missing"})", "1", true},
  Case{"array_index_ref", R"({"$defs":{"list":[{"type":"string"}]},"$ref":"#/$defs/list/0"})", "1", false, "",
       "must be of type string"},
  Case{"leading_zero_index_ref_is_dangling", R"({"$defs":{"list":[{"type":"string"}]},"$ref":"#/$defs/list/00"})", "1",
       true},
  Case{"non_string_ref_ignored", R"({"$ref":5})", "1", true},
  Case{"recursive_tree_valid",
       R"({"$defs":{"node":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/node"}}}}},"$ref":"#/$defs/node"})",
       R"({"kids":[{"kids":[]},{"kids":[{"kids":[]}]}]})", true},
  Case{"recursive_tree_invalid_leaf",
       R"({"$defs":{"node":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/node"}}}}},"$ref":"#/$defs/node"})",
       R"({"kids":[{"kids":[]},{"kids":[5]}]})", false, "/kids/1/kids/0", "must be of type object"});

// ---------------------------------------------------------------------------
SCHEMA_CASES(MalformedSchemas,
  Case{"number_schema_accepts_all", "42", R"({"a":1})", true},
  Case{"string_schema_accepts_all", R"("string")", "1", true},
  Case{"null_schema_accepts_all", "null", "1", true},
  Case{"array_schema_accepts_all", R"([{"type":"string"}])", "1", true},
  Case{"nested_non_schema_accepts", R"({"properties":{"a":7}})", R"({"a":"x"})", true},
  Case{"items_number_accepts", R"({"items":3})", "[1]", true},
  Case{"not_number_accepts", R"({"not":3})", "1", true},
  Case{"additional_properties_string_accepts", R"({"additionalProperties":"no"})", R"({"a":1})", true},
  Case{"all_bad_keywords_at_once",
       R"({"type":{},"enum":{},"minimum":null,"maxLength":"3","pattern":[],"required":{},"minItems":-2,"uniqueItems":"yes","multipleOf":"2","$ref":[]})",
       R"("abc")", true});

// ---------------------------------------------------------------------------
// Rendering, limits and robustness.

json::value parse(std::string_view s) { return json::parse(s); }

TEST(JsonSchemaToString, RendersNestedPath) {
  EXPECT_EQ(to_string(SchemaViolation{"/items/0", "must be of type integer"}), "at /items/0: must be of type integer");
}

TEST(JsonSchemaToString, RendersRootAsRoot) {
  EXPECT_EQ(to_string(SchemaViolation{"", R"(missing required property "name")"}),
            R"(at root: missing required property "name")");
}

TEST(JsonSchemaToString, EndToEndMessage) {
  const auto v = validate_json_schema(parse(R"({"properties":{"items":{"items":{"type":"integer"}}}})"),
                                      parse(R"({"items":[1.5]})"));
  ASSERT_TRUE(v);
  EXPECT_EQ(to_string(*v), "at /items/0: must be of type integer");
}

TEST(JsonSchemaRecursion, SelfReferenceIsCutOffNotInfinite) {
  const auto v = validate_json_schema(parse(R"({"$ref":"#"})"), parse("1"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "schema $ref recursion is too deep (limit 64)");
}

TEST(JsonSchemaRecursion, MutualReferenceIsCutOff) {
  const auto v = validate_json_schema(
      parse(R"({"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"properties":{"x":{"$ref":"#/$defs/a"}}})"),
      parse(R"({"x":1})"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->instance_path, "/x");
  EXPECT_EQ(v->message, "schema $ref recursion is too deep (limit 64)");
}

TEST(JsonSchemaRecursion, CutOffInsideNotStillFailsClosed) {
  // Without fail-closed propagation, alternating not/$ref would flip the
  // verdict at every level and return an arbitrary answer.
  const auto v = validate_json_schema(parse(R"({"not":{"$ref":"#"}})"), parse("1"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "schema $ref recursion is too deep (limit 64)");
}

TEST(JsonSchemaRecursion, CutOffInsideAnyOfStillFailsClosed) {
  const auto v = validate_json_schema(parse(R"({"anyOf":[{"$ref":"#"},true]})"), parse("1"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "schema $ref recursion is too deep (limit 64)");
}

// Built by moving, not with initializer lists (which copy the subtree).
json::value wrap(std::string_view key, json::value inner) {
  json::object o;
  o[key] = std::move(inner);
  return o;
}

json::value repeated(char c, std::size_t n) {
  json::value v;
  v.emplace_string().assign(n, c);
  return v;
}

json::value linked_list(int depth) {
  json::value v = json::object{};
  for (int i = 0; i < depth; ++i) v = wrap("next", std::move(v));
  return v;
}

TEST(JsonSchemaRecursion, RecursiveDataWithinLimitIsValid) {
  const auto schema = parse(R"({"type":"object","properties":{"next":{"$ref":"#"}},"additionalProperties":false})");
  EXPECT_FALSE(validate_json_schema(schema, linked_list(60)));
}

TEST(JsonSchemaRecursion, RecursiveDataBeyondLimitFailsClosed) {
  const auto schema = parse(R"({"type":"object","properties":{"next":{"$ref":"#"}}})");
  const auto v = validate_json_schema(schema, linked_list(100));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "schema $ref recursion is too deep (limit 64)");
  EXPECT_EQ(v->instance_path.rfind("/next/next", 0), 0u) << v->instance_path;
}

TEST(JsonSchemaLimits, ExponentialRefFanOutIsBounded) {
  // a0 -> anyOf[a1, a1] -> ... -> a40 = false: 2^40 paths, none recursive.
  json::object defs;
  for (int i = 0; i < 40; ++i) {
    const std::string next = "#/$defs/a" + std::to_string(i + 1);
    defs["a" + std::to_string(i)] = json::object{{"anyOf", json::array{json::object{{"$ref", next}}, json::object{{"$ref", next}}}}};
  }
  defs["a40"] = false;
  const json::value schema = json::object{{"$defs", std::move(defs)}, {"$ref", "#/$defs/a0"}};
  const auto start = std::chrono::steady_clock::now();
  const auto v = validate_json_schema(schema, parse("1"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "schema is too complex to evaluate");
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST(JsonSchemaLimits, DeeplyNestedBuiltSchemaDoesNotOverflowStack) {
  json::value schema = json::object{{"type", "string"}};
  for (int i = 0; i < 5000; ++i) {
    json::array one;
    one.push_back(std::move(schema));
    schema = wrap("allOf", std::move(one));
  }
  const auto v = validate_json_schema(schema, parse("1"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "schema is nested too deeply to evaluate");
}

TEST(JsonSchemaLimits, LongStringAgainstPatternIsLinearAndSafe) {
  // libstdc++'s backtracking matcher would overflow the stack here.
  const json::value instance = repeated('a', 90'000);
  EXPECT_FALSE(validate_json_schema(parse(R"({"pattern":"^(a|b)*$"})"), instance));
  const auto v = validate_json_schema(parse(R"({"pattern":"[a-z]+@[a-z]+"})"), instance);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, R"(must match pattern "[a-z]+@[a-z]+")");
}

TEST(JsonSchemaLimits, TooLongStringForPatternFailsClosed) {
  const json::value instance = repeated('a', 100'001);
  const auto v = validate_json_schema(parse(R"({"pattern":"^a+$"})"), instance);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, R"(is too long to check against pattern "^a+$" (limit 100000 characters))");
  // Without a pattern, length alone is fine.
  EXPECT_FALSE(validate_json_schema(parse(R"({"type":"string"})"), instance));
}

TEST(JsonSchemaLimits, OversizedPatternIsIgnored) {
  const json::value schema = wrap("pattern", repeated('a', 10'000));
  EXPECT_FALSE(validate_json_schema(schema, parse(R"("b")")));
  const json::value nested = wrap("pattern", json::string(std::string(100, '(') + "a" + std::string(100, ')')));
  EXPECT_FALSE(validate_json_schema(nested, parse(R"("b")")));
}

// Found by the json_schema fuzzer (fuzz/regressions/json_schema/): libstdc++
// 12 overflowed a long reading these numbers (undefined behaviour); such a
// pattern is ignored like any other the regex compiler cannot take safely.
TEST(JsonSchemaLimits, PatternWithAnOverlongRepetitionBoundOrBackReferenceIsIgnored) {
  for (const char* pattern : {"a{99999999999999999999}", "a{1,99999999999999999999}", "(a)\\99999999999999999999"}) {
    SCOPED_TRACE(pattern);
    EXPECT_FALSE(validate_json_schema(wrap("pattern", json::string(pattern)), parse(R"("b")")));
  }
  // Ordinary bounds are still read and enforced.
  EXPECT_TRUE(validate_json_schema(wrap("pattern", json::string("^a{2,99}$")), parse(R"("a")")));
}

TEST(JsonSchemaLimits, LargeUniqueItemsArray) {
  json::array items;
  for (int i = 0; i < 5000; ++i) items.emplace_back(i);
  const auto schema = parse(R"({"uniqueItems":true})");
  EXPECT_FALSE(validate_json_schema(schema, items));
  items.emplace_back(1234.0);
  const auto v = validate_json_schema(schema, items);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "must contain unique items (items 1234 and 5000 are equal)");
}

TEST(JsonSchemaRobustness, InvalidUtf8InBuiltStringsDoesNotCrash) {
  // Values built in code can hold bytes the parser would reject.
  const json::value instance = json::string("a\xff\xc3");
  const auto v = validate_json_schema(parse(R"({"maxLength":2,"pattern":"^a"})"), instance);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "must be at most 2 characters long");
  EXPECT_FALSE(validate_json_schema(parse(R"({"pattern":"^a.."})"), instance));
}

TEST(JsonSchemaRobustness, NanAndInfinityFailBoundsInsteadOfCrashing) {
  const auto schema = parse(R"({"minimum":0,"maximum":10})");
  EXPECT_TRUE(validate_json_schema(schema, json::value(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_TRUE(validate_json_schema(schema, json::value(std::numeric_limits<double>::infinity())));
  EXPECT_TRUE(validate_json_schema(parse(R"({"type":"integer"})"), json::value(std::numeric_limits<double>::infinity())));
  EXPECT_TRUE(validate_json_schema(parse(R"({"multipleOf":2})"), json::value(std::numeric_limits<double>::infinity())));
}

TEST(JsonSchemaRobustness, PatternIsCompiledOncePerCall) {
  // Many items against one pattern: correctness across reuse of one compiled pattern.
  json::array items;
  for (int i = 0; i < 200; ++i) items.emplace_back(i % 2 ? "ok" : "fine");
  items.emplace_back("NOPE");
  const auto v = validate_json_schema(parse(R"({"items":{"pattern":"^[a-z]+$"}})"), items);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->instance_path, "/200");
}

TEST(JsonSchemaRobustness, TypicalToolSchema) {
  const auto schema = parse(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
      "path": {"type": "string", "minLength": 1, "pattern": "^/"},
      "mode": {"enum": ["read", "write"]},
      "limit": {"type": "integer", "minimum": 1, "maximum": 1000},
      "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
      "options": {"$ref": "#/$defs/options"}
    },
    "required": ["path"],
    "additionalProperties": false,
    "$defs": {"options": {"type": "object", "properties": {"recursive": {"type": "boolean"}}, "additionalProperties": false}}
  })");
  EXPECT_FALSE(validate_json_schema(schema, parse(R"({"path":"/tmp","mode":"read","limit":10.0,"tags":["a"],"options":{"recursive":true}})")));
  const auto v = validate_json_schema(schema, parse(R"({"path":"/tmp","options":{"recursive":"yes"}})"));
  ASSERT_TRUE(v);
  EXPECT_EQ(to_string(*v), "at /options/recursive: must be of type boolean");
  const auto extra = validate_json_schema(schema, parse(R"({"path":"/tmp","colour":"red"})"));
  ASSERT_TRUE(extra);
  EXPECT_EQ(to_string(*extra), R"(at root: unexpected property "colour")");
}

// ---------------------------------------------------------------------------
// CompiledSchema: patterns compiled once, when the schema is prepared.

// The schema behind the tests below: patterns reached directly, through
// $ref into $defs, inside anyOf, as patternProperties names, and through a
// $ref into a place no keyword names (a $ref may point anywhere).
constexpr const char* kPatternedSchema = R"({
  "type": "object",
  "properties": {
    "code": {"$ref": "#/$defs/code"},
    "id": {"anyOf": [{"pattern": "^[0-9]+$"}, {"pattern": "^id-[a-z]+$"}]},
    "meta": {"$ref": "#/$defs/tagged"},
    "zone": {"$ref": "#/x-shared/zone"}
  },
  "additionalProperties": false,
  "$defs": {
    "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "tagged": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false}
  },
  "x-shared": {"zone": {"pattern": "^[a-z]+-[0-9]$"}}
})";

TEST(CompiledSchema, NestedPatternsValidateAsBefore) {
  const json::value schema = parse(kPatternedSchema);
  const CompiledSchema compiled(schema);
  EXPECT_EQ(compiled.compiled_patterns(), 5u);
  for (const char* instance : {
           R"({"code":"ABC","id":"42","meta":{"x-a":"1"},"zone":"eu-1"})",
           R"({"id":"id-abc"})",
           R"({"code":"abc"})",
           R"({"id":"id-42"})",
           R"({"meta":{"x-a":1}})",
           R"({"meta":{"y":"1"}})",
           R"({"zone":"EU-1"})",
       }) {
    SCOPED_TRACE(instance);
    expect_same_as_one_shot(compiled, schema, parse(instance));
  }
  const auto code = compiled.validate(parse(R"({"code":"abc"})"));
  ASSERT_TRUE(code);
  EXPECT_EQ(to_string(*code), R"(at /code: must match pattern "^[A-Z]{3}$")");
  const auto zone = compiled.validate(parse(R"({"zone":"EU-1"})"));
  ASSERT_TRUE(zone);
  EXPECT_EQ(to_string(*zone), R"(at /zone: must match pattern "^[a-z]+-[0-9]$")");
  const auto meta = compiled.validate(parse(R"({"meta":{"y":"1"}})"));
  ASSERT_TRUE(meta);
  EXPECT_EQ(to_string(*meta), R"(at /meta: unexpected property "y")");
}

TEST(CompiledSchema, ValidatingCompilesNothingMore) {
  const CompiledSchema compiled(parse(kPatternedSchema));
  const std::size_t prepared = compiled.compiled_patterns();
  const json::value valid = parse(R"({"code":"ABC","id":"id-x","meta":{"x-b":"2"},"zone":"us-2"})");
  const json::value invalid = parse(R"({"code":"ABCD"})");
  for (int i = 0; i < 200; ++i) {
    EXPECT_FALSE(compiled.validate(valid));
    EXPECT_TRUE(compiled.validate(invalid));
  }
  EXPECT_EQ(compiled.compiled_patterns(), prepared);
}

// Hostile patterns (beyond the compiler's bounds) and unusable ones
// (invalid, back-references) are ignored as before, once compiled or not.
TEST(CompiledSchema, HostileAndUnusablePatternsAreIgnoredAsBefore) {
  std::string too_deep(100, '(');
  too_deep += 'a';
  too_deep.append(100, ')');
  json::array subschemas;
  subschemas.push_back(wrap("pattern", repeated('a', 10'000)));
  subschemas.push_back(wrap("pattern", json::string(too_deep)));
  subschemas.push_back(wrap("pattern", json::string("a{99999999999999999999}")));
  subschemas.push_back(wrap("pattern", json::string("[a-")));
  subschemas.push_back(wrap("pattern", json::string("(a)\\1")));
  subschemas.push_back(parse(R"({"patternProperties":{"[":{"type":"number"}}})"));
  subschemas.push_back(wrap("pattern", json::string("^b")));  // the one usable pattern
  const json::value schema = wrap("allOf", std::move(subschemas));
  const CompiledSchema compiled(schema);
  EXPECT_EQ(compiled.compiled_patterns(), 7u);
  for (const char* instance : {R"("b")", R"("a")", R"({"[":"x"})", R"("ba")"})
    expect_same_as_one_shot(compiled, schema, parse(instance));
  EXPECT_FALSE(compiled.validate(parse(R"("b")")));
  EXPECT_FALSE(compiled.validate(parse(R"({"[":"x"})")));
  const auto v = compiled.validate(parse(R"("a")"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, R"(must match pattern "^b")");
}

TEST(CompiledSchema, TooLongSubjectStillFailsClosed) {
  const CompiledSchema compiled(parse(R"({"pattern":"^a+$"})"));
  const auto v = compiled.validate(repeated('a', 100'001));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, R"(is too long to check against pattern "^a+$" (limit 100000 characters))");
}

// Beyond the number of patterns one schema may have compiled, a pattern the
// validation meets could not be checked: the instance is invalid.
TEST(CompiledSchema, PatternsBeyondTheBoundFailClosed) {
  json::array subschemas;
  for (int i = 0; i <= 1000; ++i) subschemas.push_back(wrap("pattern", json::string("x|" + std::to_string(i))));
  const json::value schema = wrap("allOf", std::move(subschemas));
  const CompiledSchema compiled(schema);
  EXPECT_EQ(compiled.compiled_patterns(), 1000u);
  const auto v = compiled.validate(parse(R"("x")"));
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->message.starts_with("could not be checked against pattern")) << v->message;
  EXPECT_TRUE(validate_json_schema(schema, parse(R"("x")")));
}

// One prepared schema shared by several threads, as tools/call does.
TEST(CompiledSchema, ValidatesConcurrently) {
  const CompiledSchema compiled(parse(kPatternedSchema));
  const json::value valid = parse(R"({"code":"ABC","id":"7","zone":"ap-3"})");
  const json::value invalid = parse(R"({"id":"seven"})");
  std::vector<int> mistakes(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < mistakes.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        if (compiled.validate(valid)) ++mistakes[t];
        if (!compiled.validate(invalid)) ++mistakes[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const int m : mistakes) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace gatehouse::mcp
