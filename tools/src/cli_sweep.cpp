// hio sweep.
#include "cli_commands.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"
#include "hio/tools/sweep.hpp"
#include "output.hpp"
#include "port_words.hpp"
#include "program_name.hpp"

namespace hio::tools {

namespace {

// The fixed real addresses a --jobs refusal names: the serial devices first
// (port 0 frees none of them), the first kNamedMax, then how many more
// ("A, B and C", "A, B, C, D and 2 more"). It named the first alone with
// "(and N more)", so a user freed one port and was refused again.
std::string fixed_named(std::vector<FixedReal> fixed) {
  constexpr std::size_t kNamedMax = 4;
  std::stable_partition(fixed.begin(), fixed.end(), [](const FixedReal& f) { return !f.port(); });
  const std::size_t named = std::min(fixed.size(), kNamedMax);
  std::string text;
  for (std::size_t i = 0; i < named; ++i) {
    const bool last = i + 1 == named && named == fixed.size();
    text += (i == 0 ? "" : last ? " and " : ", ") + fixed[i].what;
  }
  if (named < fixed.size()) text += " and " + std::to_string(fixed.size() - named) + " more";
  return text;
}

}  // namespace

int do_sweep(const SweepArgs& args, const DoerRegistry& registry) {
  Scenario scenario;
  ShardSeeds seeds;
  std::optional<std::uint64_t> keep;  // --keep N
  unsigned jobs = 1;
  try {
    jobs = parse_jobs(args.jobs);
    if (std::string repeated = repeated_setting(args.sets); !repeated.empty()) {
      throw std::invalid_argument(repeated);
    }
    if (std::string problem = out_dir_problem(args.out_given, args.out); !problem.empty()) {
      throw std::invalid_argument(problem);
    }
    if (args.force && args.out.empty()) {
      // It would remove nothing and say nothing: the user meant an --out.
      throw std::invalid_argument(
          "--force needs --out DIR: it removes an earlier sweep's results from DIR, and without "
          "--out nothing is written");
    }
    // Journals are kept only in --out DIR: without it there is nothing to limit.
    if (args.keep && args.out.empty()) throw std::invalid_argument(kKeepNeedsOut);
    keep = parse_keep(args.keep);
    for (const std::string& set : args.sets) {
      if (set.substr(0, set.find('=')) == "run.seed") {
        throw std::invalid_argument("--set " + set +
                                    ": a sweep sets run.seed from --seeds; give the seeds there");
      }
    }
    scenario = load_scenario_arg(args.scenario, registry);
    for (const std::string& set : args.sets)
      apply_override(scenario, set);
    check_set_text_size(scenario);
    seeds = shard_seeds(parse_seed_range(args.seeds), parse_shard(args.shard));
    // Built once first, as `hio check` does: a scenario that cannot be built
    // is bad input said once (exit 2), not every seed failing the same way.
    // A channel that fails while it is built (a listener whose port is in
    // use) is warned about once, here, as hio check warns: every seed's run
    // would fail it too, and the sweep prints no channel warnings.
    const std::vector<FixedReal> fixed =
        check_scenario(scenario, registry, [](const std::string& line) {
          cli_err() << command_prefix("sweep") << line << "\n" << std::flush;
        });
    // Real-time runs on threads at once would each bind a fixed port (or open
    // a device): all but one would fail for that alone, as seed failures.
    const bool threads = jobs > 1 && !seeds.empty && seeds.last_index() > 0;
    if (threads && scenario.run.mode == Mode::real && !fixed.empty()) {
      // Port 0 frees a listener or an endpoint; a serial device has one
      // opener whatever is done, so with one port 0 frees nothing that
      // matters: the device is named, and only --jobs 1 offered.
      const auto device =
          std::find_if(fixed.begin(), fixed.end(), [](const FixedReal& f) { return !f.port(); });
      const bool ports_only = device == fixed.end();
      // Said as a build error's hint says it (port_verb): a UDP responder
      // binds, a listener listens (rev25 LOW 5: "port 0" alone, for both).
      const auto bound = std::ranges::count(fixed, Scheme::udp, &FixedReal::scheme);
      const std::string verb = bound == std::ssize(fixed) ? std::string(port_verb(Scheme::udp))
                               : bound == 0               ? std::string(port_verb(Scheme::tcp))
                                            : std::string(port_verb(Scheme::tcp)) + " or " +
                                                  std::string(port_verb(Scheme::udp));
      throw std::invalid_argument(
          "--jobs " + std::to_string(jobs) + ": " + fixed_named(fixed) +
          ", and the runs are in real time: runs at once would all need " +
          (fixed.size() == 1 ? "it" : "them") +
          ", and all but one would fail for that alone; give --jobs 1" +
          (ports_only ? ", or " + verb + " port 0 (the doers that reach it name it '@name')"
                      : std::string(" (a serial device has one opener)")));
    }
  } catch (const SettingError& error) {
    cli_err() << command_prefix("sweep") << message_text(error.what()) << "\n";
    return kExitBadInput;
  } catch (const ScenarioError& error) {
    print_load_problems("sweep", error, args.sets);
    return kExitBadInput;
  } catch (const std::invalid_argument& error) {
    cli_err() << command_prefix("sweep") << message_text(error.what()) << "\n";
    return kExitBadInput;
  }
  SweepOptions options;
  options.jobs = jobs;
  SweepCommand command{args.scenario, args.shard, args.json, args.out, args.force};
  command.name = program_name() + " sweep";
  command.keep = keep;
  command.inputs = {args.scenario};
  command.sets = args.sets;
  command.rerun = rerun_command({args.program, "run", rerun_path(args.scenario)}, args.sets);
  // --out DIR gets its report whatever becomes of stdout (`| head -1`).
  if (!command.out.empty()) defer_stdout_sigpipe();
  return sweep_command(scenario, registry, seeds, options, command, cli_out(), cli_err());
}

}  // namespace hio::tools
