// DoerRegistry through the public tools API, as an embedder uses it: kind
// specs that cannot work are refused when added, and a factory that makes no
// doer is a positioned error in check, run and sweep, not a crash.
#include "hio/tools/registry.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "hio/io/address.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"
#include "hio/tools/sweep.hpp"
#include "temp_dir.hpp"

namespace hio::tools {
namespace {
namespace registry_test {

class Idle final : public Doer {
 public:
  Idle(const DoerSpec& spec, BuildContext&) : Doer(spec.name) {}

 protected:
  bool recur(Tyme) override { return true; }
};

KindSpec kind_with(std::string name, std::vector<ParamSpec> params = {}) {
  return KindSpec{std::move(name), "", std::move(params), factory_of<Idle>(), false};
}

// The message add() throws for `kind`, or "" if it was added.
std::string refusal(KindSpec kind) {
  DoerRegistry registry;
  add_builtin_kinds(registry);
  try {
    registry.add(std::move(kind));
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

TEST(DoerRegistry, RefusesKindNamesALoaderCannotUse) {
  EXPECT_EQ(refusal(kind_with("has space")),
            "doer kind name 'has space' must be non-empty, without dots or spaces");
  EXPECT_EQ(refusal(kind_with("has.dot")),
            "doer kind name 'has.dot' must be non-empty, without dots or spaces");
  EXPECT_EQ(refusal(kind_with("tab\there")),
            "doer kind name 'tab\there' must be non-empty, without dots or spaces");
  EXPECT_EQ(refusal(kind_with("")), "doer kind name '' must be non-empty, without dots or spaces");
  EXPECT_EQ(refusal(kind_with("ticker")), "doer kind 'ticker' is registered twice");
  EXPECT_EQ(refusal(KindSpec{"bare", "", {}, nullptr, false}), "doer kind 'bare' has no factory");
  EXPECT_EQ(refusal(kind_with("under_score-dash")), "");
}

TEST(DoerRegistry, RefusesParamsThatCollideWithTheCommonKeys) {
  for (const char* common : {"kind", "name", "tock", "copies", "doer"}) {
    EXPECT_EQ(refusal(kind_with("k", {{common, ParamType::integer, "", std::int64_t{1}}})),
              std::string("doer kind 'k': parameter '") + common +
                  "' collides with a key every doer has (kind, name, tock, copies, doer)");
  }
}

TEST(DoerRegistry, RefusesDuplicateAndUnusableParamNames) {
  EXPECT_EQ(refusal(kind_with("k", {{"a", ParamType::integer, "", std::int64_t{1}},
                                    {"a", ParamType::string, "", std::string("x")}})),
            "doer kind 'k': parameter 'a' is declared twice");
  EXPECT_EQ(refusal(kind_with("k", {{"a.b", ParamType::integer, "", std::nullopt}})),
            "doer kind 'k': a parameter name must be non-empty, without dots or spaces");
  EXPECT_EQ(refusal(kind_with("k", {{"", ParamType::integer, "", std::nullopt}})),
            "doer kind 'k': a parameter name must be non-empty, without dots or spaces");
}

TEST(DoerRegistry, RefusesDefaultsOfTheWrongType) {
  EXPECT_EQ(refusal(kind_with("k", {{"a", ParamType::integer, "", std::string("x")}})),
            "doer kind 'k': the default of parameter 'a' is not an integer");
  // A number's default is a double, not an integer.
  EXPECT_EQ(refusal(kind_with("k", {{"a", ParamType::number, "", std::int64_t{1}}})),
            "doer kind 'k': the default of parameter 'a' is not a number");
  EXPECT_EQ(refusal(kind_with("k", {{"a", ParamType::duration, "", std::string("20ms")}})),
            "doer kind 'k': the default of parameter 'a' is not a duration string (e.g. \"20ms\")");
  EXPECT_EQ(refusal(kind_with("k", {{"a", ParamType::boolean, "", true},
                                    {"b", ParamType::integer, "", std::int64_t{1}},
                                    {"c", ParamType::number, "", 0.5},
                                    {"d", ParamType::string, "", std::string("x")},
                                    {"e", ParamType::duration, "", Tock{20'000'000}},
                                    {"f", ParamType::strings, "", StringList{"x"}},
                                    {"g", ParamType::integer, "", std::nullopt}})),
            "");
}

// A registry whose kind "nothing" has a factory that returns nullptr.
DoerRegistry with_null_factory() {
  DoerRegistry registry;
  add_builtin_kinds(registry);
  registry.add(
      KindSpec{"nothing",
               "",
               {},
               [](const DoerSpec&, BuildContext&) -> std::unique_ptr<Doer> { return nullptr; },
               false});
  return registry;
}

constexpr const char* kNothing =
    "[run]\nlimit = \"10ms\"\n\n[[doer]]\nkind = \"nothing\"\nname = \"d\"\n";
constexpr const char* kNothingCopies =
    "[run]\nlimit = \"10ms\"\n\n[[doer]]\nkind = \"nothing\"\nname = \"d\"\ncopies = 3\n";
constexpr const char* kNothingInGroup =
    "[[doer]]\nkind = \"group\"\nname = \"g\"\n\n"
    "[[doer.doer]]\nkind = \"nothing\"\nname = \"d\"\n";

// The diagnostics `action` throws as a ScenarioError, one per line.
template <typename Action>
std::string diagnostics(Action action) {
  try {
    action();
  } catch (const ScenarioError& error) {
    std::string out;
    for (const Diagnostic& d : error.diagnostics())
      out += d.str() + "\n";
    return out;
  }
  return "no ScenarioError";
}

TEST(DoerRegistry, AFactoryThatMakesNoDoerIsAPositionedErrorInCheckAndRun) {
  const DoerRegistry registry = with_null_factory();
  const Scenario plain = load_scenario_text(kNothing, "n.toml", registry);
  const std::string expected =
      "n.toml:4:1: cannot build doer 'd': its kind's factory made no doer\n";
  EXPECT_EQ(diagnostics([&] { check_scenario(plain, registry); }), expected);
  EXPECT_EQ(diagnostics([&] { run_scenario(plain, registry); }), expected);
  // A doer with copies: the copy that failed is named (session 19), the first.
  const Scenario copies = load_scenario_text(kNothingCopies, "n.toml", registry);
  EXPECT_EQ(diagnostics([&] { check_scenario(copies, registry); }),
            "n.toml:4:1: cannot build doer 'd-1': its kind's factory made no doer\n");
  const Scenario grouped = load_scenario_text(kNothingInGroup, "g.toml", registry);
  EXPECT_EQ(diagnostics([&] { check_scenario(grouped, registry); }),
            "g.toml:5:1: cannot build doer 'd': its kind's factory made no doer\n");
}

TEST(DoerRegistry, AFactoryThatThrowsANonExceptionIsAPositionedError) {
  DoerRegistry registry;
  registry.add(KindSpec{"nothing",
                        "",
                        {},
                        [](const DoerSpec&, BuildContext&) -> std::unique_ptr<Doer> { throw 42; },
                        false});
  const Scenario scenario = load_scenario_text(kNothing, "n.toml", registry);
  EXPECT_EQ(diagnostics([&] { check_scenario(scenario, registry); }),
            "n.toml:4:1: cannot build doer 'd': its kind's factory threw a non-exception\n");
}

TEST(DoerRegistry, AFactoryThatMakesNoDoerFailsEachSeedOfASweep) {
  const DoerRegistry registry = with_null_factory();
  const Scenario scenario = load_scenario_text(kNothing, "n.toml", registry);
  std::vector<SeedResult> results;
  sweep(scenario, registry, shard_seeds(parse_seed_range("1..2"), parse_shard("1/1")), {},
        [&](const SeedResult& result) { results.push_back(result); });
  ASSERT_EQ(results.size(), 2u);
  for (const SeedResult& result : results) {
    EXPECT_FALSE(result.passed);
    EXPECT_NE(result.first_failure.find("cannot build doer 'd': its kind's factory made no doer"),
              std::string::npos)
        << result.first_failure;
  }
}

// claim(): what two doers cannot both have. Each claim is by a doer of its
// own; the result is the second's refusal, or "" when both can have theirs.
std::string second_claim(const std::string& first, const std::string& second,
                         const std::string& family = "stream", std::string second_family = "") {
  const RandomSource random(1);
  CounterBoard counters;
  IoHub io;
  std::map<std::string, std::string, std::less<>> endpoints;
  BuildContext context{random, counters, io, endpoints, nullptr, "", false};
  DoerSpec a;
  a.name = "a";
  a.pos = SourcePos{"s.toml", 3, 1};
  DoerSpec b = a;
  b.name = "b";
  // claim() passes over an address that does not parse (the doer's build
  // says what is wrong with it): here that would read as "not refused".
  for (const std::string& address : {first, second}) {
    const AddressResult parsed = parse_address(address);
    if (!parsed) ADD_FAILURE() << address << " does not parse: " << parsed.error().message;
  }
  context.claim(a, "address", first, family);
  try {
    context.claim(b, "address", second, second_family.empty() ? family : second_family);
  } catch (const ParamError& error) {
    return error.what();
  }
  return "";
}

TEST(BuildContextClaim, AWildcardTakesItsPortOnEveryAddressOfItsFamily) {
  EXPECT_EQ(second_claim("tcp://127.0.0.1:9", "tcp://0.0.0.0:9"),
            "address 'tcp://0.0.0.0:9' is taken: doer 'a' (s.toml:3:1) listens on "
            "'tcp://127.0.0.1:9' already, and 0.0.0.0 means every IPv4 address");
  EXPECT_EQ(second_claim("tcp://0.0.0.0:9", "tls://127.0.0.1:9"),
            "address 'tls://127.0.0.1:9' is taken: doer 'a' (s.toml:3:1) listens on "
            "'tcp://0.0.0.0:9' already, which takes the port on every IPv4 address");
  EXPECT_EQ(second_claim("udp://0.0.0.0:9", "udp://10.1.2.3:9", "datagram"),
            "address 'udp://10.1.2.3:9' is taken: doer 'a' (s.toml:3:1) is bound on "
            "'udp://0.0.0.0:9' already, which takes the port on every IPv4 address");
  EXPECT_NE(second_claim("tcp://[::]:9", "tcp://[::1]:9"), "");
  EXPECT_NE(second_claim("tcp://[::1]:9", "tcp://[0:0::0]:9"), "");
  // Dual-stack: :: takes IPv4 ports too; 0.0.0.0 takes no IPv6 one.
  EXPECT_EQ(second_claim("tcp://[::]:9", "tcp://127.0.0.1:9"),
            "address 'tcp://127.0.0.1:9' is taken: doer 'a' (s.toml:3:1) listens on "
            "'tcp://[::]:9' already, which takes the port on every IPv6 and (dual-stack) IPv4 "
            "address");
  EXPECT_NE(second_claim("tcp://0.0.0.0:9", "tcp://[::]:9"), "");
  EXPECT_EQ(second_claim("tcp://0.0.0.0:9", "tcp://[::1]:9"), "");
  // One address however it is spelt (IPv4-mapped IPv6 is IPv4).
  EXPECT_NE(second_claim("tcp://[::ffff:127.0.0.1]:9", "tcp://127.0.0.1:9"), "");
  EXPECT_NE(second_claim("tcp://[::1]:9", "tcp://[0:0:0:0:0:0:0:1]:9"), "");
  // What can coexist: other ports, TCP and UDP, other addresses, port 0, sim.
  EXPECT_EQ(second_claim("tcp://0.0.0.0:9", "tcp://127.0.0.1:10"), "");
  EXPECT_EQ(second_claim("tcp://0.0.0.0:9", "udp://127.0.0.1:9", "stream", "datagram"), "");
  EXPECT_EQ(second_claim("tcp://127.0.0.1:9", "tcp://127.0.0.2:9"), "");
  EXPECT_EQ(second_claim("tcp://0.0.0.0:0", "tcp://127.0.0.1:0"), "");
  EXPECT_EQ(second_claim("sim://s:9", "tcp://0.0.0.0:9"), "");
  // A zone as written, a number in one spelling; never by the machine's
  // interfaces (xrev20 finding 1: a replay's check must not depend on the
  // machine): "%lo" and "%1" are two zones here (the second bind fails at
  // run time if they are one interface).
  EXPECT_EQ(second_claim("tcp://[fe80::1%lo]:9", "tcp://[fe80::1%1]:9"), "");
  EXPECT_NE(second_claim("tcp://[fe80::1%1]:9", "tcp://[fe80::1%01]:9"), "");
  EXPECT_NE(second_claim("tcp://[fe80::1%lo]:9", "tcp://[fe80::1%lo]:9"), "");
  EXPECT_EQ(second_claim("tcp://[fe80::1%1]:9", "tcp://[fe80::1%nosuch]:9"), "");
  // Host names are resolved only once the run runs: compared as written.
  EXPECT_EQ(second_claim("tcp://0.0.0.0:9", "tcp://localhost:9"), "");
  EXPECT_NE(second_claim("tcp://localhost:9", "tcp://localhost:9"), "");
}

TEST(BuildContextClaim, ASerialDeviceHasOneOpener) {
  EXPECT_EQ(second_claim("sim-serial://ttyB?baud=9600", "sim-serial://ttyB?baud=115200", "serial"),
            "device 'sim-serial://ttyB?baud=115200' is taken: doer 'a' (s.toml:3:1) opens "
            "'sim-serial://ttyB?baud=9600' already; a serial device has one opener");
  EXPECT_EQ(second_claim("sim-serial://ttyA", "sim-serial://ttyB", "serial"), "");
  // A real device by any path: a symbolic link to it is the same device.
  // Made under /tmp, not $TMPDIR: a serial:// path holds no space, '#' or
  // control character, which $TMPDIR may.
  const hio::test::TempDir dir("hio-claim", "/tmp");
  std::filesystem::create_symlink("/dev/null", dir.file("tty"));
  EXPECT_NE(second_claim("serial:///dev/null", "serial://" + dir.file("tty"), "serial"), "");
}

}  // namespace registry_test
}  // namespace
}  // namespace hio::tools
