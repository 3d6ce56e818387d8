#include "hio/tools/runner.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "channel_warnings.hpp"
#include "closing_wait.hpp"
#include "hio/engine/dodoer.hpp"
#include "hio/engine/random.hpp"
#include "hio/io/address.hpp"
#include "hio/io/lookup_out_of_memory.hpp"
#include "hio/replay/digest.hpp"
#include "hio/replay/error.hpp"
#include "hio/replay/escape.hpp"
#include "hio/replay/journal.hpp"
#include "hio/replay/out_of_memory.hpp"
#include "hio/tools/cli.hpp"
#include "hio/tools/counters.hpp"
#include "journal_target.hpp"
#include "net_warnings.hpp"
#include "pace_warnings.hpp"
#include "unstarted_peers.hpp"

namespace hio::tools {

namespace {

void throw_if_interrupted() {
  if (const int signal = caught_stop_signal(); signal != 0) throw BuildInterrupted(signal);
}

// The real serial devices the scenario's doers name: every serial://
// address in a doer's string parameters, at any depth, its path as given.
// Known before the tree is built, so that a journal refused there (a
// device is written directly, not through a file renamed at the end)
// sends not one byte down the line.
std::vector<std::string> serial_devices_named(const Scenario& scenario) {
  std::vector<std::string> devices;
  const auto add = [&devices](const std::string& text) {
    const AddressResult address = parse_address(text);
    if (address && address.value().scheme == Scheme::serial) {
      devices.push_back(address.value().path);
    }
  };
  std::vector<const DoerSpec*> stack;
  for (const DoerSpec& spec : scenario.doers)
    stack.push_back(&spec);
  while (!stack.empty()) {
    const DoerSpec& spec = *stack.back();
    stack.pop_back();
    for (const auto& [key, param] : spec.params) {
      if (const auto* text = std::get_if<std::string>(&param.value)) add(*text);
      if (const auto* list = std::get_if<StringList>(&param.value)) {
        for (const std::string& text : *list)
          add(text);
      }
    }
    for (const DoerSpec& child : spec.children)
      stack.push_back(&child);
  }
  return devices;
}

// A doer of a (non-group) kind, with the spec's tock. A factory that returns
// no doer is the kind's fault, reported like a factory that throws.
std::unique_ptr<Doer> make_doer(const KindSpec& kind, const DoerSpec& spec, BuildContext& context) {
  std::unique_ptr<Doer> doer = kind.make(spec, context);
  if (doer == nullptr) throw std::invalid_argument("its kind's factory made no doer");
  doer->set_tock(spec.tock);
  return doer;
}

void adopt(std::unique_ptr<Doer> doer, DoDoer* parent, BuiltScenario& built) {
  if (parent != nullptr) {
    // The group owns its children: DoDoer::adopt appends in O(1), where
    // extend() would first search the group for the (new) doer, which made
    // a million copies quadratic.
    parent->adopt(std::move(doer));
    return;
  }
  built.top.push_back(doer.get());
  built.owned.push_back(std::move(doer));
}

// `copies` doers named <name>-1 ... <name>-N, and <name>.<counter> as the sum
// of the copies' counters. `building` is set to the name of the copy being
// built, so that a copy that fails to build is named ("t-3"), not only the
// name the copies share.
void build_copies(const DoerSpec& spec, const KindSpec& kind, BuildContext& context, DoDoer* parent,
                  BuiltScenario& built, std::string& building) {
  DoerSpec copy = spec;
  copy.copies = 1;
  BuildContext::BuiltCopies& built_so_far = context.built_copies[spec.name];
  built_so_far.kind = spec.kind;
  built_so_far.planned = spec.copies;
  for (std::int64_t i = 1; i <= spec.copies; ++i) {
    throw_if_interrupted();
    copy.name = spec.name + "-" + std::to_string(i);
    building = copy.name;
    adopt(make_doer(kind, copy, context), parent, built);
    built_so_far.count = i;
  }
  // Linear in the copies' counters. The board keeps the sum as the copies'
  // counters change where they are Counters, so an `always` on it costs
  // O(1) a pass, not O(copies).
  context.counters.add_copies_sums(spec.name, spec.copies);
}

// A doer's key its factory cannot take: at the key's value; a default (the
// key not written) is at the doer. `name`: the doer's, or the copy's.
Diagnostic param_problem(const DoerSpec& spec, const std::string& name, const ParamError& error) {
  auto param = spec.params.find(error.key());
  return Diagnostic{param == spec.params.end() ? spec.pos : param->second.pos,
                    "cannot build doer '" + name + "': " + error.message()};
}

// Depth-first with an explicit stack: scenario trees come from files.
void build_tree(const Scenario& scenario, const DoerRegistry& registry, BuildContext& context,
                BuiltScenario& built) {
  std::vector<Diagnostic> problems;
  struct Item {
    const DoerSpec* spec;
    DoDoer* parent;
  };
  std::vector<Item> stack;
  for (auto it = scenario.doers.rbegin(); it != scenario.doers.rend(); ++it) {
    stack.push_back({&*it, nullptr});
  }
  while (!stack.empty()) {
    throw_if_interrupted();
    Item item = stack.back();
    stack.pop_back();
    const DoerSpec& spec = *item.spec;
    const KindSpec* kind = registry.find(spec.kind);
    std::unique_ptr<Doer> doer;
    std::string name = spec.name;  // or the copy's that is being built
    const auto unbuilt = [&](std::string why) {
      // For "@name": the copy that failed and why, and the copies after it,
      // which are not built (BuiltCopies::failed); or the doer.
      context.unbuilt.insert(name);
      if (name == spec.name) return;
      BuildContext::BuiltCopies& copies = context.built_copies[spec.name];
      copies.failed = true;
      copies.failure = std::move(why);
    };
    try {
      if (kind == nullptr) throw std::invalid_argument("unknown kind '" + spec.kind + "'");
      if (kind->group) {
        auto group = std::make_unique<DoDoer>(spec.name, spec.tock);
        group->set_always(spec.boolean("always"));
        for (auto it = spec.children.rbegin(); it != spec.children.rend(); ++it) {
          stack.push_back({&*it, group.get()});
        }
        doer = std::move(group);
      } else if (spec.copies > 1) {
        build_copies(spec, *kind, context, item.parent, built, name);
        continue;
      } else {
        doer = make_doer(*kind, spec, context);
      }
    } catch (const BuildInterrupted&) {
      throw;  // not the doer's problem
    } catch (const ParamErrors& errors) {
      std::string why;
      for (const ParamError& error : errors.errors()) {
        problems.push_back(param_problem(spec, name, error));
        why += (why.empty() ? "" : "; ") + error.message();
      }
      unbuilt(std::move(why));
      continue;
    } catch (const ParamError& error) {
      problems.push_back(param_problem(spec, name, error));
      unbuilt(error.message());
      continue;
    } catch (const std::exception& error) {
      // Nor is memory running out (run_cli: exit 6); a kind's own bug that
      // throws a subclass of std::bad_alloc is its problem (is_out_of_memory).
      if (replay::is_out_of_memory(error)) throw;
      problems.push_back(Diagnostic{spec.pos, "cannot build doer '" + name + "': " + error.what()});
      unbuilt(error.what());
      continue;
    } catch (...) {  // a user's factory may throw anything
      const std::string why = "its kind's factory threw a non-exception";
      problems.push_back(Diagnostic{spec.pos, "cannot build doer '" + name + "': " + why});
      unbuilt(why);
      continue;
    }
    context.built_kinds.emplace(spec.name, spec.kind);
    adopt(std::move(doer), item.parent, built);
  }
  // In file order: a doer's keys are checked in its kind's order.
  std::stable_sort(problems.begin(), problems.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
  });
  if (!problems.empty()) throw ScenarioError(std::move(problems));
}

// [net] onto SimNet. The loader checked names and values; SimNet's own
// checks still apply and are reported at the part of [net] they concern.
// A replay's (`names_only`) has the hosts, the client host and the serial
// lines, no links and no faults: it makes no transport (the journal's
// override makes them all) but refuses the opens the recorded network refused
// (TransportFactory::check: an unknown host or device), as the recorded run's
// doers met them.
std::unique_ptr<SimNet> build_net(const Scenario& scenario, Doist& doist, IoHub& io,
                                  bool names_only) {
  const NetSpec& spec = scenario.net;
  SimNetOptions options = spec.options;
  options.seed = scenario.run.seed;
  SourcePos where = spec.pos;
  try {
    auto net = std::make_unique<SimNet>(doist, io, options);
    for (const std::string& host : spec.hosts)
      net->add_host(host);
    if (!spec.client_host.empty()) {
      net->set_client_host(spec.client_host);
    } else if (names_only && !spec.hosts.empty()) {
      // A replay builds no client (BuildContext::choose_client_host does
      // nothing), so a client's own `host` is not here, and a run of hio
      // before 0.17 took the first host by default: any host stands for "the
      // recorded run had one", so check() refuses only what it refused.
      net->set_client_host(spec.hosts.front());
    }
    if (!names_only) {
      for (const LinkSpec& link : spec.links) {
        where = link.pos;
        net->set_link(link.from, link.to, link.params, link.way);
      }
    }
    for (const SerialSpec& serial : spec.serials) {
      where = serial.pos;
      net->add_serial(serial.device_a, serial.device_b, serial.params);
    }
    if (names_only) return net;
    const Tyme start = doist.tyme();
    for (const FaultSpec& fault : spec.faults) {
      where = fault.pos;
      const Tyme at = start + fault.at;
      using A = FaultSpec::Action;
      switch (fault.action) {
        case A::partition:
          net->partition_at(at, fault.from, fault.to, fault.way);
          break;
        case A::heal:
          net->heal_at(at, fault.from, fault.to, fault.way);
          break;
        case A::heal_all:
          net->heal_all_at(at);
          break;
        case A::host_down:
          net->host_down_at(at, fault.host);
          break;
        case A::host_up:
          net->host_up_at(at, fault.host);
          break;
        case A::link:
          net->set_link_at(at, fault.from.at(0), fault.to.at(0), fault.link, fault.way);
          break;
        case A::serial:
          net->set_serial_at(at, fault.device, fault.serial);
          break;
        // At 0 a serial line's plug state holds from the start, before the
        // doer tree is built (and its ends opened): an adapter not plugged at
        // boot. (The other faults at 0 take effect at pass 0, before any doer
        // runs, which is before any connect or send.)
        case A::unplug:
          if (fault.at == decltype(fault.at){0}) {
            net->unplug(fault.device);
          } else {
            net->unplug_at(at, fault.device);
          }
          break;
        case A::plug:
          if (fault.at == decltype(fault.at){0}) {
            net->plug(fault.device);
          } else {
            net->plug_at(at, fault.device);
          }
          break;
      }
    }
    return net;
  } catch (const std::exception& error) {
    // Out of memory is hio's (exit 6), not the scenario's [net].
    if (replay::is_out_of_memory(error)) throw;
    throw ScenarioError({Diagnostic{where, std::string("[net]: ") + error.what()}});
  }
}

}  // namespace

std::string json_quote(std::string_view text) {
  std::string out;
  replay::append_json_string(out, text);
  return out;
}

std::string json_field(std::string_view name, std::string_view value) {
  std::string out;
  replay::append_json_member(out, name, value, replay::JsonSpacing::spaced);
  return out;
}

std::string json_field_or_null(std::string_view name, std::string_view value) {
  return value.empty() ? json_quote(name) + ": null" : json_field(name, value);
}

namespace {

std::string format_double(double value, std::chars_format format, int precision) {
  char text[128];  // %.6f of up to 1e120; larger values are never wall times
  const auto [end, error] = std::to_chars(text, text + sizeof text, value, format, precision);
  return error == std::errc{} ? std::string(text, end) : std::string("?");
}

}  // namespace

std::string format_fixed(double value, int decimals) {
  return format_double(value, std::chars_format::fixed, decimals);
}

std::string format_significant(double value, int digits) {
  return format_double(value, std::chars_format::general, digits);
}

bool all_passed(const std::vector<ExpectationResult>& results) {
  for (const ExpectationResult& result : results) {
    if (!result.judged || !result.passed) return false;
  }
  return true;
}

bool RunSummary::passed() const {
  // An interrupted run with nothing to judge has no verdict: not passed. A
  // stopped one ended as a run ends: nothing to judge, nothing failed.
  const bool nothing_judged = end == RunEnd::interrupted && !stopped() && expectations.empty();
  return !error && !nothing_judged && all_passed(expectations);
}

bool RunSummary::stopped() const {
  return !error && end == RunEnd::interrupted && stop_signal == kCleanStopSignal;
}

std::string format_expectations(const std::vector<ExpectationResult>& results) {
  std::size_t passed = 0;
  std::size_t not_judged = 0;
  for (const ExpectationResult& r : results) {
    passed += r.passed ? 1 : 0;
    not_judged += r.judged ? 0 : 1;
  }
  std::string out =
      "expect:    " + std::to_string(passed) + " of " + std::to_string(results.size()) + " passed";
  if (not_judged > 0) out += ", " + std::to_string(not_judged) + " not judged";
  out += "\n";
  for (const ExpectationResult& r : results) {
    const char* verdict = !r.judged ? "  --    " : r.passed ? "  ok    " : "  FAIL  ";
    out += verdict + display_text(r.expectation.text) + "  (" + message_text(r.detail) + ")\n";
  }
  return out;
}

std::string first_failure(const std::vector<ExpectationResult>& results) {
  for (const ExpectationResult& result : results) {
    if (result.judged && !result.passed)
      return result.expectation.text + " (" + result.detail + ")";
  }
  for (const ExpectationResult& result : results) {
    if (!result.judged) return result.expectation.text + " (" + result.detail + ")";
  }
  return "";
}

std::string RunSummary::first_failure() const {
  if (error) return "a doer threw: " + *error;
  return tools::first_failure(expectations);
}

ExpectationChecker::ExpectationChecker(const Scenario& scenario, const CounterBoard& counters,
                                       Tyme start, std::function<void(Tyme)> progress)
    : counters_(counters),
      start_(start),
      progress_(std::move(progress)),
      next_progress_(std::chrono::steady_clock::now() + std::chrono::seconds(1)) {
  for (const Expectation& e : scenario.expectations) {
    results_.push_back(ExpectationResult{e, e.when != Expectation::When::by, ""});
    // Looked up once: build_scenario checked that every counter is published.
    readers_.push_back(counters.reader(e.counter));
    held_late_.emplace_back();
    if (readers_.back() == nullptr)
      throw std::logic_error("expectation on unpublished counter '" + e.counter + "'");
  }
}

void ExpectationChecker::pass_ended(Tyme tyme) {
  for (std::size_t i = 0; i < results_.size(); ++i) {
    ExpectationResult& result = results_[i];
    const Expectation& e = result.expectation;
    if (e.when == Expectation::When::final) continue;
    const std::int64_t value = (*readers_[i])();
    if (e.when == Expectation::When::always && result.passed && !e.holds(value)) {
      result.passed = false;
      result.detail =
          e.counter + " was " + std::to_string(value) + " at tyme " + format_seconds(tyme - start_);
    } else if (e.when == Expectation::When::by && !result.passed && tyme - start_ <= e.by &&
               e.holds(value)) {
      result.passed = true;
      result.detail = "held at tyme " + format_seconds(tyme - start_) + " s";
    } else if (e.when == Expectation::When::by && !result.passed && !held_late_[i] &&
               e.holds(value)) {
      held_late_[i] = tyme - start_;
    }
  }
  if (progress_) {
    auto now = std::chrono::steady_clock::now();
    if (now >= next_progress_) {
      next_progress_ = now + std::chrono::milliseconds(500);
      progress_(tyme);
    }
  }
}

std::vector<ExpectationResult> ExpectationChecker::finish(const RunEnding& ending) const {
  const Tock ran = ending.tyme - start_;
  const std::string ended_at = format_seconds(ran) + " s";
  // A run that did not reach its end: why, for what cannot be judged.
  const bool cut =
      ending.cut || ending.stop_signal != 0 || !ending.stopped_by.empty() || ending.journal_failed;
  const bool replay_cut =
      cut && ending.stop_signal == 0 && ending.stopped_by.empty() && !ending.journal_failed;
  const std::string stopped =
      ending.stop_signal != 0 ? std::string("not judged: interrupted (") +
                                    stop_signal_name(ending.stop_signal) + ") at tyme " + ended_at
      : !ending.stopped_by.empty() ? "not judged: " + ending.stopped_by + " at tyme " + ended_at
      : ending.journal_failed
          ? "not judged: the run stopped at tyme " + ended_at +
                " when its journal could not be written; the journal's intact part ends earlier"
          : "not judged: the replay stopped at tyme " + ended_at;
  std::vector<ExpectationResult> results = results_;
  for (std::size_t i = 0; i < results.size(); ++i) {
    ExpectationResult& result = results[i];
    const Expectation& e = result.expectation;
    const std::string value = std::to_string(*counters_.read(e.counter));
    if (e.when == Expectation::When::final) {
      if (cut) {
        result.passed = false;
        result.judged = false;
        result.detail = stopped + (replay_cut ? ", where the journal's intact part ends" : "") +
                        " (" + e.counter + " was " + value + ")";
        continue;
      }
      result.passed = e.holds(*counters_.read(e.counter));
      result.detail = e.counter + " was " + value;
    } else if (e.when == Expectation::When::by && !result.passed) {
      const std::string deadline = format_seconds(e.by) + " s";
      // A run ends one tock after its last pass (unless it ended at that
      // pass): one that ends at the deadline ran no pass there.
      const bool reached = ran > e.by || (ran == e.by && ending.ended_at_pass);
      const std::string before =
          (ran < e.by ? ", before the deadline " : ", before its pass at the deadline ") + deadline;
      if (!reached && cut) {
        result.judged = false;
        result.detail = stopped + before + " (" + e.counter + " is " + value + ")";
      } else if (!reached) {
        result.detail = "the run ended at tyme " + ended_at + before + " (" + e.counter + " is " +
                        value + " at the end)";
      } else if (const std::optional<Tock> late = held_late_[i]) {
        result.detail = "never held by " + deadline + ": first held at tyme " +
                        format_seconds(*late) + " s, " + format_seconds(*late - e.by) +
                        " s late; " + e.counter + " is " + value + " at the end";
      } else {
        result.detail = "never held by " + deadline + ", nor after it (" + e.counter + " is " +
                        value + " at the end)";
      }
    } else if (result.detail.empty()) {
      result.detail = !cut                      ? "held on every pass"
                      : ending.stop_signal != 0 ? "held on every pass until interrupted"
                      : ending.journal_failed   ? "held on every pass until the run stopped"
                                                : "held on every pass replayed";
    }
  }
  return results;
}

namespace {

// The did-you-mean for `counter` ("b.runs"), which no doer publishes: of
// the counters of its doer when the scenario has that doer (a doer, or the
// name of a doer's copies) - its counter's name is then what is mistyped,
// and another doer's counter of that name ("a.runs", one edit away) is not
// what it meant, however close; else of every counter, the closest whole
// names (a mistyped doer: "clinet.echoed" for "client.echoed").
std::string counter_suggestion(const std::string& counter, const CounterBoard& counters,
                               const BuildContext& context) {
  const std::string doer = counter.substr(0, counter.find('.'));
  const bool known = context.built_kind(doer) != nullptr || context.built_copies.contains(doer);
  return did_you_mean(counter, known ? counters.names_with_prefix(doer + ".") : counters.names());
}

}  // namespace

std::unique_ptr<BuiltScenario> build_scenario(const Scenario& scenario,
                                              const DoerRegistry& registry, Doist& doist, IoHub& io,
                                              const BuildOptions& options) {
  auto built = std::make_unique<BuiltScenario>(scenario.run.seed);
  if (scenario.net.present) built->net = build_net(scenario, doist, io, !options.with_net);
  BuildContext context{built->random,
                       built->counters,
                       io,
                       built->endpoints,
                       options.with_net ? built->net.get() : nullptr,
                       scenario.net.client_host,
                       /*replaying=*/!options.with_net};
  if (scenario.path != "-" && scenario.path.find('/') != std::string::npos) {
    context.scenario_dir = scenario.path.substr(0, scenario.path.rfind('/'));
    if (context.scenario_dir.empty()) context.scenario_dir = "/";
  }
  context.virtual_time = scenario.run.mode == Mode::sim;
  if (context.virtual_time) context.virtual_time_by = scenario.run.mode_set_by;
  for (const SerialSpec& serial : scenario.net.serials)
    context.devices.insert(context.devices.end(), {serial.device_a, serial.device_b});
  build_tree(scenario, registry, context, *built);
  built->port_zero = std::move(context.port_zero);
  built->files_read = std::move(context.files_read);

  std::vector<Diagnostic> problems;
  for (const Expectation& e : scenario.expectations) {
    if (!built->counters.has(e.counter)) {
      // The nearest names, and a bounded list: copies = 10000 publishes tens
      // of thousands of counters, and the message stays a line.
      constexpr std::size_t kListedMax = 10;
      const std::vector<std::string> names = built->counters.names();
      std::string known;
      for (std::size_t i = 0; i < names.size() && i < kListedMax; ++i)
        known += (i == 0 ? "" : ", ") + names[i];
      if (names.size() > kListedMax)
        known += ", ... (" + std::to_string(names.size() - kListedMax) + " more)";
      problems.push_back(
          Diagnostic{e.pos, "no doer publishes counter '" + e.counter + "'" +
                                counter_suggestion(e.counter, built->counters, context) +
                                " (published: " + (known.empty() ? "none" : known) + ")"});
    }
  }
  if (!problems.empty()) throw ScenarioError(std::move(problems));
  // In the scenario's order (Claim::order), so that "the first" is the
  // file's first, not the claims map's (by family, then port or device).
  std::vector<std::pair<std::size_t, FixedReal>> fixed;
  for (const auto& [where, claims] : context.claimed) {
    for (const BuildContext::Claim& claim : claims) {
      // sim://, sim-serial://: per run
      if (claim.scheme == Scheme::sim || claim.scheme == Scheme::sim_serial) continue;
      fixed.emplace_back(claim.order,
                         FixedReal{claim.scheme, claim.who + " " +
                                                     (claim.scheme == Scheme::serial  ? "opens"
                                                      : where.rfind("stream", 0) == 0 ? "listens on"
                                                                                      : "binds") +
                                                     " '" + claim.address + "'"});
    }
  }
  std::sort(fixed.begin(), fixed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, entry] : fixed)
    built->fixed_real.push_back(std::move(entry));
  return built;
}

namespace {

// RunOptions::listening's calls, and RunSummary::listening: where the doers
// whose address has port 0 listen. Those listening once the tree is built
// are said by start(); the rest (a host name being resolved) when their
// connect event comes, and so is a listener that listens again (a new port).
// It reads events only, as ChannelWarnings does.
class PortZeroListeners final : public EventSink {
 public:
  PortZeroListeners(const IoHub& hub, const std::vector<BuildContext::PortZero>& port_zero,
                    const RunOptions& options, std::vector<Listening>& out)
      : hub_(hub), port_zero_(port_zero), tell_(options.listening), out_(out) {
    for (const BuildContext::PortZero& entry : port_zero_)
      doers_.emplace(entry.channel, &entry.doer);
  }

  void start() {
    for (const BuildContext::PortZero& entry : port_zero_) {
      const Channel* channel = hub_.find(entry.channel);
      if (channel != nullptr && channel->connected()) say(entry.doer, *channel);
    }
  }

  void on_event(const ChannelEvent& e) override {
    if (e.kind != EventKind::connect) return;
    const auto it = doers_.find(e.channel);
    const Channel* channel = it == doers_.end() ? nullptr : hub_.find(e.channel);
    if (channel != nullptr) say(*it->second, *channel);
  }

 private:
  void say(const std::string& doer, const Channel& channel) {
    if (channel.local().empty()) return;
    out_.push_back(Listening{
        doer, std::string(to_string(channel.address().scheme)) + "://" + channel.local()});
    if (tell_) tell_(out_.back());
  }

  const IoHub& hub_;
  const std::vector<BuildContext::PortZero>& port_zero_;
  const std::function<void(const Listening&)>& tell_;
  std::vector<Listening>& out_;
  std::map<std::uint32_t, const std::string*> doers_;  // port_zero_'s doers by channel id
};

}  // namespace

std::string format_listening(const Listening& listening) {
  return display_text(listening.doer) + " listens on " + display_text(listening.address);
}

// Depth first with an explicit stack, as the tree is built.
DoerCounters doer_counters(const Scenario& scenario, const CounterBoard& counters) {
  DoerCounters out;
  const auto add = [&](const std::string& doer) {
    for (const std::string& name : counters.names_with_prefix(doer + "."))
      out.emplace_back(name, *counters.read(name));
  };
  std::vector<const DoerSpec*> stack;
  for (auto it = scenario.doers.rbegin(); it != scenario.doers.rend(); ++it)
    stack.push_back(&*it);
  while (!stack.empty()) {
    const DoerSpec& spec = *stack.back();
    stack.pop_back();
    add(spec.name);
    for (std::int64_t i = 1; spec.copies > 1 && i <= spec.copies; ++i)
      add(spec.name + "-" + std::to_string(i));
    for (auto it = spec.children.rbegin(); it != spec.children.rend(); ++it)
      stack.push_back(&*it);
  }
  return out;
}

std::vector<FixedReal> check_scenario(const Scenario& scenario, const DoerRegistry& registry,
                                      const std::function<void(const std::string&)>& warn) {
  Doist doist(scenario.run.tock, scenario.run.mode == Mode::real, scenario.run.limit);
  IoHub io(doist.tymth());
  doist.attach(io);
  // Clients (and what needs a name resolved) are made, never started: the
  // check touches no peer.
  UnstartedPeers unstarted(io);
  // The channels that fail while the tree is built (a listener whose port is
  // taken), in the words of hio run's warnings, once the build succeeded.
  RunOptions options;
  options.warn = warn;
  std::optional<ChannelWarnings> warnings;
  if (warn) {
    io.add_sink(warnings.emplace(doist, io, options.warn, std::nullopt));
    warnings->runs_no_pass();
  }
  std::unique_ptr<BuiltScenario> built = build_scenario(scenario, registry, doist, io);
  if (warnings) warnings->build_succeeded();
  if (warn) {
    for (const std::string& line : net_warnings(scenario, io))
      warn(line);
    for (const std::string& line : pace_warnings(scenario))
      warn(line);
  }
  // Channels whose name the system could not resolve now ("try again"):
  // the run's lookup may be answered, so no failure, but said; and listeners
  // and datagram endpoints whose name is several addresses (the run takes
  // the first only).
  if (warn) {
    for (const std::string& note : unstarted.notes())
      warn(note);
  }
  return built->fixed_real;
}

RunSummary run_scenario(const Scenario& scenario, const DoerRegistry& registry,
                        const RunOptions& options) {
  // The digest of a run without a journal (a journal's writer computes its
  // own). Declared before the hub so that it outlives the hub's use of it.
  replay::DigestSink digest;
  ChannelErrorCount channel_errors;  // RunSummary::channel_errors, and the warnings' count
  Doist doist(scenario.run.tock, scenario.run.mode == Mode::real, scenario.run.limit);
  doist.set_skip(scenario.run.skip);
  doist.set_max_lag(scenario.run.max_lag);
  doist.set_stop_on_signal_request(options.stop_on_signal_request);
  IoHub io(doist.tymth());
  doist.attach(io);
  JournalTarget target(options.record_path);
  target.refuse_inputs(serial_devices_named(scenario), "a serial device the scenario's doers open");
  if (!target.wanted()) io.add_sink(digest);
  // The journal goes right after the hub, before any channel, so that it
  // sees every channel's open event; it becomes FILE once the tree is built
  // and its header is written, at the first pass (JournalTarget), and a
  // scenario that cannot be built leaves none.
  std::optional<replay::Journal> journal;
  if (target.wanted()) {
    replay::JournalHeader header;
    header.seed = scenario.run.seed;
    header.tock = scenario.run.tock;
    header.mode = scenario.run.mode == Mode::real ? replay::Mode::real : replay::Mode::sim;
    header.scenario = scenario.text;
    target.open(journal, doist, io, std::move(header), options.record_options);
  }
  io.add_sink(channel_errors);
  std::optional<ChannelWarnings> warnings;
  if (options.warn) {
    // The count line names the journal only where it can be read again.
    std::optional<std::string> named;
    if (target.wanted()) named = target.regular() ? options.record_path : std::string();
    io.add_sink(warnings.emplace(doist, io, options.warn, std::move(named)));
  }
  // A ScenarioError here leaves no journal: `journal` closes, then `target`
  // removes what it wrote.
  std::unique_ptr<BuiltScenario> built = build_scenario(scenario, registry, doist, io);
  target.refuse_inputs(built->files_read);
  if (warnings) warnings->build_succeeded();
  if (options.warn) {
    for (const std::string& line : net_warnings(scenario, io))
      options.warn(line);
    for (const std::string& line : pace_warnings(scenario))
      options.warn(line);
  }
  target.tree_built();
  CounterBoard& counters = built->counters;

  RunSummary summary;
  std::optional<PortZeroListeners> listeners;
  if (!built->port_zero.empty()) {
    io.add_sink(listeners.emplace(io, built->port_zero, options, summary.listening));
    listeners->start();
  }
  summary.name = scenario.run.name;
  summary.seed = scenario.run.seed;
  ExpectationChecker checker(scenario, counters, doist.tyme(), options.progress);
  doist.add_observer(checker);
  const StopFlagWatch stop(doist, options.stop);
  const StopFlagWatch clean_stop(doist, options.clean_stop, kCleanStopSignal);

  const Tyme start = doist.tyme();
  const auto wall_start = std::chrono::steady_clock::now();
  // The journal's file failed during the run (a full disk): an output error
  // (exit 4), thrown once the run is summarized where it stopped.
  std::optional<replay::JournalWriteError> journal_failed;
  // A doer threw `what`: the Doist closed the doers, the journal (if any)
  // ended with end=error and this text. The run is summarized where it
  // ended. Called in a catch: a journal that could not end so is thrown on.
  const auto doer_threw = [&](std::string what) {
    if (journal && (journal->writer().failed() || !journal->finished())) throw;
    summary.error = std::move(what);
    summary.end = RunEnd::interrupted;
  };
  try {
    summary.end = journal ? journal->run(built->top) : doist.run(built->top);
  } catch (const replay::JournalWriteError& error) {
    if (!journal_file_failed(journal)) {
      doer_threw(error.what());  // a doer's own journal, not the run's
    } else {
      journal_failed.emplace(error);
      // A run that reached its end and only the journal's end (its last
      // frames, its trailer) failed ended as the Doist says; else the
      // failed write stopped it.
      summary.end = journal->run_end().value_or(RunEnd::interrupted);
    }
  } catch (const OutputError&) {
    throw;  // the journal could not become FILE at the first pass (exit 4)
  } catch (const HostLookupOutOfMemory&) {
    // Not a doer's: the thread a host name was looked up on ran out of
    // memory (run_cli: exit 6, as for hio check's). The journal, if any,
    // ended with it (end=error), as after a doer's error.
    throw;
  } catch (const std::exception& error) {
    doer_threw(error.what());
    // Out of memory ends a sweep (exit 6); a subclass of std::bad_alloc
    // that is not (std::bad_array_new_length) is the doer's bug, a seed's
    // failure like any error (rev25 #9).
    summary.out_of_memory = replay::is_out_of_memory(error);
  } catch (...) {
    // What is not a std::exception (a doer's hio::Cease that no one
    // requested): the journal, if any, ends with this same text.
    doer_threw(std::string(replay::kNotStdExceptionError));
  }
  summary.stop_signal = doist.stop_signal();
  summary.out_of_tyme = summary.end == RunEnd::stalled && doist.ran_out_of_tyme();
  summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  summary.passes = doist.passes();
  summary.executed_passes = doist.executed_passes();
  summary.late_passes = doist.late_passes();
  summary.worst_lag = doist.worst_lag();
  summary.longest_pass = doist.longest_pass();
  summary.rebases = doist.rebases();
  summary.given_up = doist.given_up();
  summary.max_lag = doist.max_lag();
  summary.tock = scenario.run.tock;
  if (scenario.run.mode == Mode::real) summary.real_limit = scenario.run.limit;
  summary.tyme = Tyme{doist.tyme() - start};
  summary.journal = options.record_path;
  if (journal_failed) {
    // No trailer: what the writer counted up to the failed write.
    summary.events = journal->writer().events();
    summary.digest = journal->writer().digest();
    note_journal_failure(summary, *journal_failed, *journal, target,
                         journal->run_end().has_value());
  } else if (journal) {
    // Journal::run returned or threw a doer's error: it has finished the
    // journal (an unfinished one was thrown on, above).
    const replay::JournalTrailer* trailer = journal->trailer();
    if (trailer == nullptr) {
      throw replay::JournalUnfinishedError("journal '" + journal->writer().path() +
                                           "' has no trailer after the run");
    }
    summary.events = trailer->events;
    summary.digest = trailer->digest;
    const std::uint64_t size = journal->writer().size_bytes();
    summary.journal_lost = target.lost(&summary.journal_moved, WriterCount::of(journal->writer()));
    summary.journal_check = target.later_check(size);
  } else {
    summary.events = digest.events();
    summary.digest = digest.value();
  }

  // An interrupted run has no end to judge `final` expectations at; a
  // stopped one ended there on purpose.
  const bool interrupted = summary.end == RunEnd::interrupted && !summary.stopped();
  summary.expectations = checker.finish(
      RunEnding{.tyme = doist.tyme(),
                .stop_signal = interrupted ? summary.stop_signal : 0,
                .ended_at_pass = doist.ended_at_pass(),
                .journal_failed = summary.journal_failed && !summary.journal_failed_at_end});
  if (options.counters) summary.counters = doer_counters(scenario, counters);
  if (warnings) warnings->finish(channel_errors.count, !summary.journal_lost.empty());
  if (options.warn && summary.late_passes > 0) options.warn(format_lag(summary));
  // Datagrams lost before the run could read them say nothing otherwise: no
  // event, nothing in the journal (real IO only: a replay has no socket).
  summary.dropped_datagrams = io.dropped_datagrams();
  summary.channel_errors = channel_errors.count;
  if (options.warn) {
    for (const IoHub::DroppedDatagrams& dropped : summary.dropped_datagrams)
      options.warn(format_dropped_datagrams(dropped));
  }
  // The doers closed their channels as the run ended: a TCP/TLS stream's or
  // a serial line's write still in flight then (its bytes on record as tx),
  // and a TCP/TLS stream's last bytes not yet acknowledged by the peer, go on
  // for up to their close_linger before the hub goes, as after any local
  // close (io.md, "Closing"); destroying the hub at once would cut the
  // writes, and the peer get less than the journal says was sent. A stop
  // signal (or the sweep's stop flag) ends the wait and resets them. The
  // words say "channel": either kind can be one.
  if (io.closing() > 0) {
    summary.closing_reset = finish_closing_after_run(
        io,
        [stop = options.stop] {
          return (stop != nullptr && stop->is_set()) || caught_stop_signal() != 0;
        },
        options.closing_notice ? options.closing_notice : options.warn);
  }
  if (journal_failed) throw RunJournalWriteError(*journal_failed, std::move(summary));
  return summary;
}

std::string format_journal_line(const std::string& path, const std::string& lost, bool moved,
                                bool incomplete) {
  return "journal:   " + display_text(path) +
         (lost.empty() ? ""
          : moved      ? " (moved)"
          : incomplete ? " (incomplete)"
                       : " (lost)") +
         "\n";
}

std::string format_journal_stopped(std::uint64_t flushed_bytes, std::string_view figures) {
  return "interrupted: the journal could not be written past its first " +
         counted(flushed_bytes, "byte") + " (the figures " + std::string(figures) +
         " count up to the failed write, up to 64 KiB later)";
}

std::string format_dropped_datagrams(const IoHub::DroppedDatagrams& dropped) {
  return "warning: the kernel dropped " + counted(dropped.datagrams, "datagram") +
         " that came to channel '" + display_text(dropped.name) + "' (" + dropped.local +
         ") before the run read them: dropped at the socket (most often its receive buffer was "
         "full: they came faster than the run read them); no event and no journal holds them";
}

std::string format_lag(const RunSummary& s) {
  // A run whose passes all took less than the tock can only fall behind by
  // waking late for them: a pass that starts on time then ends before the
  // next is due. Late by a second or more (Doist::kMaxLagFloor, the default
  // max_lag's least) with a re-base, it was not woken late by a loaded
  // machine (milliseconds) but not run at all: stopped (Ctrl-Z, SIGSTOP, a
  // debugger) or the machine suspended. Which one the run cannot tell. A
  // re-base at a smaller lag (a max_lag set below it) says nothing of that:
  // the re-base's figures follow either way.
  std::string why =
      s.longest_pass > s.tock
          ? "the longest pass took " + format_seconds(s.longest_pass) +
                " s, longer than the tock (" + format_seconds(s.tock) + " s)"
          : "no pass took longer than the tock (" + format_seconds(s.tock) + " s; the longest " +
                format_seconds(s.longest_pass) + " s): " +
                (s.rebases > 0 && s.worst_lag >= Doist::kMaxLagFloor
                     ? "the process did not run for up to " + format_seconds(s.worst_lag) +
                           " s (stopped: Ctrl-Z, SIGSTOP, a debugger; or "
                           "the machine suspended?)"
                     : "the process was woken late for them (a loaded "
                       "machine?)");
  if (s.rebases > 0) {
    why += "; " + format_seconds(s.given_up) + " s of wall time given up, not caught up in a " +
           "burst of passes (" + counted(s.rebases, "time", "times") + " more than max_lag, " +
           format_seconds(s.max_lag) + " s, behind): tyme trails the wall clock by that much";
  }
  return "warning: the run fell behind real time: " + std::to_string(s.late_passes) + " of " +
         counted(s.executed_passes, "pass", "passes") + " ended after the next was due, at worst " +
         format_seconds(s.worst_lag) + " s behind; " + why;
}

namespace {

std::string stalled_end(bool out_of_tyme) {
  // What the doers wait for is due at the end of tyme or beyond it: no
  // sender is missing (docs/scenarios.md, "Tyme is a signed 64-bit count").
  if (out_of_tyme) {
    return "stalled (tyme ran out: nothing left can happen before the end of tyme, 2^63-1 ns "
           "or about 292 years)";
  }
  // Not a hang: what a run of servers and finite clients ends with when
  // nothing bounds it (docs/scenarios.md, Lost for good).
  return "stalled (no doer could run again: those left wait for input that nothing in the run "
         "sends, as a server whose clients are done)";
}

}  // namespace

std::string format_summary(const RunSummary& s) {
  const double tyme_s = static_cast<double>(s.tyme.time_since_epoch().count()) / 1e9;
  const std::string speed =
      format_significant(s.wall_seconds > 0 ? tyme_s / s.wall_seconds : 0.0, 3);
  const std::string wall = format_fixed(s.wall_seconds, 3);
  std::string out;
  out += "run:       " + (s.name.empty() ? std::string("(unnamed)") : display_text(s.name)) +
         ", seed " + std::to_string(s.seed) + ", ended: " +
         (s.error ? "error: a doer threw " + display_text(*s.error)
          : s.journal_failed && !s.journal_failed_at_end
              ? format_journal_stopped(s.journal_flushed_bytes, "below")
          : s.end == RunEnd::stalled ? stalled_end(s.out_of_tyme)
          : s.stopped()
              // Asked for (kill -USR1): an end like a limit's, judged as one.
              ? stop_signal_end(s.stop_signal)
              : std::string(to_string(s.end))) +
         (s.journal_failed_at_end ? "; " + std::string(kJournalEndFailed) : "") +
         (!s.error && s.end == RunEnd::interrupted && s.stop_signal != 0 && !s.stopped()
              ? std::string(" (") + stop_signal_name(s.stop_signal) + ")"
              : "") +
         "\n";
  out += "passes:    " + std::to_string(s.passes) + " (" + std::to_string(s.executed_passes) +
         " executed)\n";
  if (s.end == RunEnd::limit && s.real_limit > Tock{0} &&
      s.tyme.time_since_epoch() > s.real_limit) {
    // The last pass's tock reached past the limit on the wall clock: that
    // tyme was never reached in real time, and tyme / wall is no speed.
    out += "tyme:      " + format_seconds(s.tyme) + " s in " + wall + " s wall (real time: the " +
           format_seconds(s.real_limit) + " s limit ended the run before that tyme was due)\n";
  } else {
    out += "tyme:      " + format_seconds(s.tyme) + " s simulated in " + wall + " s wall (" +
           speed + " x real time)\n";
  }
  out += "events:    " + std::to_string(s.events) + "\n";
  out += "digest:    " + replay::format_digest(s.digest) + "\n";
  if (!s.journal.empty()) {
    out += format_journal_line(s.journal, s.journal_lost, s.journal_moved, s.journal_incomplete);
  }
  out += format_expectations(s.expectations);
  return out + format_counters(s.counters);
}

std::string format_counters(const std::optional<DoerCounters>& counters) {
  if (!counters || counters->empty()) return "";
  std::string out = "counters:  " + std::to_string(counters->size()) + "\n";
  for (const auto& [name, value] : *counters)
    out += "  " + display_text(name) + " = " + std::to_string(value) + "\n";
  return out;
}

std::string format_counters_json(const std::optional<DoerCounters>& counters) {
  if (!counters) return ", \"counters\": null";
  std::string out = ", \"counters\": [";
  for (std::size_t i = 0; i < counters->size(); ++i) {
    out += (i == 0 ? "{" : ", {") + json_field("name", (*counters)[i].first) +
           ", \"value\": " + std::to_string((*counters)[i].second) + "}";
  }
  return out + "]";
}

namespace {

// All the run's UDP channels together, as hio sweep's seed record counts
// them: --json's "dropped_datagrams" (stderr names each channel).
std::uint64_t dropped_datagrams_total(const RunSummary& s) {
  std::uint64_t total = 0;
  for (const IoHub::DroppedDatagrams& dropped : s.dropped_datagrams)
    total += dropped.datagrams;
  return total;
}

}  // namespace

namespace {

// `"name": "text", "name_ns": N`: a tyme or a duration as every JSON object
// of hio gives it, as text in seconds and exact (docs/replay.md, "Tymes in
// JSON"); the _ns twins of run --json since session 29.
std::string seconds_json(const char* name, Tock value) {
  return "\"" + std::string(name) + "\": \"" + format_seconds(value) + "\", \"" + name +
         "_ns\": " + std::to_string(value.count());
}

}  // namespace

std::string format_summary_json(const RunSummary& s) {
  const std::string wall = format_fixed(s.wall_seconds, 6);
  std::string out =
      "{" + json_field_or_null("name", s.name) + ", \"seed\": " + std::to_string(s.seed) +
      ", \"end\": \"" +
      (s.error       ? "error"
       : s.stopped() ? "stopped"
                     : to_string(s.end)) +
      "\", " + (s.error ? json_field("error", *s.error) : "\"error\": null") +
      ", \"out_of_memory\": " + (s.out_of_memory ? "true" : "false") +
      ", \"passes\": " + std::to_string(s.passes) +
      ", \"executed_passes\": " + std::to_string(s.executed_passes) + ", " +
      seconds_json("tyme", s.tyme.time_since_epoch()) + ", \"wall_s\": " + wall +
      ", \"events\": " + std::to_string(s.events) + ", \"digest\": \"" +
      replay::format_digest(s.digest) + "\", " + json_field_or_null("journal", s.journal) + ", " +
      json_field_or_null("journal_lost", s.journal_lost) + ", " + format_journal_failure_json(s) +
      ", \"closing_reset\": " + std::to_string(s.closing_reset) +
      ", \"dropped_datagrams\": " + std::to_string(dropped_datagrams_total(s)) +
      ", \"channel_errors\": " + std::to_string(s.channel_errors) +
      ", \"late_passes\": " + std::to_string(s.late_passes) + ", " +
      seconds_json("worst_lag", s.worst_lag) + ", " + seconds_json("longest_pass", s.longest_pass) +
      ", \"rebases\": " + std::to_string(s.rebases) + ", " + seconds_json("given_up", s.given_up) +
      ", " + format_listening_json(s.listening) + ", " +
      format_expectations_json(s.expectations, s.passed());
  return out + format_counters_json(s.counters) + "}";
}

std::string format_listening_json(const std::vector<Listening>& listening) {
  std::string out = "\"listening\": [";
  for (std::size_t i = 0; i < listening.size(); ++i) {
    out += (i == 0 ? "{" : ", {") + json_field("doer", listening[i].doer) + ", " +
           json_field("address", listening[i].address) + "}";
  }
  return out + "]";
}

std::string format_expectations_json(const std::vector<ExpectationResult>& results, bool passed) {
  std::string out =
      std::string("\"passed\": ") + (passed ? "true" : "false") + ", \"expectations\": [";
  bool first = true;
  for (const ExpectationResult& r : results) {
    out += std::string(first ? "" : ", ") + "{" + json_field("text", r.expectation.text) +
           ", \"passed\": " + (r.passed ? "true" : "false") +
           ", \"judged\": " + (r.judged ? "true" : "false") + ", " +
           json_field_or_null("detail", r.detail) + "}";
    first = false;
  }
  return out + "]";
}

}  // namespace hio::tools
