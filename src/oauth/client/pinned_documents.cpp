#include "oauth/client/pinned_documents.hpp"

#include "net/url.hpp"
#include "oauth/client/client_id_url.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <iterator>

namespace gatehouse::oauth {

namespace json = boost::json;

// Generated from pinned/ by cmake/embed.cmake.
extern const std::map<std::string_view, std::string_view> kBuiltinPinnedFiles;

std::string_view to_string(PinUse use) { return use == PinUse::always ? "always" : "fallback"; }

PinnedDocuments PinnedDocuments::builtin() {
  PinnedDocuments pins;
  for (const auto& [name, text] : kBuiltinPinnedFiles)
    if (name.ends_with(".json")) pins.add(text, "built in: " + std::string(name));
  return pins;
}

void PinnedDocuments::load_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("pinned client document " + file.string() + " cannot be read");
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  add(text, file.string());
}

void PinnedDocuments::add(std::string_view text, std::string origin) {
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("pinned client document " + origin + ": " + why);
  };
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec) fail("not JSON (" + ec.message() + ")");
  if (!value.is_object()) fail("must be a JSON object with client_id, use, source, recorded and document");
  const auto& pin = value.get_object();
  auto text_of = [&](std::string_view key, bool required) -> std::string {
    const auto* v = pin.if_contains(key);
    if (!v) {
      if (required) fail("\"" + std::string(key) + "\" is missing");
      return {};
    }
    if (!v->is_string()) fail("\"" + std::string(key) + "\" must be a string");
    return std::string(v->get_string());
  };
  PinnedDocument out;
  auto client_id = text_of("client_id", true);
  // CI1 applies to pins too, except the port rule (which is about what may
  // be fetched): a pin names its URL deliberately.
  std::vector<unsigned short> ports{443};
  if (auto url = net::parse_url(client_id))
    if (auto port = net::url_port(*url); port && *port != 0) ports.push_back(static_cast<unsigned short>(*port));
  if (auto problem = client_id_url_problem(client_id, ports)) fail(*problem);
  auto use = text_of("use", false);
  if (use.empty() || use == "fallback")
    out.use = PinUse::fallback;
  else if (use == "always")
    out.use = PinUse::always;
  else
    fail("\"use\" must be \"fallback\" (when the live fetch fails) or \"always\", not \"" + use + "\"");
  out.source = text_of("source", true);
  out.recorded = text_of("recorded", true);
  const auto* document = pin.if_contains("document");
  if (!document || !document->is_object()) fail("\"document\" must be the metadata document (a JSON object)");
  auto parsed = parse_client_metadata_document(json::serialize(*document), "application/json", client_id,
                                               kMaxClientMetadataDocumentBytes);
  if (auto* why = std::get_if<std::string>(&parsed)) fail("the document is not valid: " + *why);
  out.document = std::move(std::get<ClientMetadataDocument>(parsed));
  out.origin = std::move(origin);
  pins_.insert_or_assign(client_id, std::move(out));
}

const PinnedDocument* PinnedDocuments::find(std::string_view client_id) const {
  auto it = pins_.find(client_id);
  return it == pins_.end() ? nullptr : &it->second;
}

std::vector<const PinnedDocument*> PinnedDocuments::list() const {
  std::vector<const PinnedDocument*> out;
  for (const auto& [id, pin] : pins_) out.push_back(&pin);
  return out;
}

}  // namespace gatehouse::oauth
