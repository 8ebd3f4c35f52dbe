#pragma once
// Servers that ship inside the binary: `builtin:demo` (a few useful tools)
// and `builtin:everything` (what the MCP conformance suite exercises). Both
// use only the public API, so they double as examples.
#include <gatehouse/server.hpp>

#include <filesystem>
#include <memory>
#include <string_view>

namespace gatehouse::builtin {

struct BuiltinOptions {
  std::filesystem::path data_dir;  // where a backend may keep files
};

std::unique_ptr<Server> make_demo(const BuiltinOptions& options);
std::unique_ptr<Server> make_everything(const BuiltinOptions& options);

// "demo" or "everything"; throws std::invalid_argument naming the choices.
std::unique_ptr<Server> make(std::string_view name, const BuiltinOptions& options);

}  // namespace gatehouse::builtin
