#pragma once
// Who is asking (INTEROP AZ2, CI1–CI5): turns a client_id into the client
// the authorize and token endpoints work with.
//
//   - A client_id starting with "https://" is a Client ID Metadata Document
//     URL: checked (CI1), held against the operator's trust policy, then
//     fetched through the SSRF-safe HTTPS client (CI2, CI3), validated
//     (CI4) and cached (CI5). A pinned copy answers instead of the fetch
//     ("always") or when the fetch fails ("fallback").
//   - Anything else is looked up among the registered clients.
//
// Refusals carry a reason for the person (the error page) and the log;
// they never lead to a redirect (AZ2).
#include "crypto/jwk.hpp"
#include "net/https_client.hpp"
#include "oauth/client/cimd_trust_policy.hpp"
#include "oauth/client/client_metadata_document.hpp"
#include "oauth/client/fetch_cache.hpp"
#include "oauth/client/pinned_documents.hpp"
#include "store/client_store.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <string>
#include <variant>

namespace gatehouse::oauth {

struct CimdOptions {
  // Accept Client ID Metadata Documents (advertised in the AS metadata).
  bool enabled = false;
  CimdTrustPolicy trust;
  // Ports a document URL may name (CI1); 443 unless configured.
  std::vector<unsigned short> allowed_ports = {443};
  // Reuse bounds for fetched documents (cache_policy.hpp).
  std::chrono::seconds cache_min{300};
  std::chrono::seconds cache_max{24 * 3600};
  // Entries, bytes, and how long past its lifetime a document still answers
  // when its host fails (stale if error).
  FetchCacheLimits cache_limits{.max_entries = 1000, .max_bytes = 8 * 1024 * 1024, .stale_if_error = std::chrono::hours(24)};
};

// GET `url` (Accept: application/json), at most `max_body` bytes. The
// serving process passes net::HttpsClient::get; tests pass fakes.
using DocumentFetcher = std::function<boost::asio::awaitable<std::variant<net::HttpsResponse, net::FetchFailure>>(
    std::string url, std::size_t max_body)>;

enum class ClientSource { registered, fetched, pinned };

struct ResolvedClient {
  store::Client client;
  // Set for Client ID Metadata Document clients.
  std::shared_ptr<const ClientMetadataDocument> document;
  std::string verified_host;  // the document URL's host: what the consent page shows (AZ6)
  ClientSource source = ClientSource::registered;
};

struct ClientRefusal {
  std::string heading;  // for the error page, e.g. "Unknown application"
  std::string message;  // what happened, for people
  std::string reason;   // the specific reason, e.g. "the document's client_id does not match its URL"
};

class ClientResolver {
 public:
  ClientResolver(store::ClientStore& registered, CimdOptions options, DocumentFetcher fetcher, PinnedDocuments pins,
                 const time::Clock& clock = time::system_clock());

  bool cimd_enabled() const { return options_.enabled; }
  const CimdOptions& options() const { return options_; }
  const PinnedDocuments& pins() const { return pins_; }
  FetchCacheStats cache_stats() const { return documents_.stats(); }

  boost::asio::awaitable<std::variant<ResolvedClient, ClientRefusal>> resolve(std::string client_id);

  // The signing keys of a private_key_jwt client (RFC 7523): its document's
  // inline `jwks`, or the JWK Set at its `jwks_uri`, fetched like the
  // document (SSRF guard, trust policy, cache) — or why there are none.
  boost::asio::awaitable<std::variant<std::shared_ptr<const crypto::JwkSet>, std::string>> keys_of(
      std::shared_ptr<const ClientMetadataDocument> document);

 private:
  boost::asio::awaitable<FetchCache<ClientMetadataDocument>::FetchResult> fetch(std::string url);
  boost::asio::awaitable<FetchCache<crypto::JwkSet>::FetchResult> fetch_keys(std::string url);
  ResolvedClient from_document(std::shared_ptr<const ClientMetadataDocument> document, ClientSource source) const;

  store::ClientStore& registered_;
  CimdOptions options_;
  DocumentFetcher fetcher_;
  PinnedDocuments pins_;
  // Wall time for HTTP Expires, monotonic time for the caches and backoff.
  const time::Clock& clock_;
  FetchCache<ClientMetadataDocument> documents_;
  FetchCache<crypto::JwkSet> key_sets_;
  // Pinned client ids whose live fetch failed: the pin answers alone until
  // then, so a host that drops our packets does not cost every sign-in and
  // token request a full fetch timeout.
  std::mutex pin_backoff_mutex_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> pin_backoff_;
};

}  // namespace gatehouse::oauth
