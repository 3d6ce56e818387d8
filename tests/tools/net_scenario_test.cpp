// Real-network scenario kinds against peers on the loopback: destinations
// with port 0 refused at their key, "@name" of a listener on a wildcard
// address.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/time.h>

#include <cstring>
#include <string>
#include <thread>

#include "../io/raw_socket.hpp"
#include "../io/tls_certs.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/runner.hpp"

namespace hio::tools {
namespace {

using test::tls_certs;

DoerRegistry registry() {
  DoerRegistry r;
  add_builtin_kinds(r);
  return r;
}

std::string build_error(const std::string& text) {
  const DoerRegistry kinds = registry();
  try {
    check_scenario(load_scenario_text(text, "t.toml", kinds), kinds);
  } catch (const ScenarioError& error) {
    std::string all;
    for (const Diagnostic& d : error.diagnostics())
      all += d.str() + "\n";
    return all;
  }
  return "";
}

constexpr const char* kReal = "[run]\nmode = \"real\"\ntock = \"10ms\"\nlimit = \"3s\"\n";

// Every send or connect to port 0 fails: a destination with port 0 is a
// mistake at its key, not a run that fails at every attempt.
TEST(NetScenario, PortZeroIsNoDestination) {
  for (const char* scheme : {"tcp", "tls"}) {
    EXPECT_EQ(build_error(std::string(kReal) +
                          "[[doer]]\nkind = \"echo_client\"\nname = "
                          "\"c\"\nretry = \"1s\"\naddress = \"" +
                          scheme + "://127.0.0.1:0\"\n"),
              std::string("t.toml:9:11: cannot build doer 'c': cannot connect to ") + scheme +
                  "://127.0.0.1:0: port 0 is no port a listener can have\n");
  }
  EXPECT_EQ(build_error(std::string(kReal) +
                        "[[doer]]\nkind = \"udp_requester\"\nname = \"q\"\naddress = "
                        "\"udp://127.0.0.1:0\"\nto = \"127.0.0.1:0\"\n"),
            "t.toml:9:6: cannot build doer 'q': to = '127.0.0.1:0': destination '127.0.0.1:0' "
            "has port 0, to which nothing can be sent\n");
  // A listener or an own address on port 0 takes any free port.
  EXPECT_EQ(build_error(std::string(kReal) +
                        "[[doer]]\nkind = \"echo_server\"\nname = \"s\"\naddress = "
                        "\"tcp://127.0.0.1:0\"\n[[doer]]\nkind = \"echo_client\"\nname = "
                        "\"c\"\naddress = \"@s\"\n"),
            "");
}

// "@server" of a listener on 0.0.0.0 is its port on 127.0.0.1, which the
// certificate names: the client's verification passes.
TEST(NetScenario, AtNameOfAWildcardListenerIsItsFamilysLoopback) {
  const DoerRegistry kinds = registry();
  // (The server never finishes: the run ends at its limit.)
  const std::string text =
      "[run]\nmode = \"real\"\ntock = \"10ms\"\nlimit = \"1s\"\n"
      "[[doer]]\nkind = \"echo_server\"\nname = \"server\"\naddress = \"tls://0.0.0.0:0\"\n"
      "tls_cert = \"" +
      tls_certs().server_cert + "\"\ntls_key = \"" + tls_certs().server_key +
      "\"\n[[doer]]\nkind = \"echo_client\"\nname = \"alice\"\naddress = \"@server\"\n"
      "messages = 3\ntls_ca = \"" +
      tls_certs().ca + "\"\n[[expect]]\nfinal = \"alice.echoed == 3\"\n";
  const RunSummary summary = run_scenario(load_scenario_text(text, "t.toml", kinds), kinds);
  EXPECT_TRUE(summary.passed()) << summary.first_failure();
}

}  // namespace
}  // namespace hio::tools
