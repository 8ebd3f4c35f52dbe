#include "store/upstream_token_store.hpp"

namespace gatehouse::store {

std::string_view to_string(VaultState state) {
  switch (state) {
    case VaultState::pending: return "pending";
    case VaultState::active: return "active";
    case VaultState::needs_reauthorization: return "needs_reauthorization";
  }
  return "unknown";
}

std::optional<VaultState> parse_vault_state(std::string_view text) {
  if (text == "pending") return VaultState::pending;
  if (text == "active") return VaultState::active;
  if (text == "needs_reauthorization") return VaultState::needs_reauthorization;
  return std::nullopt;
}

}  // namespace gatehouse::store
