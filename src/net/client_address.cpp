#include "net/client_address.hpp"
#include "net/text.hpp"

#include <algorithm>

namespace gatehouse::net {

namespace {

std::optional<boost::asio::ip::address> parse(std::string_view text) {
  text = trim_ows(text);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  // [v6]:port, v4:port, bare forms
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    text = text.substr(1, close - 1);
  } else if (auto colon = text.find(':'); colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    text = text.substr(0, colon);
  }
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return address;
}

// The hops named by the forwarding headers, nearest last. Field names are
// case-insensitive (RFC 9110 §5.1: proxies such as Envoy send
// `x-forwarded-for`), and several fields of one name are one list, in
// order (§5.3) — so every X-Forwarded-For field counts, whatever its case,
// and a client cannot hide the proxy's entry behind a differently-cased
// field of its own. equal_range compares names as Beast does, ignoring case,
// and keeps the fields in the order they arrived.
std::vector<std::string> forwarded_chain(const Request& request) {
  std::vector<std::string> hops;
  auto [first, last] = request.equal_range("X-Forwarded-For");
  for (auto it = first; it != last; ++it) {
    std::string_view value = it->value();
    std::size_t pos = 0;
    while (pos <= value.size()) {
      auto comma = value.find(',', pos);
      if (comma == std::string_view::npos) comma = value.size();
      hops.emplace_back(trim_ows(value.substr(pos, comma - pos)));
      pos = comma + 1;
    }
  }
  return hops;
}

}  // namespace

boost::asio::ip::address client_address(const Request& request, const boost::asio::ip::address& peer,
                                        const std::vector<boost::asio::ip::address>& trusted_proxies) {
  auto trusted = [&](const boost::asio::ip::address& a) {
    return std::find(trusted_proxies.begin(), trusted_proxies.end(), a) != trusted_proxies.end();
  };
  if (!trusted(peer)) return peer;
  auto hops = forwarded_chain(request);
  auto current = peer;
  // Walk back from the nearest hop while the hop we came through is trusted.
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto hop = parse(*it);
    if (!hop) return current;  // a hop we cannot read: stop at what we know
    current = *hop;
    if (!trusted(current)) return current;
  }
  return current;
}

}  // namespace gatehouse::net
