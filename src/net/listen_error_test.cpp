#include "net/listen_error.hpp"

#include "net/http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

using boost::asio::ip::make_address;
using tcp = boost::asio::ip::tcp;

TEST(OperatorExperience, ListenFailuresNameTheAddressAndWhatToDo) {
  const tcp::endpoint local{make_address("127.0.0.1"), 8080};
  EXPECT_EQ(listen_failure(local, boost::asio::error::address_in_use),
            "address 127.0.0.1:8080 is in use: another process (perhaps another Gatehouse) is listening there; stop "
            "it, or choose another with --listen 127.0.0.1:PORT (or [server] listen; port 0 picks a free one)");
  EXPECT_EQ(listen_failure({make_address("0.0.0.0"), 80}, boost::asio::error::access_denied),
            "permission denied to listen on 0.0.0.0:80: ports below 1024 need root or the CAP_NET_BIND_SERVICE "
            "capability; listen on a port from 1024 up behind a reverse proxy, or choose another with --listen "
            "0.0.0.0:PORT (or [server] listen; port 0 picks a free one)");
  EXPECT_EQ(listen_failure({make_address("10.9.8.7"), 8080},
                           boost::system::errc::make_error_code(boost::system::errc::address_not_available)),
            "cannot assign address 10.9.8.7: no network interface of this machine has it; listen on 0.0.0.0 (all "
            "interfaces), 127.0.0.1 (this machine only) or one of this machine's addresses");
  EXPECT_EQ(listen_failure({make_address("::1"), 8080}, boost::asio::error::address_family_not_supported),
            "cannot listen on [::1]:8080: IPv6 is not available on this machine; listen on 0.0.0.0 or 127.0.0.1 "
            "instead");
}

TEST(OperatorExperience, BusyPortIsReportedByTheListener) {
  boost::asio::io_context ioc;
  auto handler = [](Request&, const Peer&) -> boost::asio::awaitable<Reply> { co_return reply(Response{}); };
  HttpServer first(ioc, {}, handler);
  auto bound = first.listen({make_address("127.0.0.1"), 0});
  HttpServer second(ioc, {}, handler);
  try {
    second.listen(bound);
    FAIL() << "a second listener on a busy port must fail";
  } catch (const ListenError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("address 127.0.0.1:" + std::to_string(bound.port()) + " is in use", 0), 0u)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find(".hpp"), std::string::npos) << "no library source path: " << e.what();
  }
  first.stop([] {});
  second.stop([] {});
  ioc.run();
}

}  // namespace
}  // namespace gatehouse::net
