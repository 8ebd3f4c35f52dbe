#pragma once
// The address a request really comes from. Behind a reverse proxy the socket
// peer is the proxy; the client is in X-Forwarded-For (every field of that
// name, in any case, as one list). It is believed only from configured
// trusted proxies, and only as far back as the chain stays trusted — anyone
// can send it. (RFC 7239 Forwarded is not read.)
#include "net/http.hpp"

#include <boost/asio/ip/address.hpp>

#include <vector>

namespace gatehouse::net {

boost::asio::ip::address client_address(const Request& request, const boost::asio::ip::address& peer,
                                        const std::vector<boost::asio::ip::address>& trusted_proxies);

}  // namespace gatehouse::net
