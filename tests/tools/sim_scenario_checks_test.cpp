// What hio check says about a [net] scenario that would run but not test what
// it reads as: a stream client whose host would be a guess, link settings no
// traffic they act on crosses, faults that undo nothing; and "@name" of a doer
// that publishes no address.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"

namespace hio::tools {
namespace {
namespace sim_scenario_checks_test {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

DoerRegistry registry() {
  DoerRegistry r;
  add_builtin_kinds(r);
  return r;
}

struct Checked {
  std::string errors;                 // the diagnostics, a line each
  std::vector<std::string> warnings;  // check's warning lines
};

// `text` checked as hio check does, after the --set `assignments`.
Checked check(const std::string& text, const std::vector<std::string>& assignments = {}) {
  const DoerRegistry kinds = registry();
  Checked out;
  try {
    Scenario scenario = load_scenario_text(text, "s.toml", kinds);
    for (const std::string& assignment : assignments)
      apply_override(scenario, assignment);
    check_scenario(scenario, kinds,
                   [&out](const std::string& line) { out.warnings.push_back(line); });
  } catch (const ScenarioError& error) {
    for (const Diagnostic& d : error.diagnostics())
      out.errors += d.str() + "\n";
  }
  return out;
}

constexpr const char* kEcho =
    "[[doer]]\nkind = \"echo_server\"\nname = \"server\"\naddress = \"sim://server:7\"\n"
    "[[doer]]\nkind = \"echo_client\"\nname = \"client\"\naddress = \"sim://server:7\"\n";

// With more than one host the first one listed is no answer: with the server
// listed first, its client would connect from the server's own host and
// cross no link. The client is refused at its address, naming the fix.
TEST(SimScenarioChecks, AStreamClientNeedsItsHostWhenThereAreSeveral) {
  EXPECT_EQ(check(std::string("[net]\nhosts = [\"server\", \"client\"]\n") + kEcho).errors,
            "s.toml:10:11: cannot build doer 'client': a sim:// client needs a host to connect "
            "from, and [net] lists 2 hosts (server, client): set net.client_host, or this doer's "
            "host = \"...\"\n");
  // Either fix works; one host is no guess.
  EXPECT_EQ(check(std::string("[net]\nhosts = [\"server\", \"client\"]\nclient_host = "
                              "\"client\"\n") +
                  kEcho)
                .errors,
            "");
  EXPECT_EQ(check(std::string("[net]\nhosts = [\"server\", \"client\"]\n") + kEcho +
                  "host = \"client\"\n")
                .errors,
            "");
  EXPECT_EQ(check(std::string("[net]\nhosts = [\"server\"]\n") + kEcho).errors, "");
}

constexpr const char* kHosts =
    "[net]\nhosts = [\"client\", \"server\"]\nclient_host = \"client\"\n";

// Loss and its kin act on datagrams only: on a link only streams cross they
// change nothing, and check says so at the link; over datagrams it does not.
TEST(SimScenarioChecks, DatagramOnlySettingsOnAStreamOnlyLinkAreWarnedAbout) {
  const std::string link =
      "[[net.link]]\nfrom = \"client\"\nto = \"server\"\nlatency = \"20ms\"\nloss = 1\n"
      "corrupt = 0.5\n";
  const Checked streams = check(kHosts + link + kEcho);
  EXPECT_EQ(streams.errors, "");
  EXPECT_THAT(streams.warnings,
              ElementsAre("warning: s.toml:4:1: [[net.link]] client -> server: loss, corrupt act "
                          "on datagrams only, and no sim:// datagram endpoint of the scenario "
                          "sends over it: the streams that cross it see its latency, jitter, "
                          "bandwidth and partitions, never loss, corrupt (docs/simulation.md)"));
  const Checked by_default =
      check(std::string(kHosts) + "[net.default_link]\nduplicate = 0.1\n" + kEcho);
  ASSERT_EQ(by_default.warnings.size(), 1u);
  // At the setting, not at [net] (line 1) two tables away.
  EXPECT_THAT(by_default.warnings[0], ::testing::StartsWith("warning: s.toml:5:13: "
                                                            "net.default_link: duplicate acts on "
                                                            "datagrams only"));
  // Given by --set: that is where it is (the file has no default link).
  const Checked by_set = check(kHosts + std::string(kEcho), {"net.default_link.loss=0.5"});
  ASSERT_EQ(by_set.warnings.size(), 1u);
  EXPECT_THAT(by_set.warnings[0],
              ::testing::StartsWith("warning: --set net.default_link.loss=0.5: net.default_link: "
                                    "loss acts on datagrams only"));
  // A --set that turns it off names no --set.
  const Checked off =
      check(std::string(kHosts) + "[net.default_link]\nduplicate = 0.1\nloss = 0.2\n" + kEcho,
            {"net.default_link.loss=0"});
  ASSERT_EQ(off.warnings.size(), 1u);
  EXPECT_THAT(off.warnings[0], ::testing::StartsWith("warning: s.toml:5:13: net.default_link: "
                                                     "duplicate acts on datagrams only"));

  // A setting written 0 is off: the warning points at the first one on.
  const Checked zero_first =
      check(std::string(kHosts) + "[net.default_link]\nloss = 0.0\nduplicate = 0.2\n" + kEcho);
  ASSERT_EQ(zero_first.warnings.size(), 1u);
  EXPECT_THAT(zero_first.warnings[0], ::testing::StartsWith("warning: s.toml:6:13: "
                                                            "net.default_link: duplicate acts"));
  // A --set a later --set undid is not named: the file's setting is, where
  // the file writes it (the first --set added a line above it to the text).
  const Checked undone = check(std::string(kHosts) + "[net.default_link]\ncorrupt = 0.1\n" + kEcho,
                               {"net.default_link.loss=0.5", "net.default_link.loss=0"});
  ASSERT_EQ(undone.warnings.size(), 1u);
  EXPECT_THAT(undone.warnings[0], ::testing::StartsWith("warning: s.toml:5:11: "
                                                        "net.default_link: corrupt acts"));
  // The last --set still in effect is named, not the last one given.
  const Checked earlier_set = check(kHosts + std::string(kEcho),
                                    {"net.default_link.loss=0.5", "net.default_link.duplicate=0.2",
                                     "net.default_link.duplicate=0"});
  ASSERT_EQ(earlier_set.warnings.size(), 1u);
  EXPECT_THAT(earlier_set.warnings[0],
              ::testing::StartsWith("warning: --set net.default_link.loss=0.5: net.default_link: "
                                    "loss acts on datagrams only"));

  const std::string udp =
      "[[doer]]\nkind = \"udp_responder\"\nname = \"server\"\naddress = \"sim://server:9\"\n"
      "[[doer]]\nkind = \"udp_requester\"\nname = \"client\"\naddress = \"sim://client:0\"\n"
      "to = \"@server\"\n";
  const Checked datagrams = check(kHosts + link + udp);
  EXPECT_EQ(datagrams.errors, "");
  EXPECT_THAT(datagrams.warnings, IsEmpty());
  EXPECT_THAT(check(std::string(kHosts) + "[net.default_link]\nloss = 0.1\n" + udp).warnings,
              IsEmpty());
}

constexpr const char* kOneWay =
    "[[net.fault]]\naction = \"partition\"\nat = \"500ms\"\nfrom = \"server\"\nto = "
    "\"client\"\nway = \"one_way\"\n";

// Faults are a schedule known before the run: one that undoes nothing is
// said at its table. The usual mistake: a one-way partition healed the other
// way, which leaves it cut.
TEST(SimScenarioChecks, AFaultThatUndoesNothingIsWarnedAbout) {
  const Checked wrong_way =
      check(kHosts + std::string(kOneWay) +
            "[[net.fault]]\naction = \"heal\"\nat = \"1s\"\nfrom = \"client\"\nto = \"server\"\n"
            "way = \"one_way\"\n" +
            kEcho);
  EXPECT_THAT(wrong_way.warnings,
              ElementsAre("warning: s.toml:10:1: heal at 1 s heals no cut link: client -> server "
                          "is not cut then; server -> client is (the partition at s.toml:4:1), "
                          "and a one_way heal heals only from -> to: it changes nothing"));
  // Healed the way it was cut, or both ways: nothing to say.
  EXPECT_THAT(check(kHosts + std::string(kOneWay) +
                    "[[net.fault]]\naction = \"heal\"\nat = \"1s\"\nfrom = \"server\"\nto = "
                    "\"client\"\nway = \"one_way\"\n" +
                    kEcho)
                  .warnings,
              IsEmpty());
  EXPECT_THAT(check(kHosts + std::string(kOneWay) +
                    "[[net.fault]]\naction = \"heal\"\nat = \"1s\"\nfrom = \"client\"\nto = "
                    "\"server\"\n" +
                    kEcho)
                  .warnings,
              IsEmpty());
  // A heal before its partition, in file order after it.
  EXPECT_THAT(check(kHosts + std::string(kOneWay) +
                    "[[net.fault]]\naction = \"heal\"\nat = \"100ms\"\nfrom = \"server\"\nto = "
                    "\"client\"\n" +
                    kEcho)
                  .warnings,
              ElementsAre("warning: s.toml:10:1: heal at 0.1 s heals no cut link: no partition "
                          "cuts what it names then: it changes nothing"));
  EXPECT_THAT(check(kHosts +
                    std::string("[[net.fault]]\naction = \"heal_all\"\nat = \"1s\"\n"
                                "[[net.fault]]\naction = \"host_up\"\nat = \"2s\"\nhost = "
                                "\"server\"\n") +
                    kEcho)
                  .warnings,
              ElementsAre("warning: s.toml:4:1: heal_all at 1 s heals no cut link: no partition "
                          "is in effect then: it changes nothing",
                          "warning: s.toml:7:1: host_up at 2 s of host 'server': it is not down "
                          "then: it changes nothing"));
}

// The warnings ask SimCuts, the rules SimNet's links follow, what is cut
// when a heal_all comes: a partition healed since (by a heal, or one whose
// hosts are one and the same, which cuts nothing) leaves nothing for it to
// heal. A re-model beside SimNet counted any partition since the last
// heal_all as in effect and said nothing.
TEST(SimScenarioChecks, AHealAllAfterEveryCutWasHealedIsWarnedAbout) {
  const std::string heal_all_at_2s = "[[net.fault]]\naction = \"heal_all\"\nat = \"2s\"\n";
  const std::string healed = std::string(kOneWay) +
                             "[[net.fault]]\naction = \"heal\"\nat = \"1s\"\nfrom = \"server\"\n"
                             "to = \"client\"\n";
  EXPECT_THAT(check(kHosts + healed + heal_all_at_2s + kEcho).warnings,
              ElementsAre("warning: s.toml:15:1: heal_all at 2 s heals no cut link: no partition "
                          "is in effect then: it changes nothing"));
  EXPECT_THAT(check(kHosts +
                    std::string("[[net.fault]]\naction = \"partition\"\nat = \"1s\"\nfrom = "
                                "\"server\"\nto = \"server\"\n") +
                    heal_all_at_2s + kEcho)
                  .warnings,
              ElementsAre("warning: s.toml:9:1: heal_all at 2 s heals no cut link: no partition "
                          "is in effect then: it changes nothing"));
  // Healed one way of two, or healed and cut again at the heal's tyme (as
  // listed): the heal_all heals something.
  EXPECT_THAT(check(kHosts +
                    std::string("[[net.fault]]\naction = \"partition\"\nat = \"1s\"\nfrom = "
                                "\"server\"\nto = \"client\"\n"
                                "[[net.fault]]\naction = \"heal\"\nat = \"1s\"\nfrom = "
                                "\"server\"\nto = \"client\"\nway = \"one_way\"\n") +
                    heal_all_at_2s + kEcho)
                  .warnings,
              IsEmpty());
  EXPECT_THAT(check(kHosts + healed +
                    "[[net.fault]]\naction = \"partition\"\nat = \"1s\"\nfrom = \"client\"\n"
                    "to = \"server\"\nway = \"one_way\"\n" +
                    heal_all_at_2s + kEcho)
                  .warnings,
              IsEmpty());
}

// A [[net.link]] sets every key of the ways it names, both ways unless
// one_way: a later one of the same hosts written both ways, where the way
// back alone was meant, replaces the earlier link, which then governs no way
// (unfixed: said nothing; client -> server got the later link's 20 ms).
TEST(SimScenarioChecks, ALinkThatALaterOneReplacesIsWarnedAbout) {
  const std::string there =
      "[[net.link]]\nfrom = \"client\"\nto = \"server\"\nlatency = \"10ms\"\n";
  const std::string back = "[[net.link]]\nfrom = \"server\"\nto = \"client\"\nlatency = \"20ms\"\n";
  EXPECT_THAT(check(kHosts + there + back + kEcho).warnings,
              ElementsAre("warning: s.toml:8:1: [[net.link]] server -> client replaces the "
                          "[[net.link]] client -> server of s.toml:4:1, which then governs no way "
                          "(a [[net.link]] sets every key of the ways it names, both ways unless "
                          "one_way): give this one way = \"one_way\" to set server -> client "
                          "alone"));
  const std::string back_one_way = back + "way = \"one_way\"\n";
  // The way back alone, as docs/scenarios.md shows it: nothing to say.
  EXPECT_THAT(check(kHosts + there + back_one_way + kEcho).warnings, IsEmpty());
  // One way twice: the first governs nothing.
  EXPECT_THAT(check(kHosts + back_one_way + back_one_way + kEcho).warnings,
              ElementsAre("warning: s.toml:9:1: [[net.link]] server -> client (one_way) replaces "
                          "the [[net.link]] server -> client (one_way) of s.toml:4:1, which then "
                          "governs no way (a [[net.link]] sets every key of the ways it names): "
                          "keep one of them"));
  // Links of other hosts replace nothing.
  EXPECT_THAT(check("[net]\nhosts = [\"client\", \"server\", \"relay\"]\nclient_host = "
                    "\"client\"\n" +
                    there + "[[net.link]]\nfrom = \"server\"\nto = \"relay\"\n" + kEcho)
                  .warnings,
              IsEmpty());
}

// The default link governs the ways between two hosts that no [[net.link]]
// sets. With none left, its settings change nothing, in the file or by
// --set (unfixed: said nothing, or for loss that the streams crossing it see
// its latency, when none crosses it).
TEST(SimScenarioChecks, ADefaultLinkNoWayIsLeftToIsWarnedAbout) {
  const std::string link = "[[net.link]]\nfrom = \"client\"\nto = \"server\"\n";
  const std::string none_left =
      ": net.default_link governs no link: every way between two hosts of net.hosts has a "
      "[[net.link]] of its own, so its settings change nothing; set them in the [[net.link]] "
      "they are meant for";
  EXPECT_THAT(check(kHosts + link + kEcho, {"net.default_link.latency=50ms"}).warnings,
              ElementsAre("warning: --set net.default_link.latency=50ms" + none_left));
  EXPECT_THAT(
      check(kHosts + std::string("[net.default_link]\nloss = 0.5\n") + link + kEcho).warnings,
      ElementsAre("warning: s.toml:4:1" + none_left));
  // A way left to it: nothing to say (its loss is warned about as before).
  EXPECT_THAT(
      check(kHosts + link + "way = \"one_way\"\n" + kEcho, {"net.default_link.latency=50ms"})
          .warnings,
      IsEmpty());
  EXPECT_THAT(check(kHosts + std::string(kEcho), {"net.default_link.latency=50ms"}).warnings,
              IsEmpty());
}

// A fault takes effect at the first pass at or after its tyme; a run with a
// limit has none at or after it, so a fault whose pass would come then never
// happens (unfixed: said nothing; a partition at 5 s of a 1 s run tested no
// partition).
TEST(SimScenarioChecks, AFaultAfterTheLimitIsWarnedAbout) {
  const std::string run = "[run]\ntock = \"100ms\"\nlimit = \"300ms\"\n";
  const auto down_at = [](const std::string& at) {
    return "[[net.fault]]\naction = \"host_down\"\nat = \"" + at + "\"\nhost = \"server\"\n";
  };
  EXPECT_THAT(check(run + kHosts + down_at("5s") + kEcho).warnings,
              ElementsAre("warning: s.toml:7:1: host_down at 5 s: the run ends at its limit, 0.3 "
                          "s, before it: it never happens"));
  EXPECT_THAT(check(run + kHosts + down_at("250ms") + kEcho).warnings,
              ElementsAre("warning: s.toml:7:1: host_down at 0.25 s: the run ends at its limit, "
                          "0.3 s, before its first pass at or after then (0.3 s, on the tock 0.1 "
                          "s), where a fault takes effect: it never happens"));
  EXPECT_THAT(check(run + kHosts + down_at("200ms") + kEcho).warnings, IsEmpty());
  // No limit, or one a --limit moved past it.
  EXPECT_THAT(check(std::string(kHosts) + down_at("5s") + kEcho).warnings, IsEmpty());
  EXPECT_THAT(check(run + kHosts + down_at("5s") + kEcho, {"run.limit=6s"}).warnings, IsEmpty());
}

// --set net.* writes its value into the scenario's text and reads [net]
// back from it: what it reads is said where the file has it, whatever lines
// the settings added above it (unfixed: a line down for each, the link at
// 7:1 for 6:1, the partition the heal names at 11:1), and what a --set wrote
// as that --set. Warnings and build errors alike, doers below [net] too.
TEST(SimScenarioChecks, PositionsAfterASetOfANetKeyAreTheFilesOwn) {
  const std::string file = std::string("[run]\nlimit = \"2s\"\n") + kHosts +
                           "[[net.link]]\nfrom = \"client\"\nto = \"server\"\nloss = 0.5\n" +
                           kOneWay +
                           "[[net.fault]]\naction = \"heal\"\nat = \"1s\"\nfrom = \"client\"\n"
                           "to = \"server\"\nway = \"one_way\"\n" +
                           kEcho;
  const Checked plain = check(file);
  EXPECT_EQ(plain.errors, "");
  ASSERT_THAT(
      plain.warnings,
      ElementsAre(::testing::StartsWith("warning: s.toml:6:1: [[net.link]] client -> server: "),
                  "warning: s.toml:16:1: heal at 1 s heals no cut link: client -> server is not "
                  "cut then; server -> client is (the partition at s.toml:10:1), and a one_way "
                  "heal heals only from -> to: it changes nothing"));
  const std::vector<std::vector<std::string>> settings = {
      {"net.stall_timeout=3s"},
      {"run.name=n", "run.tock=5ms", "net.default_link.latency=5ms"},
      {"net.listen_backlog=8", "net.stall_timeout=3s", "net.segment_bytes_max=1000",
       "net.listen_backlog=9"}};
  for (const std::vector<std::string>& sets : settings) {
    const Checked set = check(file, sets);
    EXPECT_EQ(set.errors, "") << sets.back();
    std::vector<std::string> expected = plain.warnings;
    // The file's link sets both ways between its two hosts: a default link
    // governs none of them, said at its --set.
    if (sets.back().starts_with("net.default_link.")) {
      expected.insert(expected.begin(), "warning: --set " + sets.back() +
                                            ": net.default_link governs no link: every way "
                                            "between two hosts of net.hosts has a [[net.link]] "
                                            "of its own, so its settings change nothing; set "
                                            "them in the [[net.link]] they are meant for");
    }
    EXPECT_EQ(set.warnings, expected) << sets.back();
  }
  // A doer below [net]: its build error at its address, as without the --set.
  const std::string two_hosts = "[net]\nhosts = [\"server\", \"client\"]\n";
  EXPECT_EQ(check(two_hosts + kEcho, {"net.stall_timeout=3s"}).errors,
            check(two_hosts + kEcho).errors);
  EXPECT_THAT(check(two_hosts + kEcho).errors, ::testing::StartsWith("s.toml:10:11: "));

  // A --set inside an inline table moves what follows it on its line: the
  // column is the file's (unfixed: 24 columns right, what the --set wrote).
  const std::string inline_net =
      "net = { hosts = [\"client\", \"server\"], fault = [{ action = \"heal_all\", at = "
      "\"1s\" }] }\n" +
      std::string(kEcho) + "host = \"client\"\n";
  const Checked written = check(inline_net);
  ASSERT_THAT(written.warnings, ElementsAre("warning: s.toml:1:48: heal_all at 1 s heals no cut "
                                            "link: no partition is in effect then: it changes "
                                            "nothing"));
  EXPECT_EQ(check(inline_net, {"net.client_host=client"}).warnings, written.warnings);
}

// A --set whose value makes what the file writes wrong says where the file
// writes it (unfixed: the message alone, with no place).
TEST(SimScenarioChecks, ASetThatMakesTheFilesValueWrongSaysWhereItIs) {
  const DoerRegistry kinds = registry();
  Scenario scenario = load_scenario_text(
      std::string(kHosts) + "[net.default_link]\nreorder = 0.5\nreorder_delay = \"10ms\"\n" + kEcho,
      "s.toml", kinds);
  try {
    apply_override(scenario, "net.default_link.reorder_delay=0s");
    FAIL() << "applied";
  } catch (const SettingError& error) {
    EXPECT_THAT(error.what(), ::testing::StartsWith(
                                  "--set net.default_link.reorder_delay=0s: s.toml:5:11: "
                                  "net.default_link.reorder without reorder_delay does nothing"));
  }
}

// "@name" of a doer that was built but published no address (a kind that
// does not listen, or one of your own without BuildContext::publish) says
// so, rather than that no listening doer is defined before it.
TEST(SimScenarioChecks, AtNameOfADoerThatPublishedNothingSaysSo) {
  EXPECT_EQ(check("[[doer]]\nkind = \"ticker\"\nname = \"server\"\n[[doer]]\nkind = "
                  "\"echo_client\"\nname = \"client\"\naddress = \"@server\"\n")
                .errors,
            "s.toml:7:11: cannot build doer 'client': address '@server' names doer 'server' "
            "(kind ticker), which published no address: '@name' names a doer that listens or "
            "binds (a kind of your own that does calls BuildContext::publish(spec.name, its "
            "channel))\n");
}

// The same for a copy of a doer with `copies` ("<name>-<i>"), which is a doer
// defined before it too. It said "names no listening doer defined before
// it": the copies' names were not among the doers built. A name past the
// copies, or not a copy's form, still names no doer.
TEST(SimScenarioChecks, AtNameOfACopyThatPublishedNothingSaysSo) {
  const std::string tickers = "[[doer]]\nkind = \"ticker\"\nname = \"t-x\"\ncopies = 3\n";
  const auto client = [&](const std::string& at) {
    return check(tickers + "[[doer]]\nkind = \"echo_client\"\nname = \"client\"\naddress = \"@" +
                 at + "\"\n")
        .errors;
  };
  EXPECT_EQ(client("t-x-2"),
            "s.toml:8:11: cannot build doer 'client': address '@t-x-2' names doer 't-x-2' "
            "(kind ticker), which published no address: '@name' names a doer that listens or "
            "binds (a kind of your own that does calls BuildContext::publish(spec.name, its "
            "channel))\n");
  EXPECT_NE(client("t-x-3").find("names doer 't-x-3' (kind ticker)"), std::string::npos);
  for (const std::string at : {"t-x-4", "t-x-0", "t-x-02", "t-x-", "t-x-+1"}) {
    EXPECT_EQ(client(at), "s.toml:8:11: cannot build doer 'client': address '@" + at +
                              "' names no listening doer defined before it\n")
        << at;
  }
}

// "@t" of a doer with copies names no doer of its own: the message names the
// copies as they are named. It said "names no listening doer defined before
// it", as for a name no doer has (closing note 18).
TEST(SimScenarioChecks, AtNameOfTheCopiesSharedNameNamesTheCopies) {
  const auto client = [](int copies) {
    return check("[[doer]]\nkind = \"ticker\"\nname = \"t\"\ncopies = " + std::to_string(copies) +
                 "\n[[doer]]\nkind = \"echo_client\"\nname = \"client\"\naddress = \"@t\"\n")
        .errors;
  };
  EXPECT_EQ(client(3),
            "s.toml:8:11: cannot build doer 'client': address '@t' names no doer: 't' is the name "
            "its 3 copies share (kind ticker); '@name' names one doer: '@t-1' ... '@t-3'\n");
  EXPECT_EQ(client(2),
            "s.toml:8:11: cannot build doer 'client': address '@t' names no doer: 't' is the name "
            "its 2 copies share (kind ticker); '@name' names one doer: '@t-1' or '@t-2'\n");
}

// A copy that fails to build is named as the copy ("t-2"), not by the name
// the copies share; "@t-2" then points at that error. It said "cannot build
// doer 't'" whichever copy failed (closing note 18).
TEST(SimScenarioChecks, ACopyThatFailsToBuildIsNamed) {
  // The second copy asks for the address the first one listens on.
  EXPECT_EQ(check("[net]\nhosts = [\"server\"]\n[[doer]]\nkind = \"echo_server\"\nname = "
                  "\"t\"\naddress = \"sim://server:7\"\ncopies = 3\n[[doer]]\nkind = "
                  "\"echo_client\"\nname = \"client\"\naddress = \"@t-2\"\n")
                .errors,
            "s.toml:6:11: cannot build doer 't-2': address 'sim://server:7' is taken: doer 't-1' "
            "(s.toml:6:11) listens there already\n"
            "s.toml:11:11: cannot build doer 'client': address '@t-2' names doer 't-2', which "
            "could not be built (see its own error)\n");
}

// The copies after one that failed are not built: "@t-3" says so, and "@t"
// names the copies. "@t-3" said "names no listening doer defined before it",
// "@t" "names doer 't', which could not be built" (rev19 F-l).
TEST(SimScenarioChecks, TheCopiesAfterOneThatFailedAreNamedAsNotBuilt) {
  EXPECT_EQ(check("[net]\nhosts = [\"server\"]\n[[doer]]\nkind = \"echo_server\"\nname = "
                  "\"t\"\naddress = \"sim://server:7\"\ncopies = 3\n[[doer]]\nkind = "
                  "\"echo_client\"\nname = \"c\"\naddress = \"@t-3\"\n[[doer]]\nkind = "
                  "\"echo_client\"\nname = \"d\"\naddress = \"@t\"\n")
                .errors,
            "s.toml:6:11: cannot build doer 't-2': address 'sim://server:7' is taken: doer 't-1' "
            "(s.toml:6:11) listens there already\n"
            "s.toml:11:11: cannot build doer 'c': address '@t-3' names doer 't-3', which was not "
            "built: copy 't-2' before it could not be built (see its own error)\n"
            "s.toml:15:11: cannot build doer 'd': address '@t' names no doer: 't' is the name its "
            "3 copies share (kind echo_server); '@name' names one doer: '@t-1' ... '@t-3'; copy "
            "'t-2' could not be built (nor were the copies after it): address 'sim://server:7' is "
            "taken: doer 't-1' (s.toml:6:11) listens there already\n");
}

// "@t" after one of t's copies failed names that copy and why: the hint's
// '@t-1' ... '@t-N' are not all there. It named the copies only, as if all
// were built (closing note 19).
TEST(SimScenarioChecks, AtNameOfCopiesOneOfWhichFailedNamesItAndWhy) {
  const auto at_t = [](const std::string& server) {
    return check("[net]\nhosts = [\"server\"]\n" + server +
                 "[[doer]]\nkind = \"echo_client\"\nname = \"d\"\naddress = \"@t\"\n")
        .errors;
  };
  // The last copy: no copy after it.
  EXPECT_EQ(at_t("[[doer]]\nkind = \"echo_server\"\nname = \"t\"\naddress = "
                 "\"sim://server:7\"\ncopies = 2\n"),
            "s.toml:6:11: cannot build doer 't-2': address 'sim://server:7' is taken: doer 't-1' "
            "(s.toml:6:11) listens there already\n"
            "s.toml:11:11: cannot build doer 'd': address '@t' names no doer: 't' is the name its "
            "2 copies share (kind echo_server); '@name' names one doer: '@t-1' or '@t-2'; copy "
            "'t-2' could not be built: address 'sim://server:7' is taken: doer 't-1' "
            "(s.toml:6:11) listens there already\n");
  // The first copy, at a host [net] does not list.
  EXPECT_EQ(at_t("[[doer]]\nkind = \"echo_server\"\nname = \"t\"\naddress = "
                 "\"sim://nohost:7\"\ncopies = 3\n"),
            "s.toml:6:11: cannot build doer 't-1': unknown host 'nohost' in sim://nohost:7 "
            "(net.hosts lists them)\n"
            "s.toml:11:11: cannot build doer 'd': address '@t' names no doer: 't' is the name its "
            "3 copies share (kind echo_server); '@name' names one doer: '@t-1' ... '@t-3'; copy "
            "'t-1' could not be built (nor were the copies after it): unknown host 'nohost' in "
            "sim://nohost:7 (net.hosts lists them)\n");
}

}  // namespace sim_scenario_checks_test
}  // namespace
}  // namespace hio::tools
