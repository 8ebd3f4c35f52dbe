#pragma once
// spdlog sink writing one JSON object per line to stderr:
// {"ts":"2026-11-27T06:40:00.123Z","level":"info","msg":"..."}.
// Messages are escaped as JSON strings, so any text stays one valid line.
#include <spdlog/sinks/base_sink.h>

#include <mutex>

namespace gatehouse::runtime {

class JsonLogSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;
};

// Installs the JSON sink as the default logger at `level` (trace … error).
void install_json_logger(std::string_view level);

}  // namespace gatehouse::runtime
