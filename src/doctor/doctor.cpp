#include "doctor/doctor.hpp"

#include "doctor/report.hpp"
#include "doctor/stages.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <ostream>

namespace gatehouse::doctor {

namespace asio = boost::asio;

namespace {

asio::awaitable<void> examine(Examination& exam) {
  co_await check_address(exam);
  co_await check_first_answer(exam);
  if (!exam.reachable) co_return;
  co_await check_discovery(exam);
  co_await check_registration(exam);
  co_await check_authorize(exam);
  co_await check_token_endpoint(exam);
  co_await run_interactive_flow(exam);
  co_await check_transport(exam);
  co_await check_refresh_and_revoke(exam);
  co_await delete_registrations(exam);
}

// Why the MCP URL could not be examined at all, or "".
std::string unreachable_reason(const Examination& exam) {
  if (exam.reachable) return "";
  if (exam.first && exam.first->failure) {
    if (exam.first->failure->kind == net::FetchFailureKind::tls_failed) return "";  // deploy.certificate says why
    return "no answer from " + exam.target.url + ": " + exam.first->failure->reason;
  }
  return "no answer from " + exam.target.url;
}

}  // namespace

int run(const Options& options, std::ostream& out, std::ostream& err) {
  std::string error;
  auto target = parse_target(options.url, error);
  if (!target) {
    if (options.json) write_json_error(options.url, error, out);
    else err << "gatehouse doctor: " << error << "\n";
    return kCouldNotRun;
  }

  // The doctor probes the URL its user names, wherever it points: the
  // addresses are judged by deploy.address rather than refused, and http is
  // spoken so that deploy.https can say what is wrong with it.
  net::OutboundPolicy policy;
  policy.ssrf.allow_private = true;
  policy.ssrf.any_port = true;
  policy.allow_http = true;
  policy.timeout = options.timeout;
  policy.ca_files = options.ca_files;
  std::optional<Examination> exam;
  try {
    exam.emplace(options, std::move(*target), std::move(policy), err);
  } catch (const std::exception& e) {
    if (options.json) write_json_error(options.url, e.what(), out);
    else err << "gatehouse doctor: " << e.what() << "\n";
    return kCouldNotRun;
  }
  if (options.progress) {
    exam->findings.on_result = [&err](std::string_view id) {
      err << "\r\x1b[K  checked " << id << " …" << std::flush;
    };
  }

  asio::io_context io;
  std::exception_ptr failure;
  asio::co_spawn(io, examine(*exam), [&failure](std::exception_ptr e) { failure = e; });
  io.run();
  if (options.progress) err << "\r\x1b[K" << std::flush;
  if (failure) {
    std::string what = "the examination stopped";
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      what += std::string(": ") + e.what();
    }
    if (options.json) write_json_error(options.url, what, out);
    else err << "gatehouse doctor: " << what << "\n";
    return kCouldNotRun;
  }
  check_latency(*exam);

  if (auto reason = unreachable_reason(*exam); !reason.empty()) {
    if (options.json) write_json_error(options.url, reason, out);
    else {
      Report partial{options.url, "unknown", exam->findings.results("not reached: " + reason)};
      write_table(partial, TableStyle{options.colour, options.verbose}, out);
      err << "gatehouse doctor: " << reason << "\n";
    }
    return kCouldNotRun;
  }

  Report report{options.url, std::string(to_string(exam->auth_type)), exam->findings.results("not reached")};
  if (options.json) write_json(report, out);
  else write_table(report, TableStyle{options.colour, options.verbose}, out);
  return report.failed() ? kFailed : kPassed;
}

}  // namespace gatehouse::doctor
