#include "oauth/client/client_id_url.hpp"
#include "net/text.hpp"

#include "net/ssrf_guard.hpp"
#include "net/url.hpp"

#include <algorithm>
#include <cctype>

namespace gatehouse::oauth {


bool is_client_id_url(std::string_view client_id) { return client_id.starts_with("https://"); }

std::optional<std::string> client_id_url_problem(std::string_view client_id,
                                                 const std::vector<unsigned short>& allowed_ports) {
  if (client_id.empty()) return "client_id is empty";
  if (client_id.size() > kMaxClientIdUrlLength)
    return "client_id URL is longer than " + std::to_string(kMaxClientIdUrlLength) + " characters";
  for (unsigned char c : client_id)
    if (c <= 0x20 || c == 0x7F) return "client_id URL must not contain whitespace or control characters";

  auto url = net::parse_absolute_uri(client_id);
  if (!url) return "client_id is not a valid absolute URL";
  // Metadata draft §3: the client_id MUST be an https URL. The scheme is
  // compared exactly: the document's client_id must equal the URL as a
  // string (CI4), so a second spelling of one URL is not accepted.
  if (url->scheme() != "https") return "client_id URL must use the https scheme";
  if (!url->has_authority() || url->encoded_host().empty()) return "client_id URL must have a host";
  // Boost.URL 1.81 reads a host that starts like an IPv4 address
  // ("1.2.3.4.example.com", "127.0.0.1.nip.io") as that address and the rest
  // as a path without a leading "/". Such a URL is refused rather than
  // judged by a host it does not have: the authority must be exactly the
  // text between "//" and the first "/", "?" or "#".
  std::string_view raw = client_id.substr(client_id.find("//") + 2);
  if (raw.substr(0, raw.find_first_of("/?#")) != url->encoded_authority())
    return "client_id URL host could not be parsed unambiguously";
  // §3: MUST NOT contain a username or password.
  if (url->has_userinfo()) return "client_id URL must not contain a username or password";

  switch (url->host_type()) {
    case boost::urls::host_type::ipvfuture:
      return "client_id URL host is not a valid address";
    case boost::urls::host_type::name: {
      std::string_view host = url->encoded_host();
      if (host.find('%') != std::string_view::npos) return "client_id URL host must not be percent-encoded";
      // "https://0x7f000001/x" is 127.0.0.1 to every resolver; a numeric host
      // that is no valid IPv4 address (1.2.3.4.5, 999.1.1.1) is malformed.
      if (net::ends_in_number(host) && !net::literal_host(host))
        return "client_id URL host looks like an IPv4 address but is not a valid one";
      break;
    }
    default:
      break;  // IP literals are judged by the SSRF guard when fetching (CI3)
  }

  // §3: MAY contain a port; only configured ports are fetched (CI3).
  if (url->has_port()) {
    if (url->port().empty()) return "client_id URL has an empty port";
    unsigned long port = 0;
    for (char c : url->port()) {
      port = port * 10 + static_cast<unsigned long>(c - '0');
      if (port > 65535) return "client_id URL port is out of range";
    }
    if (std::find(allowed_ports.begin(), allowed_ports.end(), static_cast<unsigned short>(port)) ==
        allowed_ports.end())
      return "client_id URL port " + std::string(url->port()) + " is not allowed unless configured";
  }

  // §3: MUST contain a path component, and MUST NOT contain single-dot or
  // double-dot path segments. A root path names no document.
  std::string_view path = url->encoded_path();
  if (path.empty() || path == "/") return "client_id URL must have a path (not just \"/\")";
  // The raw path is split here: Boost.URL's segment views hide a leading
  // "/./" (its own disambiguation prefix), which must be refused too.
  for (std::size_t start = 1; start <= path.size();) {
    auto end = std::min(path.find('/', start), path.size());
    std::string segment = net::lower(path.substr(start, end - start));
    std::string dots;  // the segment with every "%2e" read as "."
    for (std::size_t i = 0; i < segment.size(); ++i) {
      bool encoded_dot = segment.compare(i, 3, "%2e") == 0;
      dots.push_back(encoded_dot ? '.' : segment[i]);
      if (encoded_dot) i += 2;
    }
    if (dots == "." || dots == "..") return "client_id URL must not contain \".\" or \"..\" path segments";
    if (segment.find("%2f") != std::string::npos || segment.find("%5c") != std::string::npos)
      return "client_id URL path must not contain an encoded \"/\" or \"\\\"";
    start = end + 1;
  }

  // §3: SHOULD NOT contain a query string; MUST NOT contain a fragment.
  if (url->has_query()) return "client_id URL must not contain a query string";
  if (url->has_fragment()) return "client_id URL must not contain a fragment";
  return std::nullopt;
}

}  // namespace gatehouse::oauth
