#pragma once
// On the first start with OAuth there is nobody to sign in as: create the
// user `admin` with a random password and print it once on stdout.
#include "store/user_store.hpp"

namespace gatehouse::runtime {

void ensure_first_user(store::UserStore& users);

}  // namespace gatehouse::runtime
