#pragma once
// Which Origin and Host headers the MCP endpoint accepts (MCP basic/transports
// "Security Warning"; INTEROP TR2). Requests without Origin are fine: they do
// not come from a browser (Claude's servers send none). A browser page may
// only call in from an allowed origin, and a server bound to loopback only
// answers to loopback host names, which defeats DNS rebinding.
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::net {

class OriginPolicy {
 public:
  struct Settings {
    bool loopback_bind = true;               // the listener is on 127.0.0.0/8 or ::1
    std::string public_origin;               // "https://mcp.example.com" from --public-url, may be empty
    std::vector<std::string> extra_origins;  // exact origins allowed besides the defaults
    std::vector<std::string> extra_hosts;    // host names allowed besides the defaults
  };
  explicit OriginPolicy(Settings settings);

  bool origin_allowed(std::string_view origin) const;
  // `host` is the Host header value ("name", "name:port", "[v6]:port").
  bool host_allowed(std::string_view host) const;

  // The host part of a Host header, lowercased, brackets kept for IPv6.
  static std::string host_name(std::string_view host_header);

 private:
  Settings settings_;
  std::string public_host_;
};

}  // namespace gatehouse::net
