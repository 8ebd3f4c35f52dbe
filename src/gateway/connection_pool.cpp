#include "gateway/connection_pool.hpp"

#include "gateway/http_link.hpp"
#include "gateway/stdio_link.hpp"

#include "gateway/backend_error.hpp"

#include <spdlog/spdlog.h>

namespace gatehouse::gateway {

namespace {

// The child's program, arguments and environment. It inherits nothing else
// of Gatehouse's environment: its keys and settings are not the backend's
// business (docs/gateway.md "Environment and templates").
ChildSpec stdio_spec(const BackendSettings& settings, const std::function<std::string(const TemplateVariable&)>& variables) {
  ChildSpec spec;
  for (const auto& word : settings.command) spec.argv.push_back(word.expand(variables));
  for (const char* name : {"PATH", "HOME", "LANG", "TZ"})
    if (!settings.env.contains(name))
      if (const char* value = std::getenv(name)) spec.env.push_back(std::string(name) + "=" + value);
  for (const auto& [name, value] : settings.env) spec.env.push_back(name + "=" + value.expand(variables));
  spec.cwd = settings.cwd;
  return spec;
}

}  // namespace

ConnectionPool::ConnectionPool(boost::asio::any_io_executor executor, std::shared_ptr<const BackendSettings> settings,
                         std::function<std::string(const std::string&)> user_name, ConnectionEvents events,
                         std::shared_ptr<const BackendMetrics> metrics, const time::Clock& clock)
    : executor_(std::move(executor)),
      settings_(std::move(settings)),
      user_name_(std::move(user_name)),
      events_(std::move(events)),
      metrics_(std::move(metrics)),
      clock_(clock) {
  if (!settings_->url.empty()) tls_ = HttpLink::make_tls_context(*settings_);
}

ConnectionPool::~ConnectionPool() { stop_all(); }

std::shared_ptr<BackendConnection> ConnectionPool::instance(const std::string& subject, const std::string& session_id,
                                                            const GrantValues* grant) {
  std::string key;
  switch (settings_->isolation) {
    case Isolation::shared: break;
    case Isolation::user: key = "u:" + subject; break;
    // A request without a session (2026-07-28) is served by its user's process.
    case Isolation::session: key = session_id.empty() ? "u:" + subject : "s:" + session_id; break;
  }
  // A process carrying one grant's upstream token or connection values
  // serves that grant only (config::check_backends refuses "shared").
  if (grant) key += "|g:" + grant->grant_id;
  std::shared_ptr<BackendConnection> replaced, evicted;
  std::shared_ptr<BackendConnection> made;
  {
    std::lock_guard lock(mutex_);
    if (auto it = instances_.find(key); it != instances_.end()) {
      if (!grant || fingerprints_[key] == grant->fingerprint || it->second->busy()) return it->second;
      // New values (a refreshed upstream token): this process is replaced.
      replaced = std::move(it->second);
      instances_.erase(it);
    }
    if (instances_.size() >= settings_->max_processes) {
      auto oldest = instances_.end();
      for (auto it = instances_.begin(); it != instances_.end(); ++it)
        if (!it->second->busy() && (oldest == instances_.end() || it->second->last_used() < oldest->second->last_used()))
          oldest = it;
      if (oldest == instances_.end())
        throw backend_error(settings_->name, reason::process_cap,
                            "all " + std::to_string(settings_->max_processes) +
                                " processes (max_processes) are busy; try again when a request has finished");
      evicted = std::move(oldest->second);
      fingerprints_.erase(oldest->first);
      instances_.erase(oldest);
    }
    std::optional<std::string> owner;
    if (settings_->isolation != Isolation::shared) owner = subject;
    // Template values of this process: its user's, or none when shared
    // (config::check_backends makes a shared backend's templates
    // user-independent unless the operator chose shared on purpose).
    std::map<std::string, std::string> grant_values;
    if (grant) grant_values = grant->values;
    auto variables = [subject, user_name = user_name_, shared = settings_->isolation == Isolation::shared,
                      grant_values = std::move(grant_values)](const TemplateVariable& v) -> std::string {
      if (v.space == "env") {
        const char* value = std::getenv(v.name.c_str());
        return value ? value : "";
      }
      if (shared) return {};
      if (v.space == "upstream" || v.space == "connection") {
        auto it = grant_values.find(v.space + "." + v.name);
        return it == grant_values.end() ? std::string() : it->second;
      }
      if (v.space == "user" && v.name == "subject") return subject;
      if (v.space == "user" && v.name == "name") return user_name ? user_name(subject) : subject;
      return {};
    };
    BackendConnection::LinkFactory make_link;
    if (settings_->url.empty()) {
      make_link = [settings = settings_, variables](boost::asio::strand<boost::asio::any_io_executor> strand) {
        return std::make_shared<StdioLink>(std::move(strand), settings, stdio_spec(*settings, variables));
      };
    } else {
      make_link = [settings = settings_, variables, tls = tls_](boost::asio::strand<boost::asio::any_io_executor> strand) {
        std::map<std::string, std::string> headers;
        for (const auto& [name, value] : settings->headers) headers[name] = value.expand(variables);
        return std::make_shared<HttpLink>(std::move(strand), settings, std::move(headers), tls);
      };
    }
    made = std::make_shared<BackendConnection>(executor_, settings_, owner, std::move(make_link), events_, metrics_, clock_);
    instances_.emplace(key, made);
    if (grant) fingerprints_[key] = grant->fingerprint;
  }
  if (replaced) replaced->stop("its grant's upstream token or connection values changed");
  if (evicted) evicted->stop("making room for another user's process (max_processes)");
  return made;
}

std::size_t ConnectionPool::stop_idle() {
  auto cutoff = clock_.monotonic() - settings_->idle_timeout;
  std::vector<std::shared_ptr<BackendConnection>> idle;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, connection] : instances_) connection->expire_rounds();
    for (auto it = instances_.begin(); it != instances_.end();) {
      if (!it->second->busy() && it->second->last_used() < cutoff) {
        idle.push_back(std::move(it->second));
        fingerprints_.erase(it->first);
        it = instances_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& instance : idle) instance->stop("idle for " + std::to_string(settings_->idle_timeout.count()) + " s");
  return idle.size();
}

void ConnectionPool::session_closed(const std::string& session_id) {
  if (settings_->isolation != Isolation::session) return;
  std::shared_ptr<BackendConnection> instance;
  {
    std::lock_guard lock(mutex_);
    auto it = instances_.find("s:" + session_id);
    if (it == instances_.end()) return;
    instance = std::move(it->second);
    fingerprints_.erase(it->first);
    instances_.erase(it);
  }
  instance->stop("its session ended");
}

void ConnectionPool::stop_all() {
  std::map<std::string, std::shared_ptr<BackendConnection>> all;
  {
    std::lock_guard lock(mutex_);
    all.swap(instances_);
    fingerprints_.clear();
  }
  for (auto& [key, instance] : all) instance->stop("Gatehouse is stopping");
}

std::size_t ConnectionPool::size() const {
  std::lock_guard lock(mutex_);
  return instances_.size();
}

}  // namespace gatehouse::gateway
