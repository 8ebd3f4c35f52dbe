#include "net/url.hpp"

#include <boost/url/parse.hpp>

namespace gatehouse::net {

std::optional<boost::urls::url_view> parse_url(std::string_view text) {
  auto url = boost::urls::parse_uri(text);
  if (!url) return std::nullopt;
  if (url->has_authority()) {
    auto start = text.find("//");
    if (start == std::string_view::npos) return std::nullopt;
    auto raw = text.substr(start + 2);
    if (raw.substr(0, raw.find_first_of("/?#")) != url->encoded_authority()) return std::nullopt;
  }
  return *url;
}

std::string origin_of(std::string_view text) {
  auto url = parse_url(text);
  if (!url) return {};
  return std::string(url->scheme()) + "://" + std::string(url->encoded_host_and_port());
}

}  // namespace gatehouse::net
