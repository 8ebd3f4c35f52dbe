#pragma once
// Builders for MCP content blocks and resource contents (MCP 2025-11-25
// server/tools "Tool Result", server/resources "Resource Contents").
#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace gatehouse::content {


boost::json::object text(std::string_view text);
// `base64_data` is already base64 encoded.
boost::json::object image(std::string_view base64_data, std::string_view mime_type);
boost::json::object audio(std::string_view base64_data, std::string_view mime_type);
boost::json::object resource_link(std::string_view uri, std::string_view name,
                           std::string_view mime_type = {}, std::string_view description = {});
// An embedded resource block: {"type":"resource","resource":contents}.
boost::json::object embedded(boost::json::object resource_contents);

boost::json::object text_contents(std::string_view uri, std::string_view mime_type, std::string_view text);
boost::json::object blob_contents(std::string_view uri, std::string_view mime_type,
                           std::string_view base64_blob);

// Standard base64 (RFC 4648 §4), as MCP uses for blobs and binary content.
std::string base64_encode(std::string_view bytes);

}  // namespace gatehouse::content
