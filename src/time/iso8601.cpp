#include "time/iso8601.hpp"

#include <ctime>
#include <cstdio>

namespace gatehouse::time {

namespace {

std::tm utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::string iso8601(std::chrono::system_clock::time_point when) {
  auto tm = utc(std::chrono::system_clock::to_time_t(when));
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string iso8601_ms(std::int64_t unix_ms) {
  // Floor division, so times before 1970 keep a positive millisecond part.
  std::int64_t seconds = unix_ms / 1000, millis = unix_ms % 1000;
  if (millis < 0) {
    seconds -= 1;
    millis += 1000;
  }
  auto tm = utc(static_cast<std::time_t>(seconds));
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return buffer;
}

}  // namespace gatehouse::time
