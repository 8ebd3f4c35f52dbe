#include "oauth/resource/challenge.hpp"

#include "oauth/scope.hpp"

namespace gatehouse::oauth {

namespace {
// RFC 9110 §5.6.4 quoted-string: escape backslash and double quote.
std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) out.push_back(c);
  }
  out.push_back('"');
  return out;
}
}  // namespace

std::string bearer_challenge(std::string_view resource_metadata_url, const std::vector<std::string>& scopes,
                             const std::optional<Error>& error) {
  std::string out = "Bearer resource_metadata=" + quoted(resource_metadata_url);
  if (!scopes.empty()) out += ", scope=" + quoted(join_scope(scopes));
  if (error) {
    out += ", error=" + quoted(error->code());
    if (!error->description().empty()) out += ", error_description=" + quoted(error->description());
  }
  return out;
}

}  // namespace gatehouse::oauth
