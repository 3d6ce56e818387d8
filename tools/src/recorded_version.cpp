#include "recorded_version.hpp"

#include "hio/replay/types.hpp"

namespace hio::tools {

std::string recorded_by_other_version(std::string_view recorded) {
  if (recorded == replay::engine_version()) return "";
  return "recorded by " + replay::format_engine_version(recorded) + "; this is " +
         replay::engine_version();
}

std::string divergence_version_line(std::string_view recorded) {
  const std::string note = replay::format_recorded_version(recorded);
  return note.empty() ? "" : "recorded:  " + note + "\n";
}

void note_scenario_version(std::vector<Diagnostic>& problems, std::string_view recorded,
                           const std::string& journal) {
  const std::string other = recorded_by_other_version(recorded);
  if (other.empty()) return;
  // A scenario rule comes only with a MINOR: another PATCH of this one
  // refuses nothing this one accepts, and the note would send the user
  // away from what is wrong (xver23).
  const replay::VersionsBetween between = replay::versions_between(recorded);
  if (between.same_minor) return;
  // A text that names no hio has none to replay it with (rev23 L16).
  const std::string note =
      between.unparsed
          ? "the journal was recorded by " + replay::format_engine_version(recorded) +
                (recorded.empty() ? "" : ", which names no hio version") + "; this is " +
                replay::engine_version() +
                ", which may refuse what its writer accepted (docs/changes.md says what "
                "changed): record it again"
          : "the journal was " + other +
                ", which may refuse what that version accepted (docs/changes.md says what "
                "changed): replay it with " +
                replay::format_engine_version(recorded) + ", or record it again";
  problems.push_back(Diagnostic{SourcePos{journal, 0, 0}, note});
}

}  // namespace hio::tools
