#pragma once
// The MCP URL under examination and the discovery URLs derived from it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::doctor {

struct Target {
  std::string url;     // as given
  std::string scheme;  // lower case
  std::string host;    // lower case; IPv6 without brackets
  unsigned short port = 443;
  bool explicit_port = false;
  std::string origin;  // scheme://host[:port] as written
  std::string path;    // "" for the root, else "/mcp" (as written, no query)
};

// nullopt and `error` set when `url` is not an absolute http(s) URL with a
// host, or carries userinfo or a fragment.
std::optional<Target> parse_target(std::string_view url, std::string& error);

// RFC 9728 §3.1: the well-known suffix inserted between the host and the
// path ("path form"), and the same at the root ("root form").
std::string prm_path_url(const Target& target);
std::string prm_root_url(const Target& target);

// Where authorization server metadata for `issuer` may be: RFC 8414 §3.1
// (well-known suffix inserted before the issuer's path), then OpenID Connect
// Discovery §4 (suffix appended to the issuer) and its path-inserted form
// (MCP 2025-11-25 authorization "Authorization Server Metadata Discovery" lists the three in this order).
std::vector<std::string> as_metadata_urls(std::string_view issuer);

// How `resource` (from the metadata) differs from the MCP URL, or "" when it
// is the same string: "a trailing slash more than the URL", "the bare
// origin", "another path (/api)", "another origin (https://x)".
std::string resource_mismatch(const Target& target, std::string_view resource);

}  // namespace gatehouse::doctor
