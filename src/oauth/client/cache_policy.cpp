#include "oauth/client/cache_policy.hpp"
#include "net/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <string>

namespace gatehouse::oauth {

namespace {

using net::all_digits;

// RFC 9111 §1.2.2: delta-seconds; values beyond 2^31 mean 2^31.
std::optional<std::int64_t> delta_seconds(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);  // §5.2: quoted form
  if (!all_digits(s)) return std::nullopt;
  constexpr std::int64_t cap = std::int64_t{1} << 31;
  std::int64_t v = 0;
  for (char c : s) v = std::min(cap, v * 10 + (c - '0'));
  return v;
}

// RFC 9111 §5.2: Cache-Control = #cache-directive; a comma inside a quoted
// argument (no-cache="a, b") does not split directives.
std::vector<std::string_view> split_directives(std::string_view s) {
  std::vector<std::string_view> out;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] == '"') quoted = !quoted;
    if (i == s.size() || (s[i] == ',' && !quoted)) {
      if (auto d = net::trim_ows(s.substr(start, i - start)); !d.empty()) out.push_back(d);
      start = i + 1;
    }
  }
  return out;
}

std::chrono::seconds clamp(std::int64_t seconds, std::chrono::seconds min, std::chrono::seconds max) {
  return std::clamp(std::chrono::seconds(seconds), min, std::max(min, max));
}

// ---- RFC 9110 §5.6.7 HTTP-date -------------------------------------------

constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays{"Monday", "Tuesday", "Wednesday", "Thursday",
                                                    "Friday", "Saturday", "Sunday"};

// A tiny cursor over the date text; every take_* consumes only on success.
struct Cursor {
  std::string_view s;
  bool literal(std::string_view l) {
    if (!s.starts_with(l)) return false;
    s.remove_prefix(l.size());
    return true;
  }
  std::optional<int> digits(std::size_t n) {
    if (s.size() < n || !all_digits(s.substr(0, n))) return std::nullopt;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) v = v * 10 + (s[i] - '0');
    s.remove_prefix(n);
    return v;
  }
  template <std::size_t N>
  std::optional<int> one_of(const std::array<std::string_view, N>& names) {
    for (std::size_t i = 0; i < N; ++i)
      if (literal(names[i])) return static_cast<int>(i);
    return std::nullopt;
  }
};

// time-of-day = hour ":" minute ":" second (§5.6.7; leap second 60 allowed)
bool time_of_day(Cursor& c, int& h, int& m, int& s) {
  auto hh = c.digits(2);
  if (!hh || !c.literal(":")) return false;
  auto mm = c.digits(2);
  if (!mm || !c.literal(":")) return false;
  auto ss = c.digits(2);
  if (!ss) return false;
  h = *hh, m = *mm, s = *ss;
  return h <= 23 && m <= 59 && s <= 60;
}

std::optional<std::chrono::system_clock::time_point> make_time(int year, int month, int day, int h, int m, int s) {
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                     std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  return time_point_cast<system_clock::duration>(sys_days(ymd) + hours(h) + minutes(m) + seconds(s));
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<std::chrono::system_clock::time_point> imf_fixdate(Cursor c) {
  int h, m, s;
  if (!c.one_of(kDays) || !c.literal(", ")) return std::nullopt;
  auto day = c.digits(2);
  if (!day || !c.literal(" ")) return std::nullopt;
  auto month = c.one_of(kMonths);
  if (!month || !c.literal(" ")) return std::nullopt;
  auto year = c.digits(4);
  if (!year || !c.literal(" ") || !time_of_day(c, h, m, s) || !c.literal(" GMT") || !c.s.empty()) return std::nullopt;
  return make_time(*year, *month + 1, *day, h, m, s);
}

// rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT". A two-digit year is taken
// as 1970–2069 (§5.6.7 asks for "not more than 50 years in the future";
// a fixed pivot keeps this function pure and is right until 2019+50).
std::optional<std::chrono::system_clock::time_point> rfc850_date(Cursor c) {
  int h, m, s;
  if (!c.one_of(kLongDays) || !c.literal(", ")) return std::nullopt;
  auto day = c.digits(2);
  if (!day || !c.literal("-")) return std::nullopt;
  auto month = c.one_of(kMonths);
  if (!month || !c.literal("-")) return std::nullopt;
  auto yy = c.digits(2);
  if (!yy || !c.literal(" ") || !time_of_day(c, h, m, s) || !c.literal(" GMT") || !c.s.empty()) return std::nullopt;
  return make_time(*yy < 70 ? 2000 + *yy : 1900 + *yy, *month + 1, *day, h, m, s);
}

// asctime-date: "Sun Nov  6 08:49:37 1994" (day is 2DIGIT or SP 1DIGIT)
std::optional<std::chrono::system_clock::time_point> asctime_date(Cursor c) {
  int h, m, s;
  if (!c.one_of(kDays) || !c.literal(" ")) return std::nullopt;
  auto month = c.one_of(kMonths);
  if (!month || !c.literal(" ")) return std::nullopt;
  std::optional<int> day = c.literal(" ") ? c.digits(1) : c.digits(2);
  if (!day || !c.literal(" ") || !time_of_day(c, h, m, s) || !c.literal(" ")) return std::nullopt;
  auto year = c.digits(4);
  if (!year || !c.s.empty()) return std::nullopt;
  return make_time(*year, *month + 1, *day, h, m, s);
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  text = net::trim_ows(text);
  if (auto t = imf_fixdate({text})) return t;
  if (auto t = rfc850_date({text})) return t;
  return asctime_date({text});
}

std::chrono::seconds cache_lifetime(std::string_view cache_control, std::string_view expires,
                                    std::chrono::system_clock::time_point now, std::chrono::seconds min,
                                    std::chrono::seconds max) {
  std::optional<std::int64_t> max_age, s_maxage;
  for (auto directive : split_directives(cache_control)) {
    auto eq = directive.find('=');
    std::string name = net::lower(net::trim_ows(directive.substr(0, eq)));
    std::string_view arg = eq == std::string_view::npos ? std::string_view() : net::trim_ows(directive.substr(eq + 1));
    // RFC 9111 §5.2.2.5 no-store, §5.2.2.4 no-cache (also its qualified
    // form, conservatively): do not reuse without a new fetch.
    if (name == "no-store" || name == "no-cache") return std::chrono::seconds(0);
    // A directive that appears twice with different values is invalid
    // (§4.2.1); the smaller value is the safe reading.
    if (name == "max-age" || name == "s-maxage") {
      auto v = delta_seconds(arg);
      if (!v) continue;  // malformed: ignored
      auto& slot = name == "max-age" ? max_age : s_maxage;
      slot = slot ? std::min(*slot, *v) : *v;
    }
  }
  // §4.2.1: s-maxage (we are a shared cache), then max-age, then Expires.
  if (s_maxage) return clamp(*s_maxage, min, max);
  if (max_age) return clamp(*max_age, min, max);
  if (auto at = parse_http_date(expires)) {
    auto left = std::chrono::duration_cast<std::chrono::seconds>(*at - now).count();
    return clamp(left, min, max);
  }
  return min;
}

}  // namespace gatehouse::oauth
