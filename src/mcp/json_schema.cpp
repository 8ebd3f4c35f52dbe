// JSON Schema validator for tool arguments. Section numbers refer to
// "JSON Schema Validation" (draft 2020-12, draft-bhutton-json-schema-validation-01)
// as "Validation §N" and to "JSON Schema Core" (draft-bhutton-json-schema-01)
// as "Core §N", unless a draft-07 section is named.
#include "mcp/json_schema.hpp"

#include "net/form.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <regex>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gatehouse::mcp {
namespace {

namespace json = boost::json;

// ---------------------------------------------------------------------------
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
// Code points of a string matched against `pattern`/`patternProperties`.
// Matching is linear (see search_pattern), this bounds the constant.
constexpr std::size_t kMaxPatternSubject = 100'000;
// Bytes and group nesting of a pattern we agree to compile: libstdc++'s
// regex compiler recurses once per term and once per nested group.
constexpr std::size_t kMaxPatternLength = 2048;
constexpr int kMaxPatternGroupDepth = 64;
// Digits of a repetition bound or back-reference number (see pattern_is_compilable).
constexpr std::size_t kMaxPatternNumberDigits = 9;
// Bytes of a schema or instance value quoted in a message.
constexpr std::size_t kMaxRendered = 80;

// ---------------------------------------------------------------------------
// UTF-8.

// Decodes the code point at s[i] and advances i. Malformed input (the parser
// rejects it, but values can be built in code) yields U+FFFD for one byte, so
// callers always make progress.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  // Sequence length, payload bits of the lead byte, and the smallest code
  // point that needs this length (anything below is an overlong encoding).
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    ++i;
    return U'\uFFFD';
  }
  if (s.size() - i < len) {
    ++i;
    return U'\uFFFD';
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return U'\uFFFD';
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return U'\uFFFD';
  }
  i += len;
  return cp;
}

// String length is the number of code points, not bytes (Validation §6.3.1:
// "the number of characters ... as defined by RFC 8259").
std::size_t count_code_points(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) next_code_point(s, i);
  return n;
}

// std::wregex over code points gives `.`, `{n}` and character ranges the
// per-character meaning patterns have in ECMA-262 (wchar_t is UTF-32 on the
// platforms we ship; UTF-16 elsewhere is the best available).
std::wstring to_wide(std::string_view s) {
  std::wstring out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char32_t cp = next_code_point(s, i);
    if constexpr (sizeof(wchar_t) >= 4) {
      out.push_back(static_cast<wchar_t>(cp));
    } else if (cp >= 0x10000) {
      out.push_back(static_cast<wchar_t>(0xD800 + ((cp - 0x10000) >> 10)));
      out.push_back(static_cast<wchar_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<wchar_t>(cp));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Numbers. JSON Schema has one number type (Core §4.2.1); Boost.JSON has
// three kinds, so comparisons and equality must look through them.

bool is_integral(const json::value& v) {
  switch (v.kind()) {
    case json::kind::int64:
    case json::kind::uint64:
      return true;
    case json::kind::double_: {
      // "integer" includes 3.0: a number with a zero fractional part (Core §4.2.1).
      const double d = v.get_double();
      return std::isfinite(d) && std::trunc(d) == d;
    }
    default:
      return false;
  }
}

double to_double(const json::value& v) {
  switch (v.kind()) {
    case json::kind::int64:
      return static_cast<double>(v.get_int64());
    case json::kind::uint64:
      return static_cast<double>(v.get_uint64());
    default:
      return v.get_double();
  }
}

// Exact for two integers (so 2^63 limits behave), via double otherwise.
// Unordered when a NaN is involved, which then fails every bound.
std::partial_ordering compare_numbers(const json::value& a, const json::value& b) {
  if (a.is_double() || b.is_double()) return to_double(a) <=> to_double(b);
  if (a.is_int64() && b.is_int64()) return a.get_int64() <=> b.get_int64();
  if (a.is_uint64() && b.is_uint64()) return a.get_uint64() <=> b.get_uint64();
  if (a.is_int64()) {  // b is uint64
    const std::int64_t x = a.get_int64();
    if (x < 0) return std::partial_ordering::less;
    return static_cast<std::uint64_t>(x) <=> b.get_uint64();
  }
  const std::int64_t y = b.get_int64();  // a is uint64
  if (y < 0) return std::partial_ordering::greater;
  return a.get_uint64() <=> static_cast<std::uint64_t>(y);
}

// A count keyword (minLength, maxItems, ...) must be a non-negative integer;
// 3.0 counts as 3 (Validation §6.3.1 and friends). Anything else: ignored.
std::optional<std::uint64_t> as_count(const json::value* v) {
  if (!v) return std::nullopt;
  switch (v->kind()) {
    case json::kind::int64:
      if (v->get_int64() < 0) return std::nullopt;
      return static_cast<std::uint64_t>(v->get_int64());
    case json::kind::uint64:
      return v->get_uint64();
    case json::kind::double_: {
      const double d = v->get_double();
      if (!is_integral(*v) || d < 0 || d >= 18446744073709551616.0) return std::nullopt;
      return static_cast<std::uint64_t>(d);
    }
    default:
      return std::nullopt;
  }
}

std::optional<std::uint64_t> magnitude_if_integer(const json::value& v) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64()) {
    const std::int64_t x = v.get_int64();
    // Negate in unsigned arithmetic so INT64_MIN does not overflow.
    return x < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(x) : static_cast<std::uint64_t>(x);
  }
  return std::nullopt;
}

// Validation §6.2.1. Integers are checked exactly. Otherwise the quotient is
// compared to the nearest integer with a small relative tolerance, so that
// 0.3 is a multiple of 0.1 despite binary floating point; when the quotient
// overflows, fmod (which is exact) decides.
bool is_multiple_of(const json::value& x, const json::value& m) {
  const auto xm = magnitude_if_integer(x);
  const auto mm = magnitude_if_integer(m);
  if (xm && mm && *mm != 0) return *xm % *mm == 0;
  const double xd = to_double(x);
  const double md = to_double(m);
  if (!std::isfinite(xd)) return false;
  const double q = xd / md;
  if (!std::isfinite(q)) return std::fmod(xd, md) == 0.0;
  return std::abs(q - std::nearbyint(q)) <= 1e-12 * std::max(1.0, std::abs(q));
}

std::string format_number(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  char buf[32];
  // Shortest round-trip form: "0.1" and "5", not "1.0000000000000001E-1".
  const auto r = std::to_chars(buf, buf + sizeof buf, v.get_double());
  return std::string(buf, r.ptr);
}

// ---------------------------------------------------------------------------
// Equality (Core §4.2.2): numbers compare by value (1 == 1.0), objects
// ignore member order.

bool json_equal(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::null:
      return true;
    case json::kind::bool_:
      return a.get_bool() == b.get_bool();
    case json::kind::string:
      return a.get_string() == b.get_string();
    case json::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!json_equal(x[i], y[i])) return false;
      return true;
    }
    case json::kind::object: {
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& kv : x) {
        const json::value* other = y.if_contains(kv.key());
        if (!other || !json_equal(kv.value(), *other)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

// A hash consistent with json_equal: equal numbers have equal doubles, and
// object members are combined order-independently.
std::size_t json_hash(const json::value& v) {
  constexpr std::size_t kMul = 0x100000001b3ULL;
  switch (v.kind()) {
    case json::kind::null:
      return 0x6e756c6cU;
    case json::kind::bool_:
      return v.get_bool() ? 0x74U : 0x66U;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: {
      const double d = to_double(v);
      return std::hash<double>{}(d == 0.0 ? 0.0 : d);  // -0.0 == 0.0
    }
    case json::kind::string: {
      const auto& s = v.get_string();
      return std::hash<std::string_view>{}(std::string_view(s.data(), s.size()));
    }
    case json::kind::array: {
      std::size_t h = 0xa5a5;
      for (const auto& e : v.get_array()) h = (h ^ json_hash(e)) * kMul;
      return h;
    }
    case json::kind::object: {
      std::size_t h = 0x5a5a;
      for (const auto& kv : v.get_object()) {
        const auto key = std::hash<std::string_view>{}(std::string_view(kv.key().data(), kv.key().size()));
        h += (key * kMul) ^ json_hash(kv.value());
      }
      return h;
    }
  }
  return 0;
}

// Validation §6.4.3. Returns the indices of a pair of equal items. Small
// arrays are compared pairwise (no allocation); larger ones are grouped by
// hash first so a long argument array cannot cost quadratic time.
std::optional<std::pair<std::size_t, std::size_t>> find_duplicate(const json::array& a) {
  constexpr std::size_t kPairwiseLimit = 16;
  if (a.size() <= kPairwiseLimit) {
    for (std::size_t j = 1; j < a.size(); ++j)
      for (std::size_t i = 0; i < j; ++i)
        if (json_equal(a[i], a[j])) return std::pair{i, j};
    return std::nullopt;
  }
  std::vector<std::pair<std::size_t, std::size_t>> hashed;  // (hash, index)
  hashed.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) hashed.emplace_back(json_hash(a[i]), i);
  std::sort(hashed.begin(), hashed.end());
  for (std::size_t start = 0; start < hashed.size();) {
    std::size_t end = start + 1;
    while (end < hashed.size() && hashed[end].first == hashed[start].first) ++end;
    for (std::size_t j = start + 1; j < end; ++j)
      for (std::size_t i = start; i < j; ++i)
        if (json_equal(a[hashed[i].second], a[hashed[j].second]))
          return std::pair{hashed[i].second, hashed[j].second};
    start = end;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Rendering values into messages: compact JSON, cut at kMaxRendered bytes so
// a huge enum or an attacker-sized property name cannot bloat an error.

void append_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    if (out.size() > kMaxRendered) break;
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void render_into(std::string& out, const json::value& v) {
  if (out.size() > kMaxRendered) return;
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      break;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      break;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      out += format_number(v);
      break;
    case json::kind::string: {
      const auto& s = v.get_string();
      append_quoted(out, std::string_view(s.data(), s.size()));
      break;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (out.size() > kMaxRendered) break;
        if (!first) out += ',';
        first = false;
        render_into(out, e);
      }
      out += ']';
      break;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (out.size() > kMaxRendered) break;
        if (!first) out += ',';
        first = false;
        append_quoted(out, std::string_view(kv.key().data(), kv.key().size()));
        out += ':';
        render_into(out, kv.value());
      }
      out += '}';
      break;
    }
  }
}

std::string finish_render(std::string out) {
  if (out.size() <= kMaxRendered) return out;
  std::size_t cut = kMaxRendered;
  // Do not split a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  out += "...";
  return out;
}

std::string render(const json::value& v) {
  std::string out;
  render_into(out, v);
  return finish_render(std::move(out));
}

std::string quote(std::string_view s) {
  std::string out;
  append_quoted(out, s);
  return finish_render(std::move(out));
}

std::string plural(std::uint64_t n, std::string_view noun) {
  std::string out = std::to_string(n);
  out += ' ';
  out += noun;
  if (n != 1) out += 's';
  return out;
}

// ---------------------------------------------------------------------------
// JSON Pointer (RFC 6901) for the violation path and for `$ref`.

// Paths are assembled on the way back up from a failure, so nothing is
// built for the (common) valid case.
void prepend_key(std::string& path, std::string_view key) {
  std::string segment;
  segment.reserve(key.size() + 1);
  segment += '/';
  for (const char c : key) {
    if (c == '~')
      segment += "~0";
    else if (c == '/')
      segment += "~1";
    else
      segment += c;
  }
  path.insert(0, segment);
}

void prepend_index(std::string& path, std::size_t index) {
  path.insert(0, "/" + std::to_string(index));
}

// Evaluates one pointer token (already split on '/') against `node`.
const json::value* step(const json::value& node, std::string_view token) {
  std::string unescaped;
  if (token.find('~') != std::string_view::npos) {
    for (std::size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
        unescaped += token[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        unescaped += token[i];
      }
    }
    token = unescaped;
  }
  if (const auto* obj = node.if_object()) return obj->if_contains(token);
  if (const auto* arr = node.if_array()) {
    // RFC 6901 §4: decimal digits, no leading zeros.
    if (token.empty() || (token.size() > 1 && token[0] == '0')) return nullptr;
    std::size_t index = 0;
    const auto r = std::from_chars(token.data(), token.data() + token.size(), index);
    if (r.ec != std::errc{} || r.ptr != token.data() + token.size()) return nullptr;
    return index < arr->size() ? &(*arr)[index] : nullptr;
  }
  return nullptr;
}

const json::value* resolve_pointer(const json::value& root, std::string_view pointer) {
  std::string decoded;
  if (pointer.find('%') != std::string_view::npos) {
    decoded = net::percent_decode_lenient(pointer);  // RFC 6901 §6: a fragment is URI-encoded
    pointer = decoded;
  }
  if (pointer.empty()) return &root;
  if (pointer[0] != '/') return nullptr;  // a plain-name fragment ("#foo"): anchors are not supported
  const json::value* node = &root;
  std::size_t pos = 1;
  while (node) {
    const std::size_t slash = pointer.find('/', pos);
    const std::string_view token =
        pointer.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    node = step(*node, token);
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return node;
}

// ---------------------------------------------------------------------------
// Patterns.

// The digits starting at p[i].
std::size_t digits_at(std::string_view p, std::size_t i) {
  std::size_t n = 0;
  while (i + n < p.size() && p[i + n] >= '0' && p[i + n] <= '9') ++n;
  return n;
}

// Rejects patterns the regex compiler could overflow the stack on. Group
// depth is counted outside character classes and escapes. libstdc++ 12
// also reads a repetition bound ({n,m}) or a back-reference (\n) into a
// long without an overflow check (regex_compiler.tcc _M_cur_int_value:
// undefined behaviour; found by the json_schema fuzzer), so those numbers
// are limited to kMaxPatternNumberDigits digits.
bool pattern_is_compilable(std::string_view p) {
  if (p.size() > kMaxPatternLength) return false;
  int depth = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (digits_at(p, i + 1) > kMaxPatternNumberDigits) return false;
      ++i;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
    } else if (c == '{') {
      for (std::size_t j = i + 1; j < p.size() && (p[j] == ',' || (p[j] >= '0' && p[j] <= '9')); ++j)
        if (digits_at(p, j) > kMaxPatternNumberDigits) return false;
    } else if (c == '(') {
      if (++depth > kMaxPatternGroupDepth) return false;
    } else if (c == ')' && depth > 0) {
      --depth;
    }
  }
  return true;
}

// Compiles a pattern for an unanchored search (Validation §6.3.3: patterns
// are not implicitly anchored). nullopt when it is invalid or too big: an
// invalid pattern in a schema is ignored, never fatal.
//
// libstdc++'s default (backtracking) matcher recurses once per input
// character and overflows the stack on a few tens of thousands of them, and
// regex_search restarts at every offset, which is quadratic. So with
// libstdc++ we use its Thompson-NFA matcher (__polynomial) and turn the search
// into one regex_match of [\s\S]*(?:P)[\s\S]*: a single linear pass. The
// wrapper is safe because P is first compiled on its own, so its parentheses
// balance; ^ and $ still mean start and end of input. __polynomial rejects
// back-references, which makes such patterns "invalid", i.e. ignored.
struct CompiledPattern {
  std::wregex re;
  bool whole_match;  // true: regex_match with the wrapper; false: regex_search
};

std::optional<CompiledPattern> compile_pattern(std::string_view pattern) {
  if (!pattern_is_compilable(pattern)) return std::nullopt;
  try {
    const std::wstring wide = to_wide(pattern);
#if defined(__GLIBCXX__)
    constexpr auto flags = std::regex_constants::ECMAScript | std::regex_constants::__polynomial;
    const std::wregex alone(wide, flags);  // throws if P is invalid on its own
    static_cast<void>(alone);
    return CompiledPattern{std::wregex(L"[\\s\\S]*(?:" + wide + L")[\\s\\S]*", flags), true};
#else
    return CompiledPattern{std::wregex(wide, std::regex_constants::ECMAScript), false};
#endif
  } catch (const std::exception&) {  // std::regex_error, or bad_alloc on a huge automaton
    return std::nullopt;
  }
}

enum class PatternResult { match, no_match, too_long, error };

PatternResult search_pattern(const CompiledPattern& p, std::string_view subject) {
  if (count_code_points(subject) > kMaxPatternSubject) return PatternResult::too_long;
  try {
    const std::wstring wide = to_wide(subject);
    const bool found = p.whole_match ? std::regex_match(wide, p.re) : std::regex_search(wide, p.re);
    return found ? PatternResult::match : PatternResult::no_match;
  } catch (const std::exception&) {  // error_complexity / error_stack at match time
    return PatternResult::error;
  }
}

// ---------------------------------------------------------------------------
// The validator.

// A failure below the current schema: the message, and the path from the
// current instance location down to where it happened.
struct Failure {
  std::string path;
  std::string message;
};

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

class Validator {
 public:
  explicit Validator(const json::value& root) : root_(root) {
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

  // True when `inst` is valid against `schema`. On failure, fills `*out`
  // when it is non-null; a null `out` means "quiet": inside anyOf/oneOf/not
  // only the verdict matters, so no message or path is built.
  bool check(const json::value& schema, const json::value& inst, Failure* out) {
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

 private:
  template <class MakeMessage>
  static bool fail(Failure* out, MakeMessage&& make_message) {
    if (out) {
      out->path.clear();
      out->message = make_message();
    }
    return false;
  }

  bool abort_with(Failure* out, const char* why) {
    aborted_ = true;
    abort_message_ = why;
    return fail_aborted(out);
  }

  // Once a limit is hit the verdict is "invalid" whatever encloses it: a
  // `not` or `anyOf` must not turn an aborted evaluation into a success.
  bool fail_aborted(Failure* out) const {
    return fail(out, [this] { return std::string(abort_message_); });
  }

  bool check_schema_object(const json::object& s, const json::value& inst, Failure* out) {
    if (const json::value* ref = s.if_contains("$ref")) {
      if (!check_ref(*ref, inst, out)) return false;
      // Draft-07 §8.3: "All other properties in a "$ref" object MUST be
      // ignored." From 2019-09 on, $ref is an ordinary applicator.
      if (legacy_ref_) return true;
    }
    if (!check_type(s, inst, out)) return false;
    if (const json::value* e = s.if_contains("enum"); e && e->is_array()) {
      // Validation §6.1.2.
      const json::array& options = e->get_array();
      const bool found = std::any_of(options.begin(), options.end(),
                                     [&](const json::value& option) { return json_equal(option, inst); });
      if (!found) return fail(out, [&] { return "must be one of " + render(*e); });
    }
    if (const json::value* c = s.if_contains("const")) {
      // Validation §6.1.3.
      if (!json_equal(*c, inst)) return fail(out, [&] { return "must be equal to " + render(*c); });
    }
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
  bool check_ref(const json::value& ref, const json::value& inst, Failure* out) {
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

  // Validation §6.1.1. A malformed `type` (unknown name, empty array) is
  // ignored as a whole, so e.g. draft-03's "any" does not over-restrict.
  bool check_type(const json::object& s, const json::value& inst, Failure* out) {
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

  // Validation §6.2.
  bool check_number(const json::object& s, const json::value& inst, Failure* out) {
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
  bool check_string(const json::object& s, const json::string& str, Failure* out) {
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
      if (const CompiledPattern* re = regex_for(pattern)) {
        switch (search_pattern(*re, text)) {
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
  bool check_array(const json::object& s, const json::array& arr, Failure* out) {
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
  bool check_object(const json::object& s, const json::object& obj, Failure* out) {
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
          const CompiledPattern* re = regex_for(pattern);
          if (!re) continue;
          switch (search_pattern(*re, key)) {
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
  bool check_combinators(const json::object& s, const json::value& inst, Failure* out) {
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

  static bool with_key(Failure* out, std::string_view key) {
    if (out) prepend_key(out->path, key);
    return false;
  }

  static bool with_index(Failure* out, std::size_t index) {
    if (out) prepend_index(out->path, index);
    return false;
  }

  // Patterns are compiled once per call; keys view the schema, which
  // outlives the validator.
  const CompiledPattern* regex_for(std::string_view pattern) {
    auto it = regexes_.find(pattern);
    if (it == regexes_.end()) it = regexes_.emplace(pattern, compile_pattern(pattern)).first;
    return it->second ? &*it->second : nullptr;
  }

  const json::value& root_;
  std::string_view root_id_;
  bool legacy_ref_ = false;
  int ref_depth_ = 0;
  int nesting_ = 0;
  std::size_t evaluations_ = 0;
  bool aborted_ = false;
  const char* abort_message_ = "";
  std::unordered_map<std::string_view, std::optional<CompiledPattern>> regexes_;
};

}  // namespace

std::optional<SchemaViolation> validate_json_schema(const boost::json::value& schema,
                                                    const boost::json::value& instance) {
  try {
    Validator validator(schema);
    Failure failure;
    if (validator.check(schema, instance, &failure)) return std::nullopt;
    return SchemaViolation{std::move(failure.path), std::move(failure.message)};
  } catch (...) {
    // Only allocation can fail here. Fail closed; the message fits the
    // small-string buffer so building it does not allocate again.
    return SchemaViolation{std::string(), std::string("internal error")};
  }
}

std::string to_string(const SchemaViolation& v) {
  std::string out = "at ";
  out += v.instance_path.empty() ? std::string_view("root") : std::string_view(v.instance_path);
  out += ": ";
  out += v.message;
  return out;
}

bool pattern_usable(std::string_view pattern) { return compile_pattern(pattern).has_value(); }

std::optional<bool> pattern_matches_whole(std::string_view pattern, std::string_view subject) {
  if (!compile_pattern(pattern)) return std::nullopt;  // P on its own, so the anchors below wrap a whole pattern
  auto anchored = compile_pattern("^(?:" + std::string(pattern) + ")$");
  if (!anchored) return std::nullopt;
  switch (search_pattern(*anchored, subject)) {
    case PatternResult::match: return true;
    case PatternResult::no_match: return false;
    case PatternResult::too_long:
    case PatternResult::error: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace gatehouse::mcp
