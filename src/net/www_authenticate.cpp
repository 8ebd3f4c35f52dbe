#include "net/www_authenticate.hpp"

#include "net/text.hpp"

namespace gatehouse::net {

namespace {

// RFC 9110 §5.6.2 tchar.
bool tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 9110 §11.2 token68 adds '/' and trailing '='.
bool token68_char(char c) { return tchar(c) || c == '/'; }

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool done() const { return at_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[at_]; }
  void skip_ows() {
    while (!done() && (text_[at_] == ' ' || text_[at_] == '\t')) ++at_;
  }
  void skip_separators() {
    while (!done() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == ',')) ++at_;
  }
  std::string_view token() {
    std::size_t start = at_;
    while (!done() && tchar(text_[at_])) ++at_;
    return text_.substr(start, at_ - start);
  }
  std::size_t position() const { return at_; }
  void rewind(std::size_t to) { at_ = to; }
  // RFC 9110 §5.6.4: DQUOTE *( qdtext / quoted-pair ) DQUOTE.
  std::optional<std::string> quoted() {
    if (peek() != '"') return std::nullopt;
    ++at_;
    std::string out;
    while (!done()) {
      char c = text_[at_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (done()) return std::nullopt;
        c = text_[at_++];
      }
      out += c;
    }
    return std::nullopt;  // no closing quote
  }
  // token68 = 1*( tchar / "/" ) *"=" (the tchar set already holds "-._~+").
  std::string_view token68() {
    std::size_t start = at_;
    while (!done() && token68_char(text_[at_])) ++at_;
    while (!done() && text_[at_] == '=') ++at_;
    return text_.substr(start, at_ - start);
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

std::optional<std::string> AuthChallenge::param(std::string_view name) const {
  for (const auto& [key, value] : params)
    if (key == name) return value;
  return std::nullopt;
}

const AuthChallenge* AuthChallenges::find(std::string_view scheme) const {
  for (const auto& challenge : challenges)
    if (iequals(challenge.scheme, scheme)) return &challenge;
  return nullptr;
}

AuthChallenges parse_www_authenticate(std::string_view value) {
  AuthChallenges out;
  Reader in(value);
  in.skip_separators();
  while (!in.done()) {
    auto scheme = in.token();
    if (scheme.empty()) {
      out.complete = false;
      return out;
    }
    AuthChallenge challenge;
    challenge.scheme = std::string(scheme);
    in.skip_ows();
    // A token68 or the first auth-param; both start with a token.
    bool first = true;
    while (!in.done() && in.peek() != ',') {
      std::size_t start = in.position();
      auto name = in.token();
      in.skip_ows();
      if (name.empty() || in.peek() != '=') {
        // Not an auth-param: a token68 (only as the whole challenge body).
        in.rewind(start);
        if (!first) break;
        auto t68 = in.token68();
        if (t68.empty()) {
          out.complete = false;
          out.challenges.push_back(std::move(challenge));
          return out;
        }
        challenge.token68 = std::string(t68);
        break;
      }
      // name '=' could still be a token68 ending in '=' ("abc=="): an
      // auth-param has a value after the '=' (and OWS).
      std::size_t after_name = in.position();
      in.rewind(after_name + 1);
      in.skip_ows();
      std::string param_value;
      if (in.peek() == '"') {
        auto q = in.quoted();
        if (!q) {
          out.complete = false;
          out.challenges.push_back(std::move(challenge));
          return out;
        }
        param_value = std::move(*q);
      } else {
        auto t = in.token();
        if (t.empty() && first && (in.peek() == '=' || in.done() || in.peek() == ',')) {
          in.rewind(start);
          challenge.token68 = std::string(in.token68());
          break;
        }
        param_value = std::string(t);
      }
      challenge.params.emplace_back(lower(name), std::move(param_value));
      first = false;
      in.skip_ows();
      if (in.peek() != ',') break;
      // A comma: another auth-param of this challenge, or the next
      // challenge (a token followed by a space or the end, not by '=').
      std::size_t comma = in.position();
      in.skip_separators();
      std::size_t next = in.position();
      auto next_token = in.token();
      in.skip_ows();
      const bool is_param = !next_token.empty() && in.peek() == '=';
      in.rewind(is_param ? next : comma);
      if (!is_param) break;
    }
    out.challenges.push_back(std::move(challenge));
    in.skip_separators();
    if (!in.done() && !tchar(in.peek())) {
      out.complete = false;
      return out;
    }
  }
  return out;
}

}  // namespace gatehouse::net
