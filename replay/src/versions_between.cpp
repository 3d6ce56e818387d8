// What a journal's engine_version says of its replay by this hio: the
// Journal changes between the two versions (engine_era.hpp's table).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine_era.hpp"
#include "hio/replay/escape.hpp"
#include "hio/replay/types.hpp"

namespace hio::replay {

VersionsBetween versions_between(std::string_view recorded_engine_version,
                                 std::string_view this_version) {
  VersionsBetween out;
  out.unparsed = !detail::engine_version_parts(recorded_engine_version);
  const auto self = detail::engine_version_parts(this_version);
  if (!self) return out;
  const unsigned long major = (*self)[0];
  const unsigned long minor = (*self)[1];
  // (A text of another form is not later: it counts as before them all.)
  if (detail::engine_after(recorded_engine_version, major, minor)) {
    out.later = true;
    return out;
  }
  out.same_minor = !detail::engine_before(recorded_engine_version, major, minor);
  for (const unsigned long change : detail::kJournalChangeMinors) {
    const bool not_after_this = major > 0 || change <= minor;
    if (not_after_this && detail::engine_before(recorded_engine_version, 0, change))
      out.journal_changes.push_back("0." + std::to_string(change));
  }
  return out;
}

std::string format_engine_version(std::string_view recorded_engine_version) {
  if (detail::engine_version_parts(recorded_engine_version))
    return std::string(recorded_engine_version);
  // hio always writes one: only a header made by hand has none, which a
  // quotation showed as `""` (rev25 #6).
  if (recorded_engine_version.empty()) return std::string(kNoEngineVersion);
  // A text of another form is shown for what it is (a journal's bytes).
  std::string out;
  append_quoted_text(out, recorded_engine_version);
  return out;
}

std::string format_recorded_version(std::string_view recorded_engine_version,
                                    std::string_view this_version) {
  const VersionsBetween between = versions_between(recorded_engine_version, this_version);
  if (!between.may_diverge()) return "";
  const std::string recorded = format_engine_version(recorded_engine_version);
  std::string out = "by " + recorded;
  // No hio is called that: none to replay it with (rev23 L16). (One with
  // no text says so itself.)
  if (between.unparsed && !recorded_engine_version.empty()) out += ", which names no hio version";
  if (between.later) {
    return out + ", a later hio than this " + std::string(this_version) +
           ", whose Journal changes this one does not know: replay it with " + recorded;
  }
  const std::vector<std::string>& changes = between.journal_changes;
  out += "; this is " + std::string(this_version) + ": the Journal change" +
         (changes.size() > 1 ? "s" : "") + " of hio ";
  for (std::size_t i = 0; i < changes.size(); ++i)
    out += (i == 0 ? "" : i + 1 == changes.size() ? " and " : ", ") + changes[i];
  out += " (docs/changes.md) can make the doers act otherwise; ";
  return out + (between.unparsed ? "record it again"
                                 : "replay it with " + recorded + ", or record it again");
}

std::string journal_changes_json(std::string_view recorded_engine_version,
                                 std::string_view this_version) {
  if (recorded_engine_version.empty()) return "null";
  const VersionsBetween between = versions_between(recorded_engine_version, this_version);
  if (between.later) return "null";
  // The MINORs are digits and dots: nothing to escape.
  std::string out = "[";
  for (const std::string& change : between.journal_changes)
    out += (out.size() == 1 ? "\"" : ",\"") + change + "\"";
  return out + "]";
}

}  // namespace hio::replay
