#pragma once
// Pinned Client ID Metadata Documents (INTEROP CI5): known documents kept on
// disk, used when the live fetch fails (`"use": "fallback"`) or instead of
// it (`"use": "always"`). Claude's document host has answered datacenter
// fetches with a bot challenge, so copies of Claude's two documents ship
// with the binary (pinned/); operators add their own files.
//
// A pin file is JSON:
//   {
//     "client_id": "https://app.example.com/oauth/client.json",
//     "use": "fallback",                      // or "always"
//     "source": "where this copy came from",  // shown by the log and docs
//     "recorded": "2026-11-27",               // when it was taken
//     "document": { ...the metadata document... }
//   }
// The document goes through the same checks as a fetched one (CI4), with
// "client_id" as the URL it stands for.
#include "oauth/client/client_metadata_document.hpp"

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::oauth {

enum class PinUse { fallback, always };
std::string_view to_string(PinUse use);

struct PinnedDocument {
  ClientMetadataDocument document;
  PinUse use = PinUse::fallback;
  std::string source;    // where the copy came from
  std::string recorded;  // when
  std::string origin;    // the file it was read from ("built in: claude-ai.json" for shipped ones)
};

class PinnedDocuments {
 public:
  // The copies shipped in pinned/.
  static PinnedDocuments builtin();

  // Adds the pin in `file`, replacing any pin for the same client_id (an
  // operator's file overrides a shipped copy). Throws std::runtime_error
  // naming the file and what is wrong with it.
  void load_file(const std::filesystem::path& file);
  // Adds a pin from its JSON text; `origin` names it in errors and logs.
  void add(std::string_view text, std::string origin);

  const PinnedDocument* find(std::string_view client_id) const;
  std::vector<const PinnedDocument*> list() const;
  std::size_t size() const { return pins_.size(); }

 private:
  std::map<std::string, PinnedDocument, std::less<>> pins_;
};

}  // namespace gatehouse::oauth
