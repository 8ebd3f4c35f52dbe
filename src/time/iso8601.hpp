#pragma once
// ISO 8601 / RFC 3339 timestamps in UTC, as MCP writes them (Task
// createdAt and lastUpdatedAt, the demo's clock).
#include <chrono>
#include <cstdint>
#include <string>

namespace gatehouse::time {

// "2026-07-28T12:00:00Z".
std::string iso8601(std::chrono::system_clock::time_point when);
// "2026-07-28T12:00:00.250Z" for Unix milliseconds.
std::string iso8601_ms(std::int64_t unix_ms);

}  // namespace gatehouse::time
