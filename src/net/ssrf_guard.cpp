#include "net/ssrf_guard.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace gatehouse::net {

namespace {

using boost::asio::ip::address;
using boost::asio::ip::address_v4;
using boost::asio::ip::address_v6;

struct Hit {
  std::string range;
  bool dev_ok;  // allowed under SsrfPolicy::allow_private
};

// IANA IPv4 Special-Purpose Address Registry (RFC 6890 §2.2.2) and the
// multicast (RFC 5771) and reserved (RFC 1112 §4) blocks.
struct V4Range {
  std::uint32_t base;
  int length;
  std::string_view name;
  bool dev_ok;
};
constexpr std::array<V4Range, 14> kV4{{
    {0x00000000, 8, "0.0.0.0/8 (this network)", false},  // Linux connects 0.0.0.0 to localhost
    {0x0A000000, 8, "10.0.0.0/8 (private)", true},
    {0x64400000, 10, "100.64.0.0/10 (shared address space)", true},
    {0x7F000000, 8, "127.0.0.0/8 (loopback)", true},
    {0xA9FE0000, 16, "169.254.0.0/16 (link-local)", true},  // incl. cloud metadata 169.254.169.254
    {0xAC100000, 12, "172.16.0.0/12 (private)", true},
    {0xC0000000, 24, "192.0.0.0/24 (IETF protocol assignments)", true},
    {0xC0000200, 24, "192.0.2.0/24 (documentation)", true},
    {0xC0A80000, 16, "192.168.0.0/16 (private)", true},
    {0xC6120000, 15, "198.18.0.0/15 (benchmarking)", true},
    {0xC6336400, 24, "198.51.100.0/24 (documentation)", true},
    {0xCB007100, 24, "203.0.113.0/24 (documentation)", true},
    {0xE0000000, 4, "224.0.0.0/4 (multicast)", false},
    {0xF0000000, 4, "240.0.0.0/4 (reserved, incl. broadcast)", false},
}};

std::optional<Hit> classify_v4(std::uint32_t a) {
  for (const auto& r : kV4) {
    std::uint32_t mask = r.length == 0 ? 0 : ~std::uint32_t{0} << (32 - r.length);
    if ((a & mask) == r.base) return Hit{std::string(r.name), r.dev_ok};
  }
  return std::nullopt;
}

using Bytes = address_v6::bytes_type;

bool has_prefix(const Bytes& b, std::initializer_list<unsigned char> prefix, int bits) {
  // `prefix` holds ceil(bits/8) bytes.
  int i = 0;
  for (unsigned char p : prefix) {
    int take = std::min(8, bits - 8 * i);
    if (take <= 0) break;
    unsigned char mask = static_cast<unsigned char>(0xFF << (8 - take));
    if ((b[i] & mask) != (p & mask)) return false;
    ++i;
  }
  return true;
}

std::uint32_t v4_at(const Bytes& b, int offset) {
  return std::uint32_t{b[offset]} << 24 | std::uint32_t{b[offset + 1]} << 16 | std::uint32_t{b[offset + 2]} << 8 |
         std::uint32_t{b[offset + 3]};
}

// An IPv6 form that carries an IPv4 address is as dangerous as that address.
std::optional<Hit> embedded(std::string_view v6_range, std::uint32_t v4) {
  auto hit = classify_v4(v4);
  if (!hit) return std::nullopt;
  return Hit{std::string(v6_range) + " of " + hit->range, hit->dev_ok};
}

// IANA IPv6 Special-Purpose Address Registry (RFC 6890 §2.2.3), RFC 4291.
std::optional<Hit> classify_v6(const address_v6& a) {
  const Bytes b = a.to_bytes();
  bool first80_zero = std::all_of(b.begin(), b.begin() + 10, [](unsigned char c) { return c == 0; });
  if (a.is_unspecified()) return Hit{"::/128 (unspecified)", false};
  if (a.is_loopback()) return Hit{"::1/128 (loopback)", true};
  // RFC 4291 §2.5.5.2: ::ffff:a.b.c.d
  if (first80_zero && b[10] == 0xFF && b[11] == 0xFF) return embedded("::ffff:0:0/96 (IPv4-mapped)", v4_at(b, 12));
  // RFC 2765 §2.1 (SIIT, kept by RFC 6145/7915): the IPv4-translated form
  // ::ffff:0:a.b.c.d. A host that routes it (a stateless translator on the
  // path) reaches the IPv4 address.
  if (std::all_of(b.begin(), b.begin() + 8, [](unsigned char c) { return c == 0; }) && b[8] == 0xFF && b[9] == 0xFF &&
      b[10] == 0 && b[11] == 0)
    return embedded("::ffff:0:0:0/96 (IPv4-translated)", v4_at(b, 12));
  // RFC 4291 §2.5.5.1 (deprecated): ::a.b.c.d
  if (first80_zero && b[10] == 0 && b[11] == 0) return embedded("::/96 (IPv4-compatible)", v4_at(b, 12));
  // RFC 6052 §2.1: 64:ff9b::/96 carries the IPv4 address in its last 32 bits;
  // the prefix itself (64:ff9b::) embeds 0.0.0.0 and is refused with it.
  if (has_prefix(b, {0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0}, 96))
    return embedded("64:ff9b::/96 (NAT64)", v4_at(b, 12));
  // RFC 8215: local-use NAT64 prefix; the translator is on the local network.
  if (has_prefix(b, {0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01}, 48)) return Hit{"64:ff9b:1::/48 (local NAT64)", true};
  // RFC 6666: discard-only.
  if (has_prefix(b, {0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64)) return Hit{"100::/64 (discard)", false};
  // RFC 3849: documentation. Checked before Teredo (2001::/32), which it is not part of.
  if (has_prefix(b, {0x20, 0x01, 0x0D, 0xB8}, 32)) return Hit{"2001:db8::/32 (documentation)", true};
  // RFC 4380: Teredo tunnels reach arbitrary IPv4 hosts through a relay.
  if (has_prefix(b, {0x20, 0x01, 0x00, 0x00}, 32)) return Hit{"2001::/32 (Teredo)", false};
  // RFC 3056 §2: 6to4, 2002:aabb:ccdd::/48 carries aa.bb.cc.dd.
  if (has_prefix(b, {0x20, 0x02}, 16)) return embedded("2002::/16 (6to4)", v4_at(b, 2));
  if (has_prefix(b, {0xFC}, 7)) return Hit{"fc00::/7 (unique local)", true};
  if (has_prefix(b, {0xFE, 0x80}, 10)) return Hit{"fe80::/10 (link-local)", true};
  if (has_prefix(b, {0xFE, 0xC0}, 10)) return Hit{"fec0::/10 (site-local, deprecated)", true};
  if (has_prefix(b, {0xFF}, 8)) return Hit{"ff00::/8 (multicast)", false};
  return std::nullopt;
}

std::optional<Hit> classify(const address& a) {
  if (a.is_v4()) return classify_v4(a.to_v4().to_uint());
  return classify_v6(a.to_v6());
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// One part of an inet_aton / WHATWG IPv4 host: decimal, 0x-hex (an empty
// "0x" is 0, as in WHATWG), or octal with a leading 0.
std::optional<std::uint64_t> ipv4_number(std::string_view part) {
  if (part.empty()) return std::nullopt;
  int base = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    base = 16;
    part.remove_prefix(2);
  } else if (part.size() >= 2 && part[0] == '0') {
    base = 8;
    part.remove_prefix(1);
  }
  std::uint64_t value = 0;
  for (char c : part) {
    int digit;
    if (is_digit(c)) digit = c - '0';
    else if (base == 16 && is_hex(c)) digit = (c | 0x20) - 'a' + 10;
    else return std::nullopt;
    if (digit >= base) return std::nullopt;
    value = value * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(digit);
    if (value > 0xFFFFFFFFull) return std::nullopt;  // too large for any part
  }
  return value;
}

std::optional<address_v4> parse_ipv4(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty()) return std::nullopt;
  std::vector<std::uint64_t> parts;
  while (true) {
    auto dot = host.find('.');
    auto n = ipv4_number(host.substr(0, dot));
    if (!n || parts.size() == 4) return std::nullopt;
    parts.push_back(*n);
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  // Every part but the last is one byte; the last fills the remaining bytes.
  std::uint32_t value = 0;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] > 0xFF) return std::nullopt;
    value |= static_cast<std::uint32_t>(parts[i]) << (24 - 8 * i);
  }
  std::size_t rest_bits = 8 * (5 - parts.size());
  if (rest_bits < 32 && parts.back() >= (std::uint64_t{1} << rest_bits)) return std::nullopt;
  value |= static_cast<std::uint32_t>(parts.back());
  return address_v4(value);
}

}  // namespace

bool is_special_use(const address& a) { return classify(a).has_value(); }

std::optional<std::string> special_use_range(const address& a) {
  if (auto hit = classify(a)) return hit->range;
  return std::nullopt;
}

std::optional<std::string> refuse_reason(const std::vector<address>& resolved, const SsrfPolicy& policy) {
  if (resolved.empty()) return "the host resolved to no address";
  for (const auto& a : resolved) {
    auto hit = classify(a);
    if (hit && !(policy.allow_private && hit->dev_ok))
      return "the host resolves to " + a.to_string() + ", a special-use address in " + hit->range;
  }
  return std::nullopt;
}

bool port_allowed(unsigned short port, const SsrfPolicy& policy) {
  if (policy.any_port) return port != 0;
  return std::find(policy.allowed_ports.begin(), policy.allowed_ports.end(), port) != policy.allowed_ports.end();
}

std::optional<address> literal_host(std::string_view host) {
  bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  if (bracketed || host.find(':') != std::string_view::npos) {
    // RFC 6874 zone identifiers ("%25eth0" in a URL) select an interface,
    // not an address: judge the address without them.
    host = host.substr(0, host.find('%'));
    boost::system::error_code ec;
    auto v6 = boost::asio::ip::make_address_v6(std::string(host), ec);
    if (ec) return std::nullopt;
    return address(v6);
  }
  if (auto v4 = parse_ipv4(host)) return address(*v4);
  return std::nullopt;
}

bool ends_in_number(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  auto dot = host.rfind('.');
  std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  if (std::all_of(last.begin(), last.end(), is_digit)) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X'))
    return std::all_of(last.begin() + 2, last.end(), is_hex);
  return false;
}

}  // namespace gatehouse::net
