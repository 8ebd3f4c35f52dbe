#include "mcp/session.hpp"

#include "mcp/jsonrpc.hpp"

#include <algorithm>

namespace gatehouse::mcp {

namespace {
// How many finished request streams a session keeps for Last-Event-ID resumption.
constexpr std::size_t kResumableStreams = 32;
}

Session::Session(std::string id, std::string version, json::object client_capabilities, json::object client_info,
                 std::string subject, EventStream::Limits stream_limits,
                 std::shared_ptr<ReplayBudget> replay_budget, const time::Clock& clock)
    : id_(std::move(id)),
      version_(std::move(version)),
      client_capabilities_(std::move(client_capabilities)),
      client_info_(std::move(client_info)),
      subject_(std::move(subject)),
      stream_limits_(stream_limits),
      replay_budget_(std::move(replay_budget)),
      clock_(clock),
      client_requests_(clock) {
  touch();
}

void Session::set_log_level(LogLevel level) {
  std::lock_guard lock(mutex_);
  log_level_ = level;
}

std::optional<LogLevel> Session::log_level() const {
  std::lock_guard lock(mutex_);
  return log_level_;
}

void Session::subscribe(const std::string& uri) {
  std::lock_guard lock(mutex_);
  subscriptions_.insert(uri);
}

void Session::unsubscribe(const std::string& uri) {
  std::lock_guard lock(mutex_);
  subscriptions_.erase(uri);
}

bool Session::subscribed(const std::string& uri) const {
  std::lock_guard lock(mutex_);
  return subscriptions_.contains(uri);
}

std::shared_ptr<std::atomic<bool>> Session::begin_request(const json::value& id) {
  auto flag = std::make_shared<std::atomic<bool>>(false);
  std::lock_guard lock(mutex_);
  in_flight_[jsonrpc::id_key(id)] = flag;
  return flag;
}

void Session::end_request(const json::value& id) {
  std::lock_guard lock(mutex_);
  in_flight_.erase(jsonrpc::id_key(id));
}

void Session::cancel_request(const json::value& id) {
  std::lock_guard lock(mutex_);
  if (auto it = in_flight_.find(jsonrpc::id_key(id)); it != in_flight_.end()) it->second->store(true);
}

std::shared_ptr<EventStream> Session::open_request_stream() {
  std::lock_guard lock(mutex_);
  auto stream = std::make_shared<EventStream>(std::to_string(next_stream_++), stream_limits_, replay_budget_, clock_);
  streams_.push_back(stream);
  while (streams_.size() > kResumableStreams) streams_.pop_front();
  return stream;
}

std::shared_ptr<EventStream> Session::standalone_stream() {
  std::lock_guard lock(mutex_);
  // Stream id 0 is the standalone stream; request streams count from 1.
  if (!standalone_) standalone_ = std::make_shared<EventStream>("0", stream_limits_, replay_budget_, clock_);
  return standalone_;
}

std::shared_ptr<EventStream> Session::find_stream(const std::string& stream_id) const {
  std::lock_guard lock(mutex_);
  if (standalone_ && standalone_->id() == stream_id) return standalone_;
  for (const auto& s : streams_)
    if (s->id() == stream_id) return s;
  return nullptr;
}

std::size_t Session::trim_replay(std::size_t limit) {
  if (!replay_budget_ || replay_budget_->used() <= limit) return 0;
  std::lock_guard lock(mutex_);
  std::vector<EventStream*> all;
  if (standalone_) all.push_back(standalone_.get());
  for (auto& s : streams_) all.push_back(s.get());
  std::size_t freed = 0;
  auto over = [&] { return replay_budget_->used() > limit; };
  for (auto* s : all)
    if (over()) freed += s->drop_delivered(std::max<std::size_t>(replay_budget_->limit() / 4, 1));
  for (auto* s : all)
    if (over()) freed += s->drop_delivered(0);
  while (over()) {
    auto finished = std::find_if(streams_.begin(), streams_.end(), [](const auto& s) { return s->closed(); });
    if (finished == streams_.end()) break;
    freed += (*finished)->drop_all();
    streams_.erase(finished);
  }
  return freed;
}

void Session::close() {
  std::lock_guard lock(mutex_);
  for (auto& s : streams_) s->close();
  if (standalone_) standalone_->close();
  for (auto& [_, flag] : in_flight_) flag->store(true);
}

}  // namespace gatehouse::mcp
