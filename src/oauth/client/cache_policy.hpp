#pragma once
// How long a fetched Client ID Metadata Document may be reused (INTEROP CI5;
// metadata draft §4.3: "respect HTTP cache headers", within bounds the
// server chooses). Failures are never cached; that is the caller's rule.
#include <chrono>
#include <optional>
#include <string_view>

namespace gatehouse::oauth {

using namespace std::chrono_literals;

// The reuse lifetime of a successful response:
//   Cache-Control no-store or no-cache   → 0 (fetch again next time)
//   Cache-Control s-maxage=N / max-age=N → clamp(N, min, max) (s-maxage wins:
//                                          we are a shared cache, RFC 9111 §5.2.2.10)
//   else Expires (an HTTP-date)          → clamp(Expires - now, min, max)
//   else                                 → min
// Directive names are case-insensitive; malformed directives and an
// unparsable Expires are ignored (RFC 9111 §4.2.1, §5.3: an invalid Expires
// would mean "already expired", but it is a bound, not a refusal: min applies).
std::chrono::seconds cache_lifetime(std::string_view cache_control, std::string_view expires,
                                    std::chrono::system_clock::time_point now,
                                    std::chrono::seconds min = 5min, std::chrono::seconds max = 24h);

// RFC 9110 §5.6.7 HTTP-date in any of its three formats: IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT"), obsolete RFC 850 ("Sunday, 06-Nov-94
// 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994"); nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

}  // namespace gatehouse::oauth
