#include "gateway/line_splitter.hpp"

namespace gatehouse::gateway {

void LineSplitter::feed(std::string_view bytes, const std::function<void(std::string_view)>& on_line,
                        const std::function<void(std::size_t)>& on_oversize) {
  while (!bytes.empty()) {
    auto newline = bytes.find('\n');
    std::string_view chunk = bytes.substr(0, newline);
    if (discarding_) {
      discarded_ += chunk.size();
    } else if (buffer_.size() + chunk.size() > max_line_) {
      discarding_ = true;
      discarded_ = buffer_.size() + chunk.size();
      buffer_.clear();
      buffer_.shrink_to_fit();
    } else if (newline != std::string_view::npos && buffer_.empty()) {
      // The whole line is in this read: no copy.
      std::string_view line = chunk;
      if (line.ends_with('\r')) line.remove_suffix(1);
      if (!line.empty()) on_line(line);
      bytes.remove_prefix(newline + 1);
      continue;
    } else {
      buffer_.append(chunk);
    }
    if (newline == std::string_view::npos) return;
    bytes.remove_prefix(newline + 1);
    if (discarding_) {
      discarding_ = false;
      on_oversize(discarded_);
      discarded_ = 0;
      continue;
    }
    std::string line = std::move(buffer_);
    buffer_.clear();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) on_line(line);
  }
}

}  // namespace gatehouse::gateway
