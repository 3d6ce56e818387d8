// What a journal's engine_version says of its replay by another hio: the
// Journal changes between the two versions (engine_era.hpp's table), and
// that table against docs/changes.md, which says which versions had one.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "engine_era.hpp"
#include "hio/replay/replayer.hpp"
#include "hio/replay/types.hpp"

namespace hio::replay {
namespace {
namespace versions_test {

using Changes = std::vector<std::string>;

// Only a Journal change between the versions can explain a divergence: the
// same version, another PATCH (the Versions policy: no journal changes), and
// MINORs with none between them (0.21 -> 0.22) explain nothing, where the
// `recorded:` line sent the user to replay with the other version (rev22
// finding F8).
TEST(ReplayVersions, OnlyTheJournalChangesBetweenTheTwoVersionsCount) {
  EXPECT_EQ(versions_between("hio 0.22.0", "hio 0.22.0").journal_changes, Changes{});
  EXPECT_FALSE(versions_between("hio 0.22.0", "hio 0.22.0").may_diverge());
  EXPECT_FALSE(versions_between("hio 0.22.0", "hio 0.22.1").may_diverge());
  EXPECT_FALSE(versions_between("hio 0.22.3", "hio 0.22.1").may_diverge());
  EXPECT_FALSE(versions_between("hio 0.21.0", "hio 0.22.0").may_diverge());
  EXPECT_FALSE(versions_between("hio 0.20.0", "hio 0.22.0").may_diverge());
  EXPECT_EQ(versions_between("hio 0.19.4", "hio 0.22.0").journal_changes, Changes{"0.20"});
  EXPECT_EQ(versions_between("hio 0.15.0", "hio 0.22.0").journal_changes,
            (Changes{"0.16", "0.17", "0.18", "0.19", "0.20"}));
  // This hio older than the table's last: only those up to its own MINOR.
  EXPECT_EQ(versions_between("hio 0.15.0", "hio 0.17.2").journal_changes,
            (Changes{"0.16", "0.17"}));
  // Every build before session 15 said 0.1.0; a text of another form is
  // taken as before them all.
  EXPECT_EQ(versions_between("hio 0.1.0", "hio 0.22.0").journal_changes.size(), 5u);
  EXPECT_EQ(versions_between("hio 0.16", "hio 0.22.0").journal_changes.size(), 5u);
  EXPECT_EQ(versions_between("", "hio 0.22.0").journal_changes.size(), 5u);
  // A later MINOR or MAJOR: what it changed is unknown here.
  EXPECT_TRUE(versions_between("hio 0.23.0", "hio 0.22.0").later);
  EXPECT_TRUE(versions_between("hio 1.0.0", "hio 0.22.0").later);
  EXPECT_FALSE(versions_between("hio 0.22.9", "hio 0.22.0").later);
  EXPECT_TRUE(versions_between("hio 0.23.0", "hio 0.22.0").may_diverge());
  // This hio's own version by default.
  EXPECT_FALSE(versions_between(engine_version()).may_diverge());
}

TEST(ReplayVersions, TheNoteNamesTheJournalChangesOrNothing) {
  EXPECT_EQ(format_recorded_version("hio 0.21.0", "hio 0.22.0"), "");
  EXPECT_EQ(format_recorded_version("hio 0.22.0", "hio 0.22.4"), "");
  EXPECT_EQ(format_recorded_version("hio 0.15.0", "hio 0.22.0"),
            "by hio 0.15.0; this is hio 0.22.0: the Journal changes of hio 0.16, 0.17, 0.18, "
            "0.19 and 0.20 (docs/changes.md) can make the doers act otherwise; replay it with "
            "hio 0.15.0, or record it again");
  EXPECT_EQ(format_recorded_version("hio 0.19.0", "hio 0.22.0"),
            "by hio 0.19.0; this is hio 0.22.0: the Journal change of hio 0.20 "
            "(docs/changes.md) can make the doers act otherwise; replay it with hio 0.19.0, or "
            "record it again");
  EXPECT_EQ(format_recorded_version("hio 0.23.0", "hio 0.22.0"),
            "by hio 0.23.0, a later hio than this hio 0.22.0, whose Journal changes this one "
            "does not know: replay it with hio 0.23.0");
  // A journal's text of another form is shown escaped, and, naming no hio,
  // sends no one to replay it with that (rev23 L16: "replay it with
  // \"hio\\n0.1\"").
  EXPECT_EQ(format_recorded_version("hio\n0.1", "hio 0.17.0"),
            "by \"hio\\n0.1\", which names no hio version; this is hio 0.17.0: the Journal "
            "changes of hio 0.16 and 0.17 (docs/changes.md) can make the doers act otherwise; "
            "record it again");
  EXPECT_EQ(format_recorded_version("my capture", "hio 0.19.0"),
            "by \"my capture\", which names no hio version; this is hio 0.19.0: the Journal "
            "changes of hio 0.16, 0.17, 0.18 and 0.19 (docs/changes.md) can make the doers act "
            "otherwise; record it again");
}

// Every message shows a journal's version one way: as it is when it names a
// hio, quoted otherwise (fixcli24: the scenario note showed "recorded by
// my-capture" while the `recorded:` line said "by \"my-capture\"").
TEST(ReplayVersions, AVersionThatNamesNoHioIsQuotedAlike) {
  EXPECT_EQ(format_engine_version("hio 0.15.0"), "hio 0.15.0");
  EXPECT_EQ(format_engine_version("my-capture"), "\"my-capture\"");
  EXPECT_EQ(format_engine_version("hio\n0.1"), "\"hio\\n0.1\"");
  EXPECT_EQ(format_recorded_version("my-capture", "hio 0.19.0")
                .rfind("by " + format_engine_version("my-capture") + ", ", 0),
            0u);
  // None at all (a header made by hand) is said in words, not as `""`
  // (rev25 #6), and not said twice to name no hio.
  EXPECT_EQ(format_engine_version(""), "an unnamed writer (no version recorded)");
  EXPECT_EQ(format_recorded_version("", "hio 0.17.0"),
            "by an unnamed writer (no version recorded); this is hio 0.17.0: the Journal "
            "changes of hio 0.16 and 0.17 (docs/changes.md) can make the doers act otherwise; "
            "record it again");
}

// Which versions a scenario rule may lie between: only a MINOR adds one, so
// the same MINOR (another PATCH) is `same_minor` and gets no scenario note
// (xver23); a text that names no hio is `unparsed`, and never the same.
TEST(ReplayVersions, SameMinorAndUnparsedSayWhatTheTextNames) {
  EXPECT_TRUE(versions_between("hio 0.22.0", "hio 0.22.0").same_minor);
  EXPECT_TRUE(versions_between("hio 0.22.7", "hio 0.22.0").same_minor);
  EXPECT_TRUE(versions_between("hio 0.22.0", "hio 0.22.3").same_minor);
  EXPECT_FALSE(versions_between("hio 0.21.0", "hio 0.22.0").same_minor);
  EXPECT_FALSE(versions_between("hio 0.23.0", "hio 0.22.0").same_minor);
  EXPECT_FALSE(versions_between("hio 1.22.0", "hio 0.22.0").same_minor);
  EXPECT_FALSE(versions_between("x", "hio 0.22.0").same_minor);
  EXPECT_FALSE(versions_between("hio 0.22.0", "hio 0.22.0").unparsed);
  EXPECT_TRUE(versions_between("hio 0.22", "hio 0.22.0").unparsed);
  EXPECT_TRUE(versions_between("", "hio 0.22.0").unparsed);
}

// The JSON's list is the text line's (rev23 L16): the MINORs between, [] for
// none, null for a later hio's (unknown here) or no version at all.
TEST(ReplayVersions, TheJsonListsTheJournalChangesTheLineNames) {
  EXPECT_EQ(journal_changes_json("hio 0.15.0", "hio 0.22.0"),
            R"(["0.16","0.17","0.18","0.19","0.20"])");
  EXPECT_EQ(journal_changes_json("hio 0.19.4", "hio 0.22.0"), R"(["0.20"])");
  EXPECT_EQ(journal_changes_json("hio 0.21.0", "hio 0.22.0"), "[]");
  EXPECT_EQ(journal_changes_json("hio 0.22.0", "hio 0.22.0"), "[]");
  EXPECT_EQ(journal_changes_json("hio 0.23.0", "hio 0.22.0"), "null");
  EXPECT_EQ(journal_changes_json("", "hio 0.22.0"), "null");
  EXPECT_EQ(journal_changes_json("x", "hio 0.17.0"), R"(["0.16","0.17"])");
}

// The library's one-line result says it too (an embedder's replay, not only
// `hio replay`), for a diverged replay only.
TEST(ReplayVersions, TheResultLineOfADivergedReplayNamesThem) {
  ReplayResult r;
  r.status = ReplayStatus::diverged;
  r.recorded_engine_version = "hio 0.15.0";
  EXPECT_NE(format_replay_result(r).find("; recorded by hio 0.15.0; this is " +
                                         std::string(engine_version()) +
                                         ": the Journal changes of hio 0.16, "),
            std::string::npos)
      << format_replay_result(r);
  r.status = ReplayStatus::identical;
  EXPECT_EQ(format_replay_result(r).find("recorded by"), std::string::npos);
  r.status = ReplayStatus::diverged;
  r.recorded_engine_version = engine_version();
  EXPECT_EQ(format_replay_result(r).find("recorded by"), std::string::npos);
}

// The MINORs whose version entry ("- **hio is version 0.M.0**") in
// docs/changes.md says **Journal change** (or **Journal changes**); every
// version entry must say either that or "no Journal change", so that the
// next one cannot leave it unsaid. Every MINOR from 15 (the first entry) to
// this build's must have its entry: one written another way ("Version
// 0.24.0", "hio is now version") was skipped, and a Journal change it named
// never reached the table.
std::set<unsigned long> changes_md_journal_change_minors() {
  std::ifstream in(HIO_CHANGES_MD);
  EXPECT_TRUE(in) << "cannot read " << HIO_CHANGES_MD;
  const std::string start = "- **hio is version 0.";
  std::set<unsigned long> out;
  std::set<unsigned long> found;
  std::string line;
  std::getline(in, line);
  while (in) {
    if (!line.starts_with(start)) {
      std::getline(in, line);
      continue;
    }
    const unsigned long minor = std::stoul(line.substr(start.size()));
    // The entry: its lines up to the next entry, heading or blank line
    // (each without its indent).
    std::string body = line;
    while (std::getline(in, line) && line.find_first_not_of(' ') != std::string::npos &&
           !line.starts_with("- ") && !line.starts_with("#"))
      body += " " + line.substr(line.find_first_not_of(' '));
    const bool change = body.find("**Journal change") != std::string::npos;
    const bool none = body.find("no Journal change") != std::string::npos;
    EXPECT_NE(change, none) << "docs/changes.md's entry of hio 0." << minor
                            << " must say either **Journal change(s)** or \"no Journal "
                               "change\": "
                            << body;
    if (change) out.insert(minor);
    found.insert(minor);
  }
  const auto version = detail::engine_version_parts(engine_version());
  EXPECT_TRUE(version.has_value()) << engine_version();
  if (!version) return out;
  // engine_era.hpp's table holds MINORs of 0.x (versions_between.cpp).
  EXPECT_EQ((*version)[0], 0u) << "the Journal change table holds 0.x MINORs only: "
                                  "give it MAJORs before hio 1.0";
  for (unsigned long minor = 15; minor <= (*version)[1]; ++minor) {
    EXPECT_TRUE(found.contains(minor))
        << "docs/changes.md has no version entry \"- **hio is version 0." << minor
        << ".0**\" saying **Journal change(s)** or \"no Journal change\"";
  }
  return out;
}

// engine_era.hpp's table is what docs/changes.md says, so that a replay names
// the Journal changes that lie between two versions; a version entry marked
// **Journal change** without its MINOR in the table fails here.
TEST(JournalChangeTable, IsChangesMdsVersionEntries) {
  const std::set<unsigned long> table(std::begin(detail::kJournalChangeMinors),
                                      std::end(detail::kJournalChangeMinors));
  EXPECT_EQ(table, changes_md_journal_change_minors())
      << "engine_era.hpp's kJournalChangeMinors differs from docs/changes.md's version entries";
}

}  // namespace versions_test
}  // namespace
}  // namespace hio::replay
