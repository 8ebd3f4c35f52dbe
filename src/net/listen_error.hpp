#pragma once
// Why a listening socket could not be set up, worded for the operator
// ("address 127.0.0.1:8080 is in use ...") instead of the system's
// "bind: Address already in use [system:98 at <library source path>]".
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <stdexcept>
#include <string>

namespace gatehouse::net {

class ListenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The message for `ec`, raised while opening, binding or listening on
// `endpoint`: names the address and what to do (EADDRINUSE, EACCES,
// EADDRNOTAVAIL, EAFNOSUPPORT; anything else with the system's words).
std::string listen_failure(const boost::asio::ip::tcp::endpoint& endpoint, const boost::system::error_code& ec);

}  // namespace gatehouse::net
