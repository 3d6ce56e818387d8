#include "hio/tools/runner.hpp"

#include <chrono>
#include <cstdio>
#include <memory>

#include "hio/engine/dodoer.hpp"
#include "hio/engine/random.hpp"
#include "hio/tools/counters.hpp"

namespace hio::tools {

namespace {

// The doers of a scenario, built from its specs and owned here.
struct Tree {
  std::vector<std::unique_ptr<Doer>> owned;
  std::vector<Doer*> top;
};

// Depth-first with an explicit stack: scenario trees come from files.
Tree build_tree(const Scenario& scenario, const DoerRegistry& registry, BuildContext& context) {
  Tree tree;
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
    Item item = stack.back();
    stack.pop_back();
    const DoerSpec& spec = *item.spec;
    const KindSpec* kind = registry.find(spec.kind);
    std::unique_ptr<Doer> doer;
    try {
      if (kind->group) {
        auto group = std::make_unique<DoDoer>(spec.name, spec.tock);
        group->set_always(spec.boolean("always"));
        for (auto it = spec.children.rbegin(); it != spec.children.rend(); ++it) {
          stack.push_back({&*it, group.get()});
        }
        doer = std::move(group);
      } else {
        doer = kind->make(spec, context);
        doer->set_tock(spec.tock);
      }
    } catch (const std::exception& error) {
      problems.push_back(
          Diagnostic{spec.pos, "cannot build doer '" + spec.name + "': " + error.what()});
      continue;
    }
    if (item.parent != nullptr) {
      item.parent->extend({doer.get()});
    } else {
      tree.top.push_back(doer.get());
    }
    tree.owned.push_back(std::move(doer));
  }
  if (!problems.empty()) throw ScenarioError(std::move(problems));
  return tree;
}

// Checks `always` and `by` expectations after every executed pass (counters
// only change when doers run, so skipped passes cannot change the answer).
class Checker final : public PassObserver {
 public:
  Checker(const Scenario& scenario, const CounterBoard& counters, Tyme start,
          std::vector<ExpectationResult>& results, const RunOptions& options)
      : counters_(counters), start_(start), results_(results), options_(options) {
    for (const Expectation& e : scenario.expectations) {
      results_.push_back(ExpectationResult{&e, e.when != Expectation::When::by, ""});
    }
  }

  void pass_ended(Tyme tyme) override {
    for (ExpectationResult& result : results_) {
      const Expectation& e = *result.expectation;
      if (e.when == Expectation::When::final) continue;
      const std::int64_t value = *counters_.read(e.counter);
      if (e.when == Expectation::When::always && result.passed && !e.holds(value)) {
        result.passed = false;
        result.detail = e.counter + " was " + std::to_string(value) + " at tyme " +
                        format_seconds(tyme - start_);
      } else if (e.when == Expectation::When::by && !result.passed && tyme - start_ <= e.by &&
                 e.holds(value)) {
        result.passed = true;
        result.detail = "held at tyme " + format_seconds(tyme - start_);
      }
    }
    if (options_.progress) {
      auto now = std::chrono::steady_clock::now();
      if (now >= next_progress_) {
        next_progress_ = now + std::chrono::milliseconds(500);
        options_.progress(tyme);
      }
    }
  }

 private:
  const CounterBoard& counters_;
  Tyme start_;
  std::vector<ExpectationResult>& results_;
  const RunOptions& options_;
  std::chrono::steady_clock::time_point next_progress_ =
      std::chrono::steady_clock::now() + std::chrono::seconds(1);
};

std::string json_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string hex64(std::uint64_t value) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

}  // namespace

bool RunSummary::passed() const {
  for (const ExpectationResult& result : expectations) {
    if (!result.passed) return false;
  }
  return true;
}

std::string RunSummary::first_failure() const {
  for (const ExpectationResult& result : expectations) {
    if (!result.passed) return result.expectation->text + " (" + result.detail + ")";
  }
  return "";
}

RunSummary run_scenario(const Scenario& scenario, const DoerRegistry& registry,
                        const RunOptions& options) {
  const RandomSource random(scenario.run.seed);
  CounterBoard counters;
  Doist doist(scenario.run.tock, scenario.run.mode == Mode::real, scenario.run.limit);
  doist.set_skip(scenario.run.skip);
  IoHub io(doist.tymth());
  doist.attach(io);
  std::map<std::string, std::string, std::less<>> endpoints;
  BuildContext context{random, counters, io, endpoints};
  Tree tree = build_tree(scenario, registry, context);

  std::vector<Diagnostic> problems;
  for (const Expectation& e : scenario.expectations) {
    if (!counters.has(e.counter)) {
      std::string known;
      for (const std::string& name : counters.names())
        known += (known.empty() ? "" : ", ") + name;
      problems.push_back(Diagnostic{e.pos, "no doer publishes counter '" + e.counter +
                                               "' (published: " + (known.empty() ? "none" : known) +
                                               ")"});
    }
  }
  if (!problems.empty()) throw ScenarioError(std::move(problems));

  RunSummary summary;
  summary.name = scenario.run.name;
  summary.seed = scenario.run.seed;
  Checker checker(scenario, counters, doist.tyme(), summary.expectations, options);
  doist.add_observer(checker);

  const Tyme start = doist.tyme();
  const auto wall_start = std::chrono::steady_clock::now();
  summary.end = doist.run(tree.top);
  summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  summary.passes = doist.passes();
  summary.executed_passes = doist.executed_passes();
  summary.tyme = Tyme{doist.tyme() - start};

  for (ExpectationResult& result : summary.expectations) {
    const Expectation& e = *result.expectation;
    const std::int64_t value = *counters.read(e.counter);
    if (e.when == Expectation::When::final) {
      result.passed = e.holds(value);
      result.detail = e.counter + " was " + std::to_string(value);
    } else if (e.when == Expectation::When::by && !result.passed) {
      result.detail = "never held by " + format_seconds(e.by) + " (" + e.counter + " is " +
                      std::to_string(value) + ")";
    } else if (result.detail.empty()) {
      result.detail = "held on every pass";
    }
  }
  return summary;
}

std::string format_summary(const RunSummary& s) {
  const double tyme_s = static_cast<double>(s.tyme.time_since_epoch().count()) / 1e9;
  char speed[64];
  std::snprintf(speed, sizeof speed, "%.3g", s.wall_seconds > 0 ? tyme_s / s.wall_seconds : 0.0);
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.3f", s.wall_seconds);
  std::string out;
  out += "run:       " + (s.name.empty() ? std::string("(unnamed)") : s.name) + ", seed " +
         std::to_string(s.seed) + ", ended: " + to_string(s.end) + "\n";
  out += "passes:    " + std::to_string(s.passes) + " (" + std::to_string(s.executed_passes) +
         " executed)\n";
  out += "tyme:      " + format_seconds(s.tyme) + " s simulated in " + wall + " s wall (" + speed +
         " x real time)\n";
  out += "events:    " + std::to_string(s.events) + "\n";
  out += "digest:    " + hex64(s.digest) + "\n";
  int failed = 0;
  for (const ExpectationResult& r : s.expectations)
    failed += r.passed ? 0 : 1;
  out += "expect:    " + std::to_string(s.expectations.size() - static_cast<std::size_t>(failed)) +
         " of " + std::to_string(s.expectations.size()) + " passed\n";
  for (const ExpectationResult& r : s.expectations) {
    out += std::string(r.passed ? "  ok    " : "  FAIL  ") + r.expectation->text + "  (" +
           r.detail + ")\n";
  }
  return out;
}

std::string format_summary_json(const RunSummary& s) {
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.6f", s.wall_seconds);
  std::string out =
      "{\"name\": \"" + json_escape(s.name) + "\", \"seed\": " + std::to_string(s.seed) +
      ", \"end\": \"" + to_string(s.end) + "\", \"passes\": " + std::to_string(s.passes) +
      ", \"executed_passes\": " + std::to_string(s.executed_passes) + ", \"tyme\": \"" +
      format_seconds(s.tyme) + "\", \"wall_s\": " + wall +
      ", \"events\": " + std::to_string(s.events) + ", \"digest\": \"" + hex64(s.digest) +
      "\", \"passed\": " + (s.passed() ? "true" : "false") + ", \"expectations\": [";
  bool first = true;
  for (const ExpectationResult& r : s.expectations) {
    out += std::string(first ? "" : ", ") + "{\"text\": \"" + json_escape(r.expectation->text) +
           "\", \"passed\": " + (r.passed ? "true" : "false") + ", \"detail\": \"" +
           json_escape(r.detail) + "\"}";
    first = false;
  }
  out += "]}";
  return out;
}

}  // namespace hio::tools
