#pragma once
// Stores that fail on demand, the way a full disk or a locked database
// fails: every call throws store::StoreError while the switch is on, and
// passes through to the real store otherwise. Wraps the client and code
// stores, which every OAuth endpoint reads or writes.
//
//   auto fail = std::make_shared<testing_support::FailSwitch>();
//   OAuthHarness h(testing_support::failing(store::open_memory_stores(), fail));
//   fail->on = true;  // from now on the next store call throws
#include "store/stores.hpp"

#include <atomic>
#include <memory>
#include <utility>

namespace gatehouse::testing_support {

struct FailSwitch {
  std::atomic<bool> on{false};
  std::atomic<int> failures{0};
  void check() {
    if (!on) return;
    ++failures;
    throw store::StoreError("database or disk is full (injected by the test)");
  }
};

class FailingCodeStore final : public store::AuthorizationCodeStore {
 public:
  FailingCodeStore(std::unique_ptr<store::AuthorizationCodeStore> inner, std::shared_ptr<FailSwitch> fail)
      : inner_(std::move(inner)), fail_(std::move(fail)) {}
  bool add(const store::AuthorizationCode& code) override {
    fail_->check();
    return inner_->add(code);
  }
  std::optional<store::AuthorizationCode> find(std::string_view hash) override {
    fail_->check();
    return inner_->find(hash);
  }
  store::ConsumeResult consume(std::string_view hash, std::int64_t now) override {
    fail_->check();
    return inner_->consume(hash, now);
  }
  bool set_grant(std::string_view hash, std::string_view grant) override {
    fail_->check();
    return inner_->set_grant(hash, grant);
  }
  std::size_t remove_expired(std::int64_t now) override {
    fail_->check();
    return inner_->remove_expired(now);
  }

 private:
  std::unique_ptr<store::AuthorizationCodeStore> inner_;
  std::shared_ptr<FailSwitch> fail_;
};

class FailingClientStore final : public store::ClientStore {
 public:
  FailingClientStore(std::unique_ptr<store::ClientStore> inner, std::shared_ptr<FailSwitch> fail)
      : inner_(std::move(inner)), fail_(std::move(fail)) {}
  bool add(const store::Client& client) override {
    fail_->check();
    return inner_->add(client);
  }
  std::optional<store::Client> find(std::string_view id) override {
    fail_->check();
    return inner_->find(id);
  }
  std::optional<store::Client> find_by_fingerprint(std::string_view fingerprint) override {
    fail_->check();
    return inner_->find_by_fingerprint(fingerprint);
  }
  bool remove(std::string_view id) override {
    fail_->check();
    return inner_->remove(id);
  }
  std::vector<store::Client> list() override {
    fail_->check();
    return inner_->list();
  }
  bool touch(std::string_view id, std::int64_t now) override {
    fail_->check();
    return inner_->touch(id, now);
  }
  std::size_t remove_unused(store::ClientKind kind, std::int64_t created_before) override {
    fail_->check();
    return inner_->remove_unused(kind, created_before);
  }

 private:
  std::unique_ptr<store::ClientStore> inner_;
  std::shared_ptr<FailSwitch> fail_;
};

inline store::Stores failing(store::Stores stores, std::shared_ptr<FailSwitch> fail) {
  stores.codes = std::make_unique<FailingCodeStore>(std::move(stores.codes), fail);
  stores.clients = std::make_unique<FailingClientStore>(std::move(stores.clients), fail);
  return stores;
}

}  // namespace gatehouse::testing_support
