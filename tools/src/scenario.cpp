#include "hio/tools/scenario.hpp"

#include "hio/replay/escape.hpp"

namespace hio::tools {

namespace {

std::string join(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.str();
  }
  return out;
}

template <typename T>
const T& get(const DoerSpec& spec, std::string_view key) {
  auto it = spec.params.find(key);
  if (it == spec.params.end() || !std::holds_alternative<T>(it->second.value)) {
    throw std::logic_error("doer '" + spec.name + "': parameter '" + std::string(key) +
                           "' missing or of another type (the kind's ParamSpec and its factory "
                           "disagree)");
  }
  return std::get<T>(it->second.value);
}

}  // namespace

std::string display_text(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) {
      std::string out;
      replay::append_quoted(out, text);
      return out;
    }
  }
  return std::string(text);
}

std::string Diagnostic::str() const {
  // A message that quotes a scenario's string with a control character in
  // it is quoted whole: nothing raw reaches the terminal.
  const std::string text = display_text(message);
  const std::string file = display_text(pos.file);
  // A whole file (unreadable, a journal) has no line to point at.
  if (pos.line == 0) return file + ": " + text;
  return file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " + text;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

std::int64_t DoerSpec::integer(std::string_view key) const {
  return get<std::int64_t>(*this, key);
}
double DoerSpec::number(std::string_view key) const {
  return get<double>(*this, key);
}
bool DoerSpec::boolean(std::string_view key) const {
  return get<bool>(*this, key);
}
const std::string& DoerSpec::string(std::string_view key) const {
  return get<std::string>(*this, key);
}
Tock DoerSpec::duration(std::string_view key) const {
  return get<Tock>(*this, key);
}
const StringList& DoerSpec::strings(std::string_view key) const {
  return get<StringList>(*this, key);
}

bool Expectation::holds(std::int64_t actual) const {
  switch (op) {
    case CompareOp::eq:
      return actual == value;
    case CompareOp::ne:
      return actual != value;
    case CompareOp::lt:
      return actual < value;
    case CompareOp::le:
      return actual <= value;
    case CompareOp::gt:
      return actual > value;
    case CompareOp::ge:
      return actual >= value;
  }
  return false;
}

}  // namespace hio::tools
