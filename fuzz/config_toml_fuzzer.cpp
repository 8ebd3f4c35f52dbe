// The TOML config loader (config/load.hpp): text as if read from a file,
// then validate() as the server does at start. Every problem must come out
// as a ConfigError for the operator — anything else escaping is a bug.
//
// Input: the file's text.
#include "config/config.hpp"
#include "config/load.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse::config;
  Config config;
  try {
    apply_text(config, std::string_view(reinterpret_cast<const char*>(data), size), "gatehouse.toml");
    validate(config);
  } catch (const ConfigError&) {
  }
  return 0;
}
