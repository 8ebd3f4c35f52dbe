#pragma once
// The stdio transport (MCP basic/transports "stdio"): newline-delimited
// JSON-RPC messages on stdin and stdout, one session for the life of the
// process. Nothing but protocol messages is ever written to stdout; logs go
// to stderr.
#include "mcp/dispatcher.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <functional>
#include <memory>

namespace gatehouse::mcp {

class StdioTransport {
 public:
  // `write_line` receives each outgoing message (without the newline); by
  // default it writes to stdout.
  StdioTransport(boost::asio::io_context& ioc, const Server& server, std::function<void(std::string_view)> write_line = {},
                 DispatchOptions options = {});
  ~StdioTransport();

  // Handles one incoming line (from any thread).
  void receive(std::string line);
  // Reads stdin on a background thread until EOF, then calls `on_eof`.
  void start_reading_stdin(std::function<void()> on_eof);
  // Requests still being handled.
  std::size_t in_flight() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace gatehouse::mcp
