#include "json.hpp"
#include <gatehouse/content.hpp>

#include <openssl/evp.h>

namespace gatehouse::content {

json::object text(std::string_view text) {
  return {{"type", "text"}, {"text", text}};
}

json::object image(std::string_view base64_data, std::string_view mime_type) {
  return {{"type", "image"}, {"data", base64_data}, {"mimeType", mime_type}};
}

json::object audio(std::string_view base64_data, std::string_view mime_type) {
  return {{"type", "audio"}, {"data", base64_data}, {"mimeType", mime_type}};
}

json::object resource_link(std::string_view uri, std::string_view name, std::string_view mime_type,
                           std::string_view description) {
  json::object o{{"type", "resource_link"}, {"uri", uri}, {"name", name}};
  if (!mime_type.empty()) o["mimeType"] = mime_type;
  if (!description.empty()) o["description"] = description;
  return o;
}

json::object embedded(json::object resource_contents) {
  return {{"type", "resource"}, {"resource", std::move(resource_contents)}};
}

json::object text_contents(std::string_view uri, std::string_view mime_type, std::string_view text) {
  json::object o{{"uri", uri}};
  if (!mime_type.empty()) o["mimeType"] = mime_type;
  o["text"] = text;
  return o;
}

json::object blob_contents(std::string_view uri, std::string_view mime_type, std::string_view base64_blob) {
  json::object o{{"uri", uri}};
  if (!mime_type.empty()) o["mimeType"] = mime_type;
  o["blob"] = base64_blob;
  return o;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace gatehouse::content
