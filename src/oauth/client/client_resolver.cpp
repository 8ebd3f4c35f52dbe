#include "oauth/client/client_resolver.hpp"

#include "net/url.hpp"
#include "oauth/client/cache_policy.hpp"
#include "oauth/client/client_id_url.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace gatehouse::oauth {

namespace {

constexpr std::string_view kUnverified = "This application could not be verified";

std::string host_of(std::string_view url) {
  auto u = net::parse_url(url);
  return u ? std::string(u->host()) : std::string();
}

// What a failed fetch means, in words for the error page.
std::string fetch_failure_reason(const net::FetchFailure& failure) {
  using K = net::FetchFailureKind;
  switch (failure.kind) {
    case K::address_refused:
      return "its address is not a public internet address, so this server will not contact it (" + failure.reason + ")";
    case K::port_not_allowed: return "its port is not one this server fetches from (" + failure.reason + ")";
    case K::timed_out: return "its host did not answer in time (" + failure.reason + ")";
    case K::too_large: return "the document is too large (" + failure.reason + ")";
    case K::tls_failed: return "its host's TLS certificate could not be verified (" + failure.reason + ")";
    default: return "it could not be fetched (" + failure.reason + ")";
  }
}

// A JWK Set is larger than a metadata document; RFC 7517 sets no bound.
constexpr std::size_t kMaxJwkSetBytes = 64 * 1024;

}  // namespace

ClientResolver::ClientResolver(store::ClientStore& registered, CimdOptions options, DocumentFetcher fetcher,
                               PinnedDocuments pins, const time::Clock& clock)
    : registered_(registered),
      options_(std::move(options)),
      fetcher_(std::move(fetcher)),
      pins_(std::move(pins)),
      clock_(clock),
      documents_(options_.cache_limits, clock),
      key_sets_(options_.cache_limits, clock) {}

ResolvedClient ClientResolver::from_document(std::shared_ptr<const ClientMetadataDocument> document,
                                             ClientSource source) const {
  ResolvedClient out;
  out.client = to_client(*document);
  out.verified_host = host_of(document->client_id);
  out.document = std::move(document);
  out.source = source;
  return out;
}

boost::asio::awaitable<FetchCache<ClientMetadataDocument>::FetchResult> ClientResolver::fetch(std::string url) {
  using Result = FetchCache<ClientMetadataDocument>::FetchResult;
  auto response = co_await fetcher_(url, kMaxClientMetadataDocumentBytes);
  if (auto* failure = std::get_if<net::FetchFailure>(&response)) {
    spdlog::info("client metadata document {} could not be fetched: {} ({})", url, failure->reason,
                 net::to_string(failure->kind));
    co_return Result{fetch_failure_reason(*failure)};
  }
  auto& r = std::get<net::HttpsResponse>(response);
  // CI2: 200 only; redirects are not followed (the draft §4: the document
  // must be served at the client_id URL itself).
  if (r.status >= 300 && r.status < 400) {
    std::string target;
    if (!r.location.empty()) target = " to " + r.location;
    co_return Result{"its URL answered with a redirect (HTTP " + std::to_string(r.status) + target +
                     "); the document must be served at the client_id URL itself"};
  }
  if (r.status != 200) co_return Result{"its URL answered HTTP " + std::to_string(r.status) + " instead of the document"};
  auto parsed = parse_client_metadata_document(r.body, r.content_type, url);
  if (auto* why = std::get_if<std::string>(&parsed)) co_return Result{*why};
  auto lifetime = cache_lifetime(r.cache_control, r.expires, clock_.wall(), options_.cache_min, options_.cache_max);
  auto document = std::make_shared<const ClientMetadataDocument>(std::move(std::get<ClientMetadataDocument>(parsed)));
  spdlog::info("fetched client metadata document {} from {} (reused for {} s)", url, r.peer, lifetime.count());
  co_return FetchCache<ClientMetadataDocument>::Fresh{std::move(document), lifetime, r.body.size() + url.size() + 256};
}

boost::asio::awaitable<std::variant<ResolvedClient, ClientRefusal>> ClientResolver::resolve(std::string client_id) {
  using Out = std::variant<ResolvedClient, ClientRefusal>;
  if (!is_client_id_url(client_id)) {
    auto client = registered_.find(client_id);
    if (!client)
      co_return Out{ClientRefusal{"Unknown application",
                                  "This server does not know the application that sent you here. Start again from the application.",
                                  "client_id " + client_id + " is not registered"}};
    ResolvedClient out;
    out.client = std::move(*client);
    co_return Out{std::move(out)};
  }

  auto refuse = [&](std::string reason) {
    spdlog::warn("client metadata document {} refused: {}", client_id, reason);
    return Out{ClientRefusal{std::string(kUnverified),
                             "The application identifies itself with the document at " + client_id +
                                 ", which this server cannot accept: " + reason + ".",
                             std::move(reason)}};
  };
  if (!options_.enabled)
    co_return refuse("this server does not accept Client ID Metadata Documents; the application must register first");
  // CI1 before anything else: a bad URL is never looked at further.
  if (auto problem = client_id_url_problem(client_id, options_.allowed_ports)) co_return refuse(*problem);
  if (auto distrust = options_.trust.refusal(host_of(client_id))) co_return refuse(*distrust);

  const PinnedDocument* pin = pins_.find(client_id);
  bool pin_alone = pin && pin->use == PinUse::always;
  if (pin && !pin_alone) {
    std::lock_guard lock(pin_backoff_mutex_);
    if (auto it = pin_backoff_.find(client_id); it != pin_backoff_.end()) {
      if (clock_.monotonic() < it->second)
        pin_alone = true;
      else
        pin_backoff_.erase(it);
    }
  }
  if (pin_alone)
    co_return Out{from_document(std::make_shared<const ClientMetadataDocument>(pin->document), ClientSource::pinned)};

  auto fetch_document = [this, client_id]() { return fetch(client_id); };
  auto outcome = co_await documents_.get(client_id, fetch_document);
  if (auto* document = std::get_if<std::shared_ptr<const ClientMetadataDocument>>(&outcome))
    co_return Out{from_document(*document, ClientSource::fetched)};
  const auto& reason = std::get<std::string>(outcome);
  if (pin) {
    spdlog::warn("client metadata document {} unavailable ({}); using the pinned copy from {} (recorded {}) for the "
                 "next {} s",
                 client_id, reason, pin->origin, pin->recorded, options_.cache_min.count());
    {
      std::lock_guard lock(pin_backoff_mutex_);
      pin_backoff_[client_id] = clock_.monotonic() + options_.cache_min;
    }
    co_return Out{from_document(std::make_shared<const ClientMetadataDocument>(pin->document), ClientSource::pinned)};
  }
  co_return refuse(reason);
}

boost::asio::awaitable<FetchCache<crypto::JwkSet>::FetchResult> ClientResolver::fetch_keys(std::string url) {
  using Result = FetchCache<crypto::JwkSet>::FetchResult;
  auto response = co_await fetcher_(url, kMaxJwkSetBytes);
  if (auto* failure = std::get_if<net::FetchFailure>(&response)) co_return Result{fetch_failure_reason(*failure)};
  auto& r = std::get<net::HttpsResponse>(response);
  if (r.status != 200) co_return Result{"its jwks_uri answered HTTP " + std::to_string(r.status)};
  boost::system::error_code ec;
  auto value = boost::json::parse(r.body, ec);
  if (ec) co_return Result{"its jwks_uri did not return JSON"};
  auto parsed = crypto::JwkSet::parse(value);
  if (auto* why = std::get_if<std::string>(&parsed)) co_return Result{"its jwks_uri document: " + *why};
  auto lifetime = cache_lifetime(r.cache_control, r.expires, clock_.wall(), options_.cache_min, options_.cache_max);
  co_return FetchCache<crypto::JwkSet>::Fresh{std::make_shared<const crypto::JwkSet>(std::move(std::get<crypto::JwkSet>(parsed))),
                                              lifetime, r.body.size() + url.size() + 256};
}

boost::asio::awaitable<std::variant<std::shared_ptr<const crypto::JwkSet>, std::string>> ClientResolver::keys_of(
    std::shared_ptr<const ClientMetadataDocument> document) {
  using Out = std::variant<std::shared_ptr<const crypto::JwkSet>, std::string>;
  if (document->jwks) {
    auto parsed = crypto::JwkSet::parse(boost::json::value(*document->jwks));
    if (auto* why = std::get_if<std::string>(&parsed)) co_return Out{"its jwks: " + *why};
    co_return Out{std::make_shared<const crypto::JwkSet>(std::move(std::get<crypto::JwkSet>(parsed)))};
  }
  if (document->jwks_uri.empty()) co_return Out{std::string("its document has neither jwks nor jwks_uri")};
  const std::string url = document->jwks_uri;
  if (auto distrust = options_.trust.refusal(host_of(url))) co_return Out{"its jwks_uri: " + *distrust};
  auto fetch_set = [this, url]() { return fetch_keys(url); };
  auto outcome = co_await key_sets_.get(url, fetch_set);
  if (auto* keys = std::get_if<std::shared_ptr<const crypto::JwkSet>>(&outcome)) co_return Out{*keys};
  co_return Out{std::get<std::string>(outcome)};
}

}  // namespace gatehouse::oauth
