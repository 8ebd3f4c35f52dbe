#pragma once
// A value from a request as it may appear in a log line: at most `max` bytes
// (cut on a UTF-8 boundary, with the full size said), control characters
// shown as '?' so a value cannot start a forged line. Request fields can be
// megabytes long; logging them whole lets anyone fill the disk.
#include <cstddef>
#include <string>
#include <string_view>

namespace gatehouse::net {

inline std::string log_value(std::string_view value, std::size_t max = 64) {
  std::string_view kept = value;
  if (kept.size() > max) {
    kept = kept.substr(0, max);
    // Back off to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
    while (!kept.empty() && (static_cast<unsigned char>(value[kept.size()]) & 0xC0) == 0x80) kept.remove_suffix(1);
  }
  std::string out;
  out.reserve(kept.size() + 24);
  for (char c : kept) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c);
  if (kept.size() < value.size()) out += "... (" + std::to_string(value.size()) + " bytes)";
  return out;
}

}  // namespace gatehouse::net
