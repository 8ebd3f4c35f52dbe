#include "net/metrics.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

TEST(Metrics, RendersTheTextExpositionFormat) {
  Metrics m;
  m.counter("gatehouse_http_requests_total", "HTTP requests answered", {{"route", "/mcp"}, {"status", "200"}}).add(3);
  m.counter("gatehouse_http_requests_total", "ignored", {{"route", "/token"}, {"status", "400"}}).add();
  m.gauge("gatehouse_backend_processes", "Live backend processes", {{"backend", "a\"b\\c\nd"}}).set(2);
  auto& h = m.histogram("gatehouse_backend_call_duration_seconds", "Backend call latency", {{"backend", "x"}});
  h.observe(0.003);
  h.observe(0.7);
  auto text = m.render();
  EXPECT_NE(text.find("# HELP gatehouse_http_requests_total HTTP requests answered\n"
                      "# TYPE gatehouse_http_requests_total counter\n"
                      "gatehouse_http_requests_total{route=\"/mcp\",status=\"200\"} 3\n"
                      "gatehouse_http_requests_total{route=\"/token\",status=\"400\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("gatehouse_backend_processes{backend=\"a\\\"b\\\\c\\nd\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("gatehouse_backend_call_duration_seconds_bucket{backend=\"x\",le=\"0.005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("gatehouse_backend_call_duration_seconds_bucket{backend=\"x\",le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("gatehouse_backend_call_duration_seconds_bucket{backend=\"x\",le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("gatehouse_backend_call_duration_seconds_count{backend=\"x\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("gatehouse_backend_call_duration_seconds_sum{backend=\"x\"} 0.703"), std::string::npos) << text;
}

TEST(Metrics, TheSameNameAndLabelsGiveTheSameMetric) {
  Metrics m;
  auto& a = m.counter("c_total", "c", {{"k", "v"}});
  auto& b = m.counter("c_total", "c", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(m.gauge("c_total", "c"), std::logic_error);
}

}  // namespace
}  // namespace gatehouse::net
