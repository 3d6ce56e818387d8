#include "filters_json.hpp"

#include "channel_id.hpp"
#include "hio/tools/runner.hpp"

namespace hio::tools {

namespace {

// "[a, b]" (compact: "[a,b]"): a JSON array of items already JSON.
std::string json_array(const std::vector<std::string>& items, std::string_view comma) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += comma;
    out += items[i];
  }
  return out + "]";
}

}  // namespace

std::string filters_json(const std::vector<std::string>& kinds,
                         const std::vector<std::string>& channels,
                         const std::vector<EchoedIds>& journals, replay::JsonSpacing spacing) {
  const bool spaced = spacing == replay::JsonSpacing::spaced;
  const std::string_view colon = spaced ? ": " : ":";
  const std::string_view comma = spaced ? ", " : ",";
  std::vector<std::string> kind_items;
  for (const std::string& kind : kinds)
    kind_items.push_back(json_quote(kind));
  std::vector<std::string> channel_items;
  for (std::size_t i = 0; i < channels.size(); ++i) {
    std::string item = "{";
    replay::append_json_member(item, "given", channels[i], spacing);
    std::uint32_t id = 0;
    item += std::string(comma) + "\"by\"" + std::string(colon) +
            (channel_id_of(channels[i], id) ? "\"id\"" : "\"name\"");
    for (const EchoedIds& journal : journals) {
      std::vector<std::string> ids;
      if (journal.each != nullptr) {
        for (const std::uint32_t selected : (*journal.each)[i])
          ids.push_back(std::to_string(selected));
      }
      item += std::string(comma) + json_quote(journal.name) + std::string(colon) +
              (journal.each != nullptr ? json_array(ids, comma) : "null");
    }
    channel_items.push_back(item + "}");
  }
  return "\"kinds\"" + std::string(colon) +
         (kind_items.empty() ? "null" : json_array(kind_items, comma)) + std::string(comma) +
         "\"channels\"" + std::string(colon) +
         (channel_items.empty() ? "null" : json_array(channel_items, comma));
}

}  // namespace hio::tools
