#pragma once
// Discovery documents: authorization server metadata (RFC 8414; INTEROP
// AS1–AS3) and protected resource metadata (RFC 9728; INTEROP RS5).
#include "oauth/settings.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace gatehouse::oauth {

boost::json::object authorization_server_metadata(const Settings& settings);
boost::json::object protected_resource_metadata(const Settings& settings);

// Where the documents are served. RFC 9728 §3.1 inserts the well-known
// prefix before the resource's path: /.well-known/oauth-protected-resource/mcp;
// the root form is served too (INTEROP RS5).
std::string protected_resource_metadata_path(const Settings& settings);
std::string protected_resource_metadata_url(const Settings& settings);

}  // namespace gatehouse::oauth
