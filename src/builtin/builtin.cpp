#include "builtin/builtin.hpp"

#include <stdexcept>

namespace gatehouse::builtin {

std::unique_ptr<Server> make(std::string_view name, const BuiltinOptions& options) {
  if (name == "demo") return make_demo(options);
  if (name == "everything") return make_everything(options);
  throw std::invalid_argument("unknown built-in backend \"" + std::string(name) +
                              "\"; choose builtin:demo or builtin:everything");
}

}  // namespace gatehouse::builtin
