#include "gateway/sse_parser.hpp"

#include <algorithm>
#include <cctype>

namespace gatehouse::gateway {

void SseParser::feed(std::string_view bytes, const std::function<void(const SseEvent&)>& on_event,
                     const std::function<void()>& on_oversize) {
  // Lines end with CRLF, LF or CR.
  for (char c : bytes) {
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;
    }
    if (c == '\r' || c == '\n') {
      after_cr_ = c == '\r';
      line(partial_, on_event, on_oversize);
      partial_.clear();
      continue;
    }
    // A line longer than an event may be is part of an oversize event:
    // keep counting it, not storing it.
    if (partial_.size() <= max_event_ + 16) partial_.push_back(c);
  }
}

void SseParser::line(std::string_view text, const std::function<void(const SseEvent&)>& on_event,
                     const std::function<void()>& on_oversize) {
  if (text.empty()) {  // dispatch
    if (oversize_) on_oversize();
    else if (has_data_) {
      if (event_.event.empty()) event_.event = "message";
      event_.id = last_id_;
      on_event(event_);
    }
    event_ = {};
    has_data_ = false;
    oversize_ = false;
    return;
  }
  if (text.front() == ':') return;  // a comment (keep-alive)
  auto colon = text.find(':');
  std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) event_.data.push_back('\n');
    has_data_ = true;
    if (oversize_ || event_.data.size() + value.size() > max_event_) {
      oversize_ = true;
      event_.data.clear();
      event_.data.shrink_to_fit();
      return;
    }
    event_.data.append(value);
  } else if (field == "event") {
    event_.event = std::string(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_ = std::string(value);
  } else if (field == "retry") {
    if (!value.empty() && value.size() < 10 && std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      retry_ = std::stoul(std::string(value));
  }
}

}  // namespace gatehouse::gateway
