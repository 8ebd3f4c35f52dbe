#pragma once
// Newline-delimited messages (MCP basic/transports "stdio") read from a
// child's stdout, with a bound on the length of one line: a line over the
// bound is dropped as it arrives, so a child writing 100 MB without a newline
// costs at most `max_line` bytes of memory.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace gatehouse::gateway {

class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line) : max_line_(max_line) {}

  // Feeds `bytes`; calls `on_line` for each complete line (without "\n" or a
  // trailing "\r"; empty lines are skipped) and `on_oversize` with the length
  // of each line over the bound, once that line ends.
  void feed(std::string_view bytes, const std::function<void(std::string_view)>& on_line,
            const std::function<void(std::size_t)>& on_oversize);

  // Bytes held of an unfinished line.
  std::size_t pending() const noexcept { return buffer_.size(); }

 private:
  std::size_t max_line_;
  std::string buffer_;
  bool discarding_ = false;
  std::size_t discarded_ = 0;
};

}  // namespace gatehouse::gateway
