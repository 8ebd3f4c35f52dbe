#include "mcp/schema/instance.hpp"

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string_view>
#include <vector>

namespace gatehouse::mcp::schema {
namespace {

namespace json = boost::json;

std::optional<std::uint64_t> magnitude_if_integer(const json::value& v) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64()) {
    const std::int64_t x = v.get_int64();
    // Negate in unsigned arithmetic so INT64_MIN does not overflow.
    return x < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(x) : static_cast<std::uint64_t>(x);
  }
  return std::nullopt;
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

}  // namespace

bool is_integral(const json::value& v) {
  switch (v.kind()) {
    case json::kind::int64:
    case json::kind::uint64:
      return true;
    case json::kind::double_: {
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

// Integers are checked exactly. Otherwise the quotient is compared to the
// nearest integer with a small relative tolerance, so that 0.3 is a multiple
// of 0.1 despite binary floating point; when the quotient overflows, fmod
// (which is exact) decides.
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

// Small arrays are compared pairwise (no allocation); larger ones are grouped
// by hash first so a long argument array cannot cost quadratic time.
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

}  // namespace gatehouse::mcp::schema
