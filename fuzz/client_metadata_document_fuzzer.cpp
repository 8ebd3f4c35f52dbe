// Client ID Metadata Documents (INTEROP CI2, CI4): a body fetched from a
// client's URL, validated as the authorize endpoint does before the document
// is trusted, then its redirect check, its client record and — for
// private_key_jwt clients — its JWK Set.
//
// Input: the body. The document URL is fixed; the seeds name it as client_id
// so that the fuzzer starts past the client_id check.
#include "crypto/jwk.hpp"
#include "oauth/client/client_metadata_document.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse;
  constexpr std::string_view kUrl = "https://client.example/oauth/metadata.json";
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  auto parsed = oauth::parse_client_metadata_document(body, "application/json; charset=utf-8", kUrl);
  auto* document = std::get_if<oauth::ClientMetadataDocument>(&parsed);
  if (!document) return 0;
  // CI4: what was accepted says who it is and where it may redirect.
  if (document->client_id != kUrl || document->redirect_uris.empty()) std::abort();
  for (const auto& uri : document->redirect_uris)
    if (!oauth::document_allows_redirect(*document, uri)) std::abort();
  (void)oauth::document_allows_redirect(*document, "http://127.0.0.1:49152/callback");
  (void)oauth::to_client(*document);
  if (document->jwks) (void)crypto::JwkSet::parse(*document->jwks);
  return 0;
}
