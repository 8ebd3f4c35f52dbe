#include "runtime/json_log_sink.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <ctime>

namespace gatehouse::runtime {

void JsonLogSink::sink_it_(const spdlog::details::log_msg& msg) {
  auto seconds = std::chrono::system_clock::to_time_t(msg.time);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char ts[64];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  auto level = spdlog::level::to_string_view(msg.level);
  boost::json::object line{{"ts", ts},
                           {"level", std::string_view(level.data(), level.size())},
                           {"msg", std::string_view(msg.payload.data(), msg.payload.size())}};
  auto text = boost::json::serialize(line);
  text.push_back('\n');
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void JsonLogSink::flush_() { std::fflush(stderr); }

void install_json_logger(std::string_view level) {
  auto logger = std::make_shared<spdlog::logger>("gatehouse", std::make_shared<JsonLogSink>());
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace gatehouse::runtime
