#include "net/metrics.hpp"

#include <cstdio>
#include <mutex>
#include <stdexcept>

namespace gatehouse::net {

std::string render_labels(const Metrics::Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out += name;
    out += "=\"";
    // Prometheus text format: backslash, double quote and line feed escaped.
    for (char c : value) {
      if (c == '\\') out += "\\\\";
      else if (c == '"') out += "\\\"";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
    out += '"';
  }
  return out + "}";
}

void Metrics::Histogram::observe(double seconds) noexcept {
  if (!(seconds >= 0)) seconds = 0;
  for (std::size_t i = 0; i < kBounds.size(); ++i)
    if (seconds <= kBounds[i]) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

template <class T>
T& Metrics::get(std::string_view name, std::string_view help, const Labels& labels, Type type,
                std::map<std::string, std::unique_ptr<T>> Family::*member) {
  auto key = render_labels(labels);
  {
    std::shared_lock lock(mutex_);
    if (auto f = families_.find(name); f != families_.end()) {
      auto& metrics = f->second.*member;
      if (auto it = metrics.find(key); it != metrics.end()) return *it->second;
    }
  }
  std::unique_lock lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) f = families_.emplace(std::string(name), Family{type, std::string(help), {}, {}, {}}).first;
  if (f->second.type != type) throw std::logic_error("metric " + std::string(name) + " registered with another type");
  auto& slot = (f->second.*member)[key];
  if (!slot) slot = std::make_unique<T>();
  return *slot;
}

Metrics::Counter& Metrics::counter(std::string_view name, std::string_view help, const Labels& labels) {
  return get(name, help, labels, Type::counter, &Family::counters);
}

Metrics::Gauge& Metrics::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  return get(name, help, labels, Type::gauge, &Family::gauges);
}

Metrics::Histogram& Metrics::histogram(std::string_view name, std::string_view help, const Labels& labels) {
  return get(name, help, labels, Type::histogram, &Family::histograms);
}

namespace {

// `{a="1"}` + le="0.5" -> `{a="1",le="0.5"}`.
std::string with_label(const std::string& labels, const std::string& extra) {
  if (labels.empty()) return "{" + extra + "}";
  return labels.substr(0, labels.size() - 1) + "," + extra + "}";
}

std::string bound(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

std::string seconds(std::uint64_t micros) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6f", static_cast<double>(micros) / 1e6);
  return buffer;
}

}  // namespace

std::string Metrics::render() const {
  std::shared_lock lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + family.help + "\n";
    switch (family.type) {
      case Type::counter:
        out += "# TYPE " + name + " counter\n";
        for (const auto& [labels, c] : family.counters) out += name + labels + " " + std::to_string(c->value()) + "\n";
        break;
      case Type::gauge:
        out += "# TYPE " + name + " gauge\n";
        for (const auto& [labels, g] : family.gauges) out += name + labels + " " + std::to_string(g->value()) + "\n";
        break;
      case Type::histogram:
        out += "# TYPE " + name + " histogram\n";
        for (const auto& [labels, h] : family.histograms) {
          for (std::size_t i = 0; i < Histogram::kBounds.size(); ++i)
            out += name + "_bucket" + with_label(labels, "le=\"" + bound(Histogram::kBounds[i]) + "\"") + " " +
                   std::to_string(h->buckets_[i].load(std::memory_order_relaxed)) + "\n";
          auto count = h->count();
          out += name + "_bucket" + with_label(labels, "le=\"+Inf\"") + " " + std::to_string(count) + "\n";
          out += name + "_sum" + labels + " " + seconds(h->sum_micros_.load(std::memory_order_relaxed)) + "\n";
          out += name + "_count" + labels + " " + std::to_string(count) + "\n";
        }
        break;
    }
  }
  return out;
}

}  // namespace gatehouse::net
