#include "hio/tools/loader.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include "hio/tools/duration.hpp"

namespace hio::tools {

namespace {

// Edit distance, for "did you mean".
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const std::string& candidate : candidates) {
    std::size_t d = distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best.empty() ? std::string() : "; did you mean '" + best + "'?";
}

class Loader {
 public:
  static constexpr int kMaxDepth = 64;

  Loader(std::string path, const DoerRegistry& registry)
      : path_(std::move(path)), registry_(registry) {}

  Scenario load(std::string text) {
    Scenario scenario;
    scenario.path = path_;
    scenario.text = std::move(text);
    toml::table root;
    try {
      root = toml::parse(scenario.text, path_);
    } catch (const toml::parse_error& error) {
      report(error.source(), std::string(error.description()));
      throw ScenarioError(std::move(diagnostics_));
    }
    check_keys(root, {"run", "doer", "expect"}, "top level");
    if (const toml::node* run = root.get("run")) read_run(*run, scenario.run);
    if (const toml::node* doers = root.get("doer")) read_doers(*doers, scenario.doers);
    if (const toml::node* expect = root.get("expect")) read_expectations(*expect, scenario);
    if (scenario.doers.empty() && !root.contains("doer")) {
      report(root.source(), "the scenario has no doers; add at least one [[doer]]");
    }
    if (!diagnostics_.empty()) {
      std::stable_sort(
          diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& a, const Diagnostic& b) {
            return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
          });
      throw ScenarioError(std::move(diagnostics_));
    }
    return scenario;
  }

 private:
  SourcePos pos(const toml::source_region& region) const {
    return SourcePos{path_, static_cast<std::uint32_t>(region.begin.line),
                     static_cast<std::uint32_t>(region.begin.column)};
  }
  void report(const toml::source_region& region, std::string message) {
    diagnostics_.push_back(Diagnostic{pos(region), std::move(message)});
  }

  void check_keys(const toml::table& table, const std::vector<std::string>& allowed,
                  const std::string& where) {
    for (auto&& [key, value] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
      report(key.source(), "unknown key '" + std::string(key.str()) + "' in " + where +
                               suggestion(key.str(), allowed));
    }
  }

  const toml::table* as_table(const toml::node& node, const std::string& what) {
    if (const toml::table* table = node.as_table()) return table;
    report(node.source(), what + " must be a table");
    return nullptr;
  }

  std::optional<std::string> read_string(const toml::node& node, const std::string& what) {
    if (auto value = node.value<std::string>(); value && node.is_string()) return *value;
    report(node.source(), what + " must be a string");
    return std::nullopt;
  }

  std::optional<Tock> read_duration(const toml::node& node, const std::string& what) {
    if (!node.is_string()) {
      report(node.source(), what + " must be a duration string such as \"20ms\" or \"1.5s\"");
      return std::nullopt;
    }
    std::string error;
    std::optional<Tock> tock = parse_duration(*node.value<std::string>(), &error);
    if (!tock) report(node.source(), what + ": " + error);
    return tock;
  }

  void read_run(const toml::node& node, RunSettings& run) {
    const toml::table* table = as_table(node, "[run]");
    if (table == nullptr) return;
    check_keys(*table, {"name", "tock", "limit", "seed", "mode", "skip"}, "[run]");
    if (const toml::node* n = table->get("name")) {
      if (auto s = read_string(*n, "run.name")) run.name = *s;
    }
    if (const toml::node* n = table->get("tock")) {
      if (auto t = read_duration(*n, "run.tock")) {
        if (*t <= Tock{0}) {
          report(n->source(), "run.tock must be greater than 0");
        } else {
          run.tock = *t;
        }
      }
    }
    if (const toml::node* n = table->get("limit")) {
      if (auto t = read_duration(*n, "run.limit")) run.limit = *t;
    }
    if (const toml::node* n = table->get("seed")) {
      auto seed = n->value<std::int64_t>();
      if (!n->is_integer() || !seed || *seed < 0) {
        report(n->source(), "run.seed must be a non-negative integer");
      } else {
        run.seed = static_cast<std::uint64_t>(*seed);
      }
    }
    if (const toml::node* n = table->get("mode")) {
      if (auto s = read_string(*n, "run.mode")) {
        if (*s == "sim") {
          run.mode = Mode::sim;
        } else if (*s == "real") {
          run.mode = Mode::real;
        } else {
          report(n->source(), "run.mode must be \"sim\" or \"real\", not \"" + *s + "\"");
        }
      }
    }
    if (const toml::node* n = table->get("skip")) {
      if (!n->is_boolean()) {
        report(n->source(), "run.skip must be true or false");
      } else {
        run.skip = *n->value<bool>();
      }
    }
  }

  void read_doers(const toml::node& node, std::vector<DoerSpec>& out, int depth = 0) {
    if (depth > kMaxDepth) {
      report(node.source(), "doers nested deeper than " + std::to_string(kMaxDepth) + " levels");
      return;
    }
    const toml::array* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      report(node.source(), "'doer' must be an array of tables: write [[doer]]");
      return;
    }
    for (const toml::node& entry : *array) {
      if (auto spec = read_doer(*entry.as_table(), depth)) out.push_back(std::move(*spec));
    }
  }

  std::optional<DoerSpec> read_doer(const toml::table& table, int depth) {
    DoerSpec spec;
    spec.pos = pos(table.source());
    const toml::node* kind_node = table.get("kind");
    if (kind_node == nullptr) {
      report(table.source(), "doer has no 'kind'; one of: " + kinds_list());
      return std::nullopt;
    }
    auto kind_name = read_string(*kind_node, "doer.kind");
    if (!kind_name) return std::nullopt;
    const KindSpec* kind = registry_.find(*kind_name);
    if (kind == nullptr) {
      report(kind_node->source(), "unknown doer kind '" + *kind_name + "'" +
                                      suggestion(*kind_name, registry_.names()) +
                                      " (known kinds: " + kinds_list() + ")");
      return std::nullopt;
    }
    spec.kind = *kind_name;

    std::vector<std::string> allowed = {"kind", "name", "tock"};
    if (kind->group) allowed.push_back("doer");
    for (const ParamSpec& param : kind->params)
      allowed.push_back(param.name);
    check_keys(table, allowed, "doer of kind '" + spec.kind + "'");

    if (const toml::node* n = table.get("name")) {
      if (auto s = read_string(*n, "doer.name")) {
        spec.name = *s;
        if (spec.name.empty() || spec.name.find_first_of(". \t") != std::string::npos) {
          report(n->source(),
                 "doer name '" + spec.name + "' must be non-empty, without dots or spaces");
        } else if (!names_.insert(spec.name).second) {
          report(n->source(), "duplicate doer name '" + spec.name + "'");
        }
      }
    } else {
      report(table.source(), "doer of kind '" + spec.kind + "' has no 'name'");
    }
    if (const toml::node* n = table.get("tock")) {
      if (auto t = read_duration(*n, "doer.tock")) spec.tock = *t;
    }
    for (const ParamSpec& param : kind->params)
      read_param(table, param, spec);
    if (kind->group) {
      if (const toml::node* children = table.get("doer")) {
        read_doers(*children, spec.children, depth + 1);
      }
    }
    return spec;
  }

  void read_param(const toml::table& table, const ParamSpec& param, DoerSpec& spec) {
    const toml::node* node = table.get(param.name);
    if (node == nullptr) {
      if (param.default_value) {
        spec.params.emplace(param.name, Param{*param.default_value, spec.pos});
      } else {
        report(table.source(), "doer '" + spec.name + "' (kind '" + spec.kind + "') needs '" +
                                   param.name + "': " + param.doc);
      }
      return;
    }
    const std::string what = "'" + param.name + "' of doer '" + spec.name + "'";
    std::optional<ParamValue> value;
    switch (param.type) {
      case ParamType::boolean:
        if (node->is_boolean()) value = *node->value<bool>();
        break;
      case ParamType::integer:
        if (node->is_integer()) value = *node->value<std::int64_t>();
        break;
      case ParamType::number:
        if (node->is_number()) value = *node->value<double>();
        break;
      case ParamType::string:
        if (node->is_string()) value = *node->value<std::string>();
        break;
      case ParamType::duration:
        if (node->is_string()) {
          if (auto t = read_duration(*node, what)) value = *t;
          if (!value) return;  // read_duration reported it
        }
        break;
      case ParamType::strings:
        if (const toml::array* array = node->as_array()) {
          StringList list;
          bool ok = true;
          for (const toml::node& item : *array) {
            if (!item.is_string()) ok = false;
            if (ok) list.push_back(*item.value<std::string>());
          }
          if (ok) value = std::move(list);
        }
        break;
    }
    if (!value) {
      report(node->source(), what + " must be " + to_string(param.type));
      return;
    }
    spec.params.emplace(param.name, Param{std::move(*value), pos(node->source())});
  }

  void read_expectations(const toml::node& node, Scenario& scenario) {
    const toml::array* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      report(node.source(), "'expect' must be an array of tables: write [[expect]]");
      return;
    }
    for (const toml::node& entry : *array) {
      const toml::table& table = *entry.as_table();
      check_keys(table, {"final", "always", "condition", "by"}, "[[expect]]");
      Expectation expectation;
      const toml::node* text = nullptr;
      int forms = 0;
      if (const toml::node* n = table.get("final")) {
        text = n;
        expectation.when = Expectation::When::final;
        ++forms;
      }
      if (const toml::node* n = table.get("always")) {
        text = n;
        expectation.when = Expectation::When::always;
        ++forms;
      }
      if (const toml::node* n = table.get("condition")) {
        text = n;
        expectation.when = Expectation::When::by;
        ++forms;
        const toml::node* by = table.get("by");
        if (by == nullptr) {
          report(n->source(), "a 'condition' needs 'by', the tyme it must hold by");
        } else if (auto t = read_duration(*by, "expect.by")) {
          expectation.by = *t;
        }
      } else if (const toml::node* by = table.get("by")) {
        report(by->source(), "'by' goes with 'condition'");
      }
      if (forms != 1) {
        report(table.source(),
               "an [[expect]] needs exactly one of 'final', 'always' or 'condition'");
        continue;
      }
      if (auto s = read_string(*text, "the expectation")) {
        expectation.text = *s;
        expectation.pos = pos(text->source());
        parse_condition(*s, expectation);
      }
      scenario.expectations.push_back(std::move(expectation));
    }
  }

  void parse_condition(const std::string& text, Expectation& expectation) {
    // "<doer>.<counter> <op> <integer>"
    std::istringstream in(text);
    std::string counter, op, value, rest;
    in >> counter >> op >> value >> rest;
    static const std::pair<const char*, CompareOp> kOps[] = {
        {"==", CompareOp::eq}, {"!=", CompareOp::ne}, {"<", CompareOp::lt},
        {"<=", CompareOp::le}, {">", CompareOp::gt},  {">=", CompareOp::ge}};
    bool op_ok = false;
    for (const auto& [name, code] : kOps) {
      if (op == name) {
        expectation.op = code;
        op_ok = true;
      }
    }
    std::int64_t number = 0;
    bool value_ok = !value.empty();
    try {
      std::size_t used = 0;
      number = std::stoll(value, &used);
      value_ok = value_ok && used == value.size();
    } catch (const std::exception&) {
      value_ok = false;
    }
    if (counter.find('.') == std::string::npos || !op_ok || !value_ok || !rest.empty()) {
      diagnostics_.push_back(Diagnostic{
          expectation.pos, "expectation \"" + text +
                               "\" must read '<doer>.<counter> <op> <integer>' with op one of "
                               "== != < <= > >="});
      return;
    }
    expectation.counter = counter;
    expectation.value = number;
  }

  std::string kinds_list() const {
    std::string out;
    for (const std::string& name : registry_.names())
      out += (out.empty() ? "" : ", ") + name;
    return out;
  }

  std::string path_;
  const DoerRegistry& registry_;
  std::vector<Diagnostic> diagnostics_;
  std::set<std::string> names_;
};

}  // namespace

Scenario load_scenario_text(std::string text, std::string path, const DoerRegistry& registry) {
  return Loader(std::move(path), registry).load(std::move(text));
}

Scenario load_scenario_file(const std::string& path, const DoerRegistry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError({Diagnostic{SourcePos{path, 0, 0}, "cannot read the file"}});
  std::ostringstream text;
  text << in.rdbuf();
  return load_scenario_text(text.str(), path, registry);
}

void apply_override(Scenario& scenario, const std::string& assignment) {
  const SourcePos where{"--set", 1, 1};
  auto fail = [&](const std::string& message) {
    throw ScenarioError({Diagnostic{where, "'" + assignment + "': " + message}});
  };
  std::size_t eq = assignment.find('=');
  if (eq == std::string::npos) fail("expected key=value");
  std::string key = assignment.substr(0, eq);
  std::string value = assignment.substr(eq + 1);
  RunSettings& run = scenario.run;
  std::string error;
  if (key == "run.tock" || key == "run.limit") {
    auto tock = parse_duration(value, &error);
    if (!tock) fail(error);
    if (key == "run.tock") {
      if (*tock <= Tock{0}) fail("run.tock must be greater than 0");
      run.tock = *tock;
    } else {
      run.limit = *tock;
    }
  } else if (key == "run.seed") {
    std::size_t used = 0;
    std::uint64_t seed = 0;
    try {
      seed = std::stoull(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != value.size() || value[0] == '-') fail("seed must be an integer >= 0");
    run.seed = seed;
  } else if (key == "run.mode") {
    if (value == "sim") {
      run.mode = Mode::sim;
    } else if (value == "real") {
      run.mode = Mode::real;
    } else {
      fail("mode must be sim or real");
    }
  } else if (key == "run.skip") {
    if (value != "true" && value != "false") fail("skip must be true or false");
    run.skip = value == "true";
  } else if (key == "run.name") {
    run.name = value;
  } else {
    fail("unknown key" + suggestion(key, {"run.tock", "run.limit", "run.seed", "run.mode",
                                          "run.skip", "run.name"}));
  }
}

}  // namespace hio::tools
