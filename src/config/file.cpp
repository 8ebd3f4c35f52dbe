#include "config/file.hpp"

#include "config/fields.hpp"
#include "config/load.hpp"
#include "config/spelling.hpp"
#include "config/text.hpp"
#include "config/toml_syntax.hpp"
#include "net/quote.hpp"
#include "net/text.hpp"

// toml++ is slow to compile: this is the only file that includes it.
//
// toml++ 3.3 asserts (TOML_ASSERT_ASSUME in parser::parse_key) that a table
// header starts with a key character, and only then reports the error
// itself when it does not: a config line "[)" aborted a debug build instead
// of naming its file and line (found by the config_toml fuzzer). Its
// assertions check the library's own invariants, which its release builds
// (NDEBUG) do not check either; here they are off in every build, so every
// build reports the syntax error.
#define TOML_ASSERT(expr) static_cast<void>(0)
#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

namespace gatehouse::config {

namespace {

using net::lower;
using net::quote;

std::string describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "the string " + quote(node.as_string()->get());
    case toml::node_type::integer: return std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point: {
      std::ostringstream out;
      out << node.as_floating_point()->get();
      return out.str();
    }
    case toml::node_type::boolean: return node.as_boolean()->get() ? "true" : "false";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return "a date/time";
    default: return "nothing";
  }
}

class FileReader {
 public:
  FileReader(std::filesystem::path file, Config& config) : file_(std::move(file)), name_(file_.string()), config_(config) {}

  void apply() { apply_text(read()); }

  void apply_text(std::string_view text) {
    toml::table root = parse(text);
    for (auto&& [key, node] : root) apply_section(key, node);
  }

 private:
  std::string read() const {
    std::error_code ec;
    auto status = std::filesystem::status(file_, ec);
    if (status.type() == std::filesystem::file_type::not_found)
      throw ConfigError("config file " + name_ + " does not exist");
    if (ec) throw ConfigError("cannot read config file " + name_ + ": " + ec.message());
    if (std::filesystem::is_directory(status))
      throw ConfigError("config file " + name_ + " is a directory; give the path of a .toml file");
    std::ifstream in(file_, std::ios::binary);
    if (!in) throw ConfigError("cannot open config file " + name_ + ": check that it is readable by this user");
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw ConfigError("cannot read config file " + name_);
    return text;
  }

  toml::table parse(std::string_view text) const {
    refuse_non_ascii_outside_strings(text);
    // The scan above follows TOML's grammar, not toml++'s way of reading a
    // document it cannot parse. So the text is first parsed with every byte
    // beyond ASCII replaced by a backquote, a character TOML allows only in
    // strings and comments: when that parses, no such character stands where
    // toml++ would classify it, and the real text is safe to parse.
    if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
      std::string probe(text);
      for (auto& c : probe)
        if (static_cast<unsigned char>(c) >= 0x80) c = '`';
      parse_or_explain(probe, text);
    }
    return parse_or_explain(text, text);
  }

  // Parses `text`; a syntax error names the file, line and column, explained
  // with the line as written in `original` (the same bytes but for the
  // replaced ones).
  toml::table parse_or_explain(std::string_view text, std::string_view original) const {
    try {
      return toml::parse(text, std::string_view(name_));
    } catch (const toml::parse_error& e) {
      const auto& begin = e.source().begin;
      std::string where = name_;
      if (begin.line > 0) where += ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column);
      auto line = line_of(original, begin.line);
      if (begin.column > 0 && begin.column <= line.size() && static_cast<unsigned char>(line[begin.column - 1]) >= 0x80)
        throw ConfigError(where + ": a character beyond ASCII outside a string or comment (TOML syntax error; quote "
                                  "the value)");
      throw ConfigError(where + ": " + explain_toml_syntax_error(e.description(), line));
    }
  }

  // TOML 1.0 allows characters beyond ASCII only in strings and comments
  // (bare keys are A-Za-z0-9_-). toml++ 3.3 reaches __builtin_unreachable
  // (undefined behaviour, in every build) when it asks whether such a
  // character elsewhere is whitespace (is_non_ascii_horizontal_whitespace,
  // e.g. U+00A1-U+0499; found by the config_toml fuzzer), so that case is
  // reported here, with its line, before toml++ reads the text.
  //
  // toml++ also classifies characters it scans past while reading a value it
  // cannot parse (`x = 0xog"é"` is scanned to its end as one bad value), and
  // the whitespace after a line-ending backslash in a multi-line basic
  // string. So a quote opens a string here only where TOML lets a string
  // start (at the start of a line, after `=`, `[`, `,` or `{`, or after `.`
  // in a dotted key), and the first character after a line-ending backslash
  // must be ASCII.
  void refuse_non_ascii_outside_strings(std::string_view text) const {
    enum class In { value, basic, literal, multiline_basic, multiline_literal, comment } in = In::value;
    std::size_t line = 1, line_start = 0;
    char previous = '\n';       // the last character outside strings and comments that is not blank
    bool key_context = true;    // before the line's `=`: a `.` separates parts of a key
    bool continuation = false;  // after a line-ending backslash, in a multi-line basic string
    auto refuse = [&](std::size_t i, const std::string& what) {
      throw ConfigError(name_ + ":" + std::to_string(line) + ":" + std::to_string(i - line_start + 1) + ": " + what);
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      const auto rest = text.substr(i);
      // A character beyond ASCII is judged once, at its first byte.
      std::size_t extra_bytes = 0;
      if (static_cast<unsigned char>(c) >= 0x80) {
        auto length = utf8_sequence_length(rest);
        if (length == 0) refuse(i, explain_toml_syntax_error("Encountered invalid utf-8 sequence", {}));
        extra_bytes = length - 1;
      }
      if (c == '\n') {
        ++line;
        line_start = i + 1;
        // Single-line strings and comments end at the line's end.
        if (in != In::multiline_basic && in != In::multiline_literal) {
          in = In::value;
          previous = '\n';
          key_context = true;
        }
        continue;
      }
      if (continuation) {
        if (c == ' ' || c == '\t' || c == '\r') continue;
        if (static_cast<unsigned char>(c) >= 0x80)
          refuse(i, "a character beyond ASCII right after a line-ending backslash (TOML syntax error; write it as a "
                    "\\u escape)");
        continuation = false;
      }
      switch (in) {
        case In::value: {
          if (static_cast<unsigned char>(c) >= 0x80)
            refuse(i, "a character beyond ASCII outside a string or comment (TOML syntax error; quote the value)");
          if (c == ' ' || c == '\t' || c == '\r') break;
          const bool string_may_start = previous == '\n' || previous == '=' || previous == '[' || previous == ',' ||
                                        previous == '{' || (previous == '.' && key_context);
          if (c == '#') in = In::comment;
          else if (string_may_start && rest.starts_with(R"(""")")) in = In::multiline_basic, i += 2;
          else if (string_may_start && c == '"') in = In::basic;
          else if (string_may_start && rest.starts_with("'''")) in = In::multiline_literal, i += 2;
          else if (string_may_start && c == '\'') in = In::literal;
          if (c == '=') key_context = false;
          previous = c;
          break;
        }
        case In::basic:
          if (c == '\\') ++i;
          else if (c == '"') in = In::value;
          break;
        case In::multiline_basic:
          if (c == '\\') {
            // A backslash with only blanks after it on its line trims what follows.
            auto after = rest.substr(1);
            auto blanks = after.find_first_not_of(" \t\r");
            if (blanks != std::string_view::npos && after[blanks] == '\n') continuation = true;
            else ++i;
          } else if (rest.starts_with(R"(""")")) {
            in = In::value, i += 2;
          }
          break;
        case In::literal:
          if (c == '\'') in = In::value;
          break;
        case In::multiline_literal:
          if (rest.starts_with("'''")) in = In::value, i += 2;
          break;
        case In::comment: break;
      }
      i += extra_bytes;
    }
  }

  // RFC 3629 §4: the length of the well-formed UTF-8 sequence `text` starts
  // with (no overlong forms, surrogates or code points past U+10FFFF); 0
  // when it starts with none.
  static std::size_t utf8_sequence_length(std::string_view text) {
    if (text.empty()) return 0;
    const auto c = static_cast<unsigned char>(text[0]);
    std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || length > text.size()) return 0;
    std::uint32_t code = length == 1 ? c : c & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[k]);
      if ((next & 0xC0) != 0x80) return 0;
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
  }

  // Line `number` (from 1) of `text`, without its line break.
  static std::string_view line_of(std::string_view text, std::size_t number) {
    for (std::size_t n = 1; n < number; ++n) {
      auto newline = text.find('\n');
      if (newline == std::string_view::npos) return {};
      text.remove_prefix(newline + 1);
    }
    return text.substr(0, text.find('\n'));
  }

  std::string at(const toml::source_region& region) const {
    if (region.begin.line == 0) return name_ + ": ";
    return name_ + ":" + std::to_string(region.begin.line) + ": ";
  }

  std::string at(const toml::key& key, const toml::node& node) const {
    return at(key.source().begin.line > 0 ? key.source() : node.source());
  }

  void apply_section(const toml::key& key, const toml::node& node) {
    const std::string_view name = key.str();
    const std::string where = at(key, node);
    if (name == "backend" && !node.is_string()) return apply_backends(node, where);
    if (!is_section(name)) {
      if (!node.is_table()) {
        std::string out = where + "key " + quote(name) + " is outside any section";
        if (auto* f = find_key_anywhere(name))
          out += ": put it under [" + std::string(f->section) + "]";
        else
          out += "; the sections are " + sections_list();
        throw ConfigError(out);
      }
      std::string out = where + "unknown section [" + std::string(name) + "]";
      std::vector<std::string> sections(kSections.begin(), kSections.end());
      if (auto suggestion = closest(name, sections))
        out += "; did you mean [" + *suggestion + "]?";
      else
        out += "; the sections are " + sections_list();
      throw ConfigError(out);
    }
    const auto* table = node.as_table();
    if (!table)
      throw ConfigError(where + "[" + std::string(name) + "] must be a section (a line [" + std::string(name) +
                        "] followed by its keys), not " + describe(node));
    for (auto&& [k, v] : *table) {
      if (name == "connect" && (k.str() == "field" || k.str() == "check_headers")) {
        apply_connect(k, v);
        continue;
      }
      // A sub-table that is a section of its own: [login.provider].
      const std::string nested = std::string(name) + "." + std::string(k.str());
      if (v.is_table() && is_section(nested)) {
        const auto section = *std::find(kSections.begin(), kSections.end(), nested);
        for (auto&& [k2, v2] : *v.as_table()) apply_key(section, k2, v2);
        continue;
      }
      apply_key(name, k, v);
    }
  }

  // [[connect.field]] tables and [connect.check_headers] (config.hpp
  // ConnectField; rules in connect_rules.cpp).
  void apply_connect(const toml::key& key, const toml::node& node) {
    const std::string where = at(key, node);
    if (key.str() == "check_headers") {
      const auto* t = node.as_table();
      if (!t)
        throw ConfigError(where + "[connect] check_headers must be a table of strings ([connect.check_headers] or "
                          "check_headers = { Authorization = \"Bearer {connection.api_key}\" }), got " + describe(node));
      for (auto&& [name, value] : *t) {
        if (!value.is_string())
          throw ConfigError(at(name, value) + "[connect] check_headers." + std::string(name.str()) +
                            " must be a string, got " + describe(value));
        config_.connect_check_headers[std::string(name.str())] = value.as_string()->get();
      }
      return;
    }
    const auto* array = node.as_array();
    if (!array || !array->is_array_of_tables())
      throw ConfigError(where + "connect form fields are written [[connect.field]] (two brackets), one table per "
                        "field, not " + describe(node));
    static const std::vector<std::string> kKeys{"name", "label", "kind", "required", "pattern", "schemes",
                                                "hosts", "help", "max_length", "placeholder"};
    for (const auto& item : *array) {
      const auto& table = *item.as_table();
      ConnectField f;
      f.where = at(table.source()).substr(0, at(table.source()).size() - 2);
      for (auto&& entry : table) {
        // Named references, not a structured binding: the lambdas below use
        // them (clang refuses to capture structured bindings).
        const toml::key& k = entry.first;
        const toml::node& v = entry.second;
        const std::string w = at(k, v);
        const std::string title = "[[connect.field]] " + std::string(k.str());
        auto wrong = [&](std::string_view requirement) {
          throw ConfigError(w + title + " must be " + std::string(requirement) + ", got " + describe(v));
        };
        auto string = [&]() -> std::string {
          if (!v.is_string()) wrong("a string");
          return v.as_string()->get();
        };
        auto strings = [&]() {
          const auto* a = v.as_array();
          if (!a) wrong("an array of strings");
          std::vector<std::string> out;
          for (std::size_t i = 0; i < a->size(); ++i) {
            if (!a->get(i)->is_string()) wrong("an array of strings");
            out.push_back(a->get(i)->as_string()->get());
          }
          return out;
        };
        const std::string_view name = k.str();
        if (name == "name") f.name = string();
        else if (name == "label") f.label = string();
        else if (name == "kind") f.kind = string();
        else if (name == "required") {
          if (!v.is_boolean()) wrong("true or false");
          f.required = v.as_boolean()->get();
        } else if (name == "pattern") f.pattern = string();
        else if (name == "schemes") f.schemes = strings();
        else if (name == "hosts") f.hosts = strings();
        else if (name == "help") f.help = string();
        else if (name == "placeholder") f.placeholder = string();
        else if (name == "max_length") {
          if (!v.is_integer() || v.as_integer()->get() < 1 || v.as_integer()->get() > 65536)
            wrong("an integer from 1 to 65536 (bytes)");
          f.max_length = static_cast<std::size_t>(v.as_integer()->get());
        } else {
          std::string out = w + "unknown key " + quote(name) + " in [[connect.field]]";
          if (auto guess = closest(name, kKeys)) throw ConfigError(out + "; did you mean " + quote(*guess) + "?");
          throw ConfigError(out + "; the keys are " + join_and(kKeys));
        }
      }
      config_.connect_fields.push_back(std::move(f));
    }
  }

  // [[backend]] tables (config.hpp BackendConfig; rules in backend_rules.cpp).
  void apply_backends(const toml::node& node, const std::string& where) {
    const auto* array = node.as_array();
    if (!array || !array->is_array_of_tables())
      throw ConfigError(where + "backends are written [[backend]] (two brackets), one table per backend, not " +
                        (node.is_table() ? std::string("[backend]") : describe(node)));
    for (const auto& item : *array) {
      const auto& table = *item.as_table();
      BackendConfig b;
      b.where = at(table.source()).substr(0, at(table.source()).size() - 2);
      for (auto&& [k, v] : table) apply_backend_key(b, k, v);
      config_.backends.push_back(std::move(b));
    }
  }

  void apply_backend_key(BackendConfig& b, const toml::key& key, const toml::node& node) {
    static const std::vector<std::string> kKeys{
        "name",        "command",       "url",           "cwd",           "env",          "headers",
        "isolation",   "prefix",        "allow_tools",   "deny_tools",    "tool_scopes",  "max_result_chars",
        "start_timeout", "call_timeout", "idle_timeout", "max_processes", "max_waiting_calls", "ca_file",
        "task_tools"};
    const std::string where = at(key, node);
    const std::string k(key.str());
    const std::string title = "[[backend]] " + k;
    b.key_where[k] = where.substr(0, where.size() - 2);
    auto wrong = [&](std::string_view requirement) {
      throw ConfigError(where + title + " must be " + std::string(requirement) + ", got " + describe(node));
    };
    auto string = [&]() -> std::string {
      if (!node.is_string()) wrong("a string");
      return node.as_string()->get();
    };
    auto strings = [&]() {
      const auto* array = node.as_array();
      if (!array) wrong("an array of strings");
      std::vector<std::string> out;
      for (std::size_t i = 0; i < array->size(); ++i) {
        const auto* s = array->get(i)->as_string();
        if (!s)
          throw ConfigError(at(array->get(i)->source().begin.line > 0 ? array->get(i)->source() : node.source()) +
                            title + " must be an array of strings, but item " + std::to_string(i + 1) + " is " +
                            describe(*array->get(i)));
        out.push_back(s->get());
      }
      return out;
    };
    auto table = [&]() {
      const auto* t = node.as_table();
      if (!t) wrong("a table of strings ([backend." + k + "] or " + k + " = { NAME = \"value\" })");
      std::map<std::string, std::string> out;
      for (auto&& [name, value] : *t) {
        if (!value.is_string())
          throw ConfigError(at(name, value) + title + "." + std::string(name.str()) + " must be a string, got " +
                            describe(value));
        out[std::string(name.str())] = value.as_string()->get();
      }
      return out;
    };
    auto integer = [&](std::int64_t min, std::int64_t max, std::string_view unit) -> std::int64_t {
      if (!node.is_integer() || node.as_integer()->get() < min || node.as_integer()->get() > max)
        wrong("an integer from " + std::to_string(min) + " to " + std::to_string(max) + " (" + std::string(unit) + ")");
      return node.as_integer()->get();
    };
    auto path = [&]() {
      std::filesystem::path p = string();
      if (!p.empty() && p.is_relative()) {
        std::error_code ec;
        auto absolute = std::filesystem::absolute(file_, ec);
        p = ((ec ? file_ : absolute).parent_path() / p).lexically_normal();
      }
      return p;
    };
    const std::int64_t year = static_cast<std::int64_t>(kYearSeconds);
    if (k == "name") b.name = string();
    else if (k == "command") b.command = strings();
    else if (k == "url") b.url = string();
    else if (k == "cwd") b.cwd = path();
    else if (k == "env") b.env = table();
    else if (k == "headers") b.headers = table();
    else if (k == "isolation") b.isolation = string();
    else if (k == "prefix") b.prefix = string();
    else if (k == "allow_tools") b.allow_tools = strings();
    else if (k == "deny_tools") b.deny_tools = strings();
    else if (k == "tool_scopes") b.tool_scopes = strings();
    else if (k == "task_tools") b.task_tools = strings();
    else if (k == "max_result_chars") b.max_result_chars = static_cast<std::size_t>(integer(0, 1'000'000'000, "characters; 0: no cap"));
    else if (k == "start_timeout") b.start_timeout = std::chrono::seconds(integer(1, year, "seconds"));
    else if (k == "call_timeout") b.call_timeout = std::chrono::seconds(integer(1, year, "seconds"));
    else if (k == "idle_timeout") b.idle_timeout = std::chrono::seconds(integer(1, year, "seconds"));
    else if (k == "max_processes") b.max_processes = static_cast<std::size_t>(integer(1, 100'000, "processes"));
    else if (k == "max_waiting_calls") b.max_waiting_calls = static_cast<std::size_t>(integer(1, 1'000'000, "calls"));
    else if (k == "ca_file") b.ca_file = path();
    else {
      std::string out = where + "unknown key " + quote(k) + " in [[backend]]";
      if (auto guess = closest(k, kKeys)) throw ConfigError(out + "; did you mean " + quote(*guess) + "?");
      throw ConfigError(out + "; the keys are " + join_and(kKeys));
    }
  }

  void apply_key(std::string_view section, const toml::key& key, const toml::node& node) {
    const std::string where = at(key, node);
    const Field* field = find_field(section, key.str());
    if (!field) throw ConfigError(where + unknown_key(section, key.str()));
    apply_value(*field, node, where);
    config_.sources[title(*field)] = where.substr(0, where.size() - 2);  // "file:line"
    check_loaded(config_, *field, where);
  }

  static std::string unknown_key(std::string_view section, std::string_view key) {
    std::string out = "unknown key " + quote(key) + " in [" + std::string(section) + "]";
    if (auto* elsewhere = find_key_anywhere(key)) return out + "; it belongs in [" + std::string(elsewhere->section) + "]";
    if (auto suggestion = closest(key, keys_of(section))) return out + "; did you mean " + quote(*suggestion) + "?";
    for (auto other : kSections)
      if (other != section)
        if (auto suggestion = closest(key, keys_of(other)))
          return out + "; did you mean " + quote(*suggestion) + " (in [" + std::string(other) + "])?";
    return out + "; the keys in [" + std::string(section) + "] are " + join_and(keys_of(section));
  }

  [[noreturn]] static void wrong(const Field& f, const toml::node& node, const std::string& where) {
    throw ConfigError(where + title(f) + " " + std::string(f.requirement) + ", got " + describe(node) +
                      near_miss(f, node));
  }

  // A right value in quotes ("true", "30"): say how to write it.
  static std::string near_miss(const Field& f, const toml::node& node) {
    if (!node.is_string()) return {};
    const std::string v = lower(trim(node.as_string()->get()));
    if (std::holds_alternative<bool Config::*>(f.member)) {
      if (v == "true" || v == "yes" || v == "on" || v == "1") return "; write true, without quotes";
      if (v == "false" || v == "no" || v == "off" || v == "0") return "; write false, without quotes";
    }
    if (is_integer(f) && all_digits(v)) return "; write " + v + ", without quotes";
    return {};
  }

  // Item `i` (from 0) of the array `array` is not what the field takes.
  [[noreturn]] void wrong_item(const Field& f, const toml::node& array, const toml::node& item, std::size_t i,
                               std::string_view note = {}) const {
    throw ConfigError(at(item.source().begin.line > 0 ? item.source() : array.source()) + title(f) + " " +
                      std::string(f.requirement) + ", but item " + std::to_string(i + 1) + " is " + describe(item) +
                      std::string(note));
  }

  void apply_value(const Field& f, const toml::node& node, const std::string& where) {
    Config& c = config_;
    if (auto m = std::get_if<std::string Config::*>(&f.member)) {
      if (!node.is_string()) wrong(f, node, where);
      c.*(*m) = node.as_string()->get();
    } else if (auto m = std::get_if<std::filesystem::path Config::*>(&f.member)) {
      if (!node.is_string()) wrong(f, node, where);
      std::filesystem::path path = node.as_string()->get();
      if (!path.empty() && path.is_relative()) {
        std::error_code ec;
        auto absolute = std::filesystem::absolute(file_, ec);
        path = ((ec ? file_ : absolute).parent_path() / path).lexically_normal();
      }
      c.*(*m) = path;
    } else if (auto m = std::get_if<bool Config::*>(&f.member)) {
      if (!node.is_boolean()) wrong(f, node, where);
      c.*(*m) = node.as_boolean()->get();
    } else if (auto m = std::get_if<std::vector<std::string> Config::*>(&f.member)) {
      const auto* array = node.as_array();
      if (!array) wrong(f, node, where);
      std::vector<std::string> items;
      for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& item = *array->get(i);
        if (!item.is_string()) wrong_item(f, node, item, i);
        items.push_back(item.as_string()->get());
      }
      c.*(*m) = std::move(items);
    } else if (auto m = std::get_if<std::vector<std::uint16_t> Config::*>(&f.member)) {
      const auto* array = node.as_array();
      if (!array) wrong(f, node, where);
      std::vector<std::uint16_t> ports;
      for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& item = *array->get(i);
        if (!item.is_integer() || item.as_integer()->get() < 1 || item.as_integer()->get() > 65535)
          wrong_item(f, node, item, i, " (ports are 1 to 65535)");
        ports.push_back(static_cast<std::uint16_t>(item.as_integer()->get()));
      }
      c.*(*m) = std::move(ports);
    } else {  // integers
      if (!node.is_integer()) wrong(f, node, where);
      std::int64_t value = node.as_integer()->get();
      if (value < 0 || static_cast<std::uint64_t>(value) < f.min || static_cast<std::uint64_t>(value) > f.max)
        wrong(f, node, where);
      set_integer(c, f, static_cast<std::uint64_t>(value));
    }
  }

  std::filesystem::path file_;
  std::string name_;
  Config& config_;
};

}  // namespace

void apply_toml_file(Config& config, const std::filesystem::path& file) { FileReader(file, config).apply(); }

void apply_toml_text(Config& config, std::string_view text, const std::filesystem::path& file) {
  FileReader(file, config).apply_text(text);
}

}  // namespace gatehouse::config
