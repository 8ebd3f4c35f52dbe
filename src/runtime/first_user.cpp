#include "runtime/first_user.hpp"

#include "crypto/password_hash.hpp"
#include "crypto/random.hpp"
#include "time/clock.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

namespace gatehouse::runtime {

void ensure_first_user(store::UserStore& users) {
  if (!users.list().empty()) return;
  std::string password = crypto::random_token(12);
  store::User user;
  user.id = "usr_" + crypto::random_token(12);
  user.name = "admin";
  user.password_hash = crypto::hash_password(password);
  user.created_at = time::system_clock().unix_seconds();
  if (!users.add(user)) return;
  // stdout, once: the operator needs it, logs must never hold it.
  std::cout << "created user admin with password " << password
            << " (change it with: gatehouse users passwd admin --password-stdin)" << std::endl;
  spdlog::info("created the first user, admin; its password was printed on stdout");
}

}  // namespace gatehouse::runtime
