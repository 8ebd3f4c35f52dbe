#pragma once
// Configuration from GATEHOUSE_<SECTION>_<KEY> environment variables (the
// names: fields.hpp variable_name): which GATEHOUSE_* variables are not
// configuration (the repository's tooling, secrets read where they are
// used), how a value is read for each type (booleans, comma-separated
// lists, integers), and "did you mean" for an unknown one. The public entry
// point is apply_environment (load.hpp).
#include "config/config.hpp"

#include <string>
#include <vector>

namespace gatehouse::config {

// apply_environment (load.hpp): applies the GATEHOUSE_* entries of
// `environment` ("NAME=value" strings) onto `config`.
void apply_variables(Config& config, const std::vector<std::string>& environment);

}  // namespace gatehouse::config
