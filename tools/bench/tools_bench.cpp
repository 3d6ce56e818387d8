// Scenario benchmarks (hio::tools): loading the largest nets a scenario may
// have, and a doer kind at the largest message it allows. Each figure is the
// cost per unit at the larger size over the cost per unit at the smaller, in
// the thread's CPU time: about 1 when the cost is linear, about the size
// ratio when it is quadratic.
#include <cstdint>
#include <string>

#include "bench.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/registry.hpp"
#include "hio/tools/runner.hpp"

namespace hio::bench {

void tools_suite(const Options& options, Report& report);

namespace {

// `n` hosts, each but the first with a link to the first.
std::string hosts_text(int n) {
  std::string hosts, links;
  for (int i = 0; i < n; ++i) {
    hosts += (i == 0 ? "\"h" : ", \"h") + std::to_string(i) + "\"";
    if (i > 0) links += "[[net.link]]\nfrom = \"h" + std::to_string(i) + "\"\nto = \"h0\"\n";
  }
  return "[net]\nhosts = [" + hosts + "]\n" + links +
         "[[doer]]\nkind = \"udp_responder\"\nname = \"s\"\naddress = \"sim://h0:7\"\n";
}

// `n` serial lines, each with a fault on one of its ends.
std::string serial_text(int n) {
  std::string text = "[net]\n";
  for (int i = 0; i < n; ++i)
    text +=
        "[[net.serial]]\na = \"a" + std::to_string(i) + "\"\nb = \"b" + std::to_string(i) + "\"\n";
  for (int i = 0; i < n; ++i)
    text += "[[net.fault]]\naction = \"unplug\"\nat = \"1s\"\ndevice = \"a" + std::to_string(i) +
            "\"\n";
  return text + "[[doer]]\nkind = \"ticker\"\nname = \"t\"\n";
}

// An echo_client sending 8 messages of `size` bytes over SimNet.
std::string echo_text(std::int64_t size) {
  return "[run]\ntock = \"1ms\"\nlimit = \"60s\"\n[net]\nhosts = [\"c\", \"s\"]\n"
         "client_host = \"c\"\n[[net.link]]\nfrom = \"c\"\nto = \"s\"\nlatency = \"1ms\"\n"
         "[[doer]]\nkind = \"echo_server\"\nname = \"server\"\naddress = \"sim://s:7\"\n"
         "[[doer]]\nkind = \"echo_client\"\nname = \"client\"\naddress = \"@server\"\n"
         "messages = 8\nsize = " +
         std::to_string(size) + "\n";
}

}  // namespace

void tools_suite(const Options& options, Report& report) {
  tools::DoerRegistry kinds;
  tools::add_builtin_kinds(kinds);
  const Runs cpu{options.rounds(), true};
  // CPU seconds per unit of loading `text(n)`.
  const auto load_per = [&](auto text, int n) {
    const std::string scenario = text(n);
    return best_seconds(cpu, [&] { (void)tools::load_scenario_text(scenario, "b.toml", kinds); }) /
           n;
  };
  // Hosts were checked for duplicates, and every host a link names looked
  // up, by a search of the list: quadratic in the hosts (2.3 s of CPU for
  // 65,536 hosts, 5.2 s with their links).
  report.add("load_hosts_64k_vs_16k", load_per(hosts_text, 65'536) / load_per(hosts_text, 16'384),
             "ratio per host");
  // Likewise serial devices (10.5 s for 65,536 lines).
  report.add("load_serial_64k_vs_16k",
             load_per(serial_text, 65'536) / load_per(serial_text, 16'384), "ratio per line");
  // echo_client erased what tx took from the front of its message: 16 MiB
  // cost 8 times 4 MiB.
  const auto echo_per_byte = [&](std::int64_t size) {
    const tools::Scenario s = tools::load_scenario_text(echo_text(size), "e.toml", kinds);
    return best_seconds(cpu, [&] { (void)tools::run_scenario(s, kinds); }) /
           static_cast<double>(size);
  };
  report.add("echo_client_16m_vs_1m", echo_per_byte(16 << 20) / echo_per_byte(1 << 20),
             "ratio per byte");
}

}  // namespace hio::bench
