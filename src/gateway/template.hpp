#pragma once
// Values the operator writes once and Gatehouse fills per backend process or
// per request: `[backend.env]`, `[backend.headers]` and `command`.
//
//   "Bearer {env.BACKEND_KEY}"   Gatehouse's own environment variable
//   "{user.subject}"             the caller's subject (the `sub` of its token)
//   "{user.name}"                the caller's login name
//   "{upstream.access_token}"    the caller's token at the upstream provider
//                                (also subject, username, email)
//   "{connection.FIELD}"         what the caller typed in the connect form
//   "{{" and "}}"                a literal brace
//
// A variable is `{SPACE.NAME}`: SPACE a lower-case word, NAME letters,
// digits, '_', '-' and '.'. check() is where a space becomes known.
// `upstream` and `connection` values belong to one grant (one connection of
// one user), so a process whose templates use them serves that grant only.
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::gateway {

struct TemplateVariable {
  std::string space;  // "env", "user"
  std::string name;   // "BACKEND_KEY", "subject"
  std::string text() const { return "{" + space + "." + name + "}"; }
};

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Template {
 public:
  Template() = default;
  // Throws TemplateError naming the offending character's position.
  static Template parse(std::string_view text);

  const std::vector<TemplateVariable>& variables() const noexcept { return variables_; }
  // Whether the value differs between users (a variable other than env.*).
  bool per_user() const;
  // Whether the value differs between grants ({upstream.*}, {connection.*}).
  bool per_grant() const;
  bool literal() const noexcept { return variables_.empty(); }

  // The text with each variable replaced by `value(variable)`.
  std::string expand(const std::function<std::string(const TemplateVariable&)>& value) const;

 private:
  struct Part {
    std::string literal;
    int variable = -1;  // index into variables_, or -1 for a literal
  };
  std::vector<Part> parts_;
  std::vector<TemplateVariable> variables_;
};

// "" when Gatehouse knows `variable`, else why not (with a suggestion).
// `{env.NAME}` is known when NAME is a variable name; whether it is set is
// checked at start (see missing_environment).
std::string check(const TemplateVariable& variable);

// The env.* variables of `t` that `getenv` says are unset.
std::vector<std::string> missing_environment(const Template& t,
                                             const std::function<const char*(const char*)>& getenv);

}  // namespace gatehouse::gateway
