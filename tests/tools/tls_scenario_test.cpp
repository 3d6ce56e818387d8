// TLS from scenarios: echo_server and echo_client with tls_* parameters over
// real TLS on 127.0.0.1, certificates made by the openssl tool at run time
// (tests/io/tls_certs.hpp); file names relative to the scenario file; the
// parameter errors and what "@name" says of a listener that was not built.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../io/raw_socket.hpp"
#include "../io/tls_certs.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/replay_scenario.hpp"
#include "hio/tools/runner.hpp"

namespace hio::tools {
namespace {
namespace tls_scenario_test {

using test::tls_certs;
using ::testing::HasSubstr;

DoerRegistry registry() {
  DoerRegistry r;
  add_builtin_kinds(r);
  return r;
}

// A TLS echo pair; `server` and `client` are extra parameter lines.
std::string tls_scenario(const std::string& server, const std::string& client) {
  return "[run]\nmode = \"real\"\ntock = \"10ms\"\nlimit = \"1s\"\n"
         "[[doer]]\nkind = \"echo_server\"\nname = \"server\"\naddress = \"tls://127.0.0.1:0\"\n" +
         server +
         "[[doer]]\nkind = \"group\"\nname = \"clients\"\n"
         "[[doer.doer]]\nkind = \"echo_client\"\nname = \"alice\"\naddress = \"@server\"\n"
         "messages = 4\n" +
         client + "[[expect]]\nfinal = \"alice.echoed == 4\"\n";
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

TEST(TlsScenario, AnEchoOverVerifiedTlsPassesItsExpectation) {
  const DoerRegistry kinds = registry();
  const std::string text = tls_scenario("tls_cert = \"" + tls_certs().server_cert +
                                            "\"\ntls_key = \"" + tls_certs().server_key + "\"\n",
                                        "tls_ca = \"" + tls_certs().ca + "\"\n");
  const RunSummary summary = run_scenario(load_scenario_text(text, "t.toml", kinds), kinds);
  EXPECT_TRUE(summary.passed()) << summary.first_failure();
}

TEST(TlsScenario, FileNamesAreRelativeToTheScenarioFile) {
  // The scenario sits next to the certificates and names them bare; it is
  // loaded by its full path from wherever the test runs.
  const std::string path = tls_certs().dir + "/echo.toml";
  std::ofstream(path) << tls_scenario("tls_cert = \"server.pem\"\ntls_key = \"server.key\"\n",
                                      "tls_ca = \"ca.pem\"\n");
  const DoerRegistry kinds = registry();
  const RunSummary summary = run_scenario(load_scenario_file(path, kinds), kinds);
  EXPECT_TRUE(summary.passed()) << summary.first_failure();
  std::filesystem::remove(path);
}

TEST(TlsScenario, AnUntrustedServerIsRefusedByTheClient) {
  const DoerRegistry kinds = registry();
  const std::string text = tls_scenario("tls_cert = \"" + tls_certs().rogue_cert +
                                            "\"\ntls_key = \"" + tls_certs().rogue_key + "\"\n",
                                        "tls_ca = \"" + tls_certs().ca + "\"\n");
  const RunSummary summary = run_scenario(load_scenario_text(text, "t.toml", kinds), kinds);
  EXPECT_FALSE(summary.passed());
}

TEST(TlsScenario, ParameterMistakesAreBuildErrorsAtTheDoer) {
  EXPECT_THAT(build_error(tls_scenario("", "")),
              HasSubstr("cannot build doer 'server': a tls:// listener needs tls_cert and "
                        "tls_key (PEM files; or tls_cert alone holding both)"));
  // The client that names it is told why, not that there is no such doer.
  EXPECT_THAT(build_error(tls_scenario("", "")),
              HasSubstr("cannot build doer 'alice': address '@server' names doer 'server', "
                        "which could not be built (see its own error)"));
  EXPECT_THAT(build_error("[run]\nmode = \"real\"\n[[doer]]\nkind = \"echo_client\"\nname = "
                          "\"c\"\naddress = \"tcp://127.0.0.1:9\"\ntls_verify = false\n"),
              HasSubstr("tls_verify applies to tls:// addresses only"));
  // tls_cert alone: its file must hold the key too (here it does not).
  EXPECT_THAT(
      build_error(tls_scenario("tls_cert = \"" + tls_certs().server_cert + "\"\n", "")),
      HasSubstr("t.toml:9:12: cannot build doer 'server': certificate file '" +
                tls_certs().server_cert + "' holds no private key, and no key file is given"));
  EXPECT_THAT(build_error(tls_scenario("tls_cert = \"" + tls_certs().combined + "\"\n",
                                       "tls_key = \"" + tls_certs().client_key + "\"\n")),
              HasSubstr("cannot build doer 'alice': tls_key needs tls_cert (the certificate of "
                        "that key)"));
  EXPECT_THAT(
      build_error(tls_scenario("tls_cert = \"" + tls_certs().server_cert + "\"\ntls_key = \"" +
                                   tls_certs().server_key + "\"\ntls_client_cert = true\n",
                               "")),
      HasSubstr("tls_client_cert = true needs tls_ca"));
  // Files that cannot be read: at the key, by check, not when the run starts.
  EXPECT_THAT(build_error(tls_scenario("tls_cert = \"/nonexistent/server.pem\"\ntls_key = \"" +
                                           tls_certs().server_key + "\"\n",
                                       "")),
              HasSubstr("t.toml:9:12: cannot build doer 'server': cannot read certificate file "
                        "'/nonexistent/server.pem': No such file or directory"));
  EXPECT_THAT(
      build_error(tls_scenario("tls_cert = \"" + tls_certs().server_cert + "\"\ntls_key = \"" +
                                   tls_certs().server_key + "\"\n",
                               "tls_ca = \"" + tls_certs().dir + "\"\n")),
      HasSubstr("cannot build doer 'alice': CA file '" + tls_certs().dir + "' is a directory"));
  // What only loading them tells (io's validate): a key that does not match
  // its certificate, at tls_key; a CA file that is no PEM, at tls_ca.
  EXPECT_THAT(
      build_error(tls_scenario("tls_cert = \"" + tls_certs().server_cert + "\"\ntls_key = \"" +
                                   tls_certs().rogue_key + "\"\n",
                               "")),
      HasSubstr("t.toml:10:11: cannot build doer 'server': key file '" + tls_certs().rogue_key +
                "' does not match certificate file '" + tls_certs().server_cert + "'"));
  // So is a key of another algorithm (here RSA for an EC certificate).
  EXPECT_THAT(
      build_error(tls_scenario("tls_cert = \"" + tls_certs().server_cert + "\"\ntls_key = \"" +
                                   tls_certs().rsa_key + "\"\n",
                               "")),
      HasSubstr("t.toml:10:11: cannot build doer 'server': key file '" + tls_certs().rsa_key +
                "' does not match certificate file '" + tls_certs().server_cert + "'"));
  const std::string not_pem = tls_certs().dir + "/server.ext";
  EXPECT_THAT(build_error(tls_scenario("tls_cert = \"" + tls_certs().server_cert +
                                           "\"\ntls_key = \"" + tls_certs().server_key + "\"\n",
                                       "tls_ca = \"" + not_pem + "\"\n")),
              HasSubstr("cannot build doer 'alice': cannot use CA file '" + not_pem + "': "));
}

// A certificate file that holds its key too serves alone (tls_cert without
// tls_key), as the library's empty key_file does.
TEST(TlsScenario, ACertificateFileWithItsKeyServesWithoutTlsKey) {
  const DoerRegistry kinds = registry();
  const std::string text = tls_scenario("tls_cert = \"" + tls_certs().combined + "\"\n",
                                        "tls_ca = \"" + tls_certs().ca + "\"\n");
  const RunSummary summary = run_scenario(load_scenario_text(text, "t.toml", kinds), kinds);
  EXPECT_TRUE(summary.passed()) << summary.first_failure();
}

// Files hio cannot use without asking or reading twice are build errors at
// their keys: an encrypted key (never a pass-phrase prompt), a FIFO.
TEST(TlsScenario, AnEncryptedKeyOrAFifoIsABuildErrorAtItsKey) {
  EXPECT_THAT(
      build_error(tls_scenario("tls_cert = \"" + tls_certs().server_cert + "\"\ntls_key = \"" +
                                   tls_certs().encrypted_key + "\"\n",
                               "")),
      HasSubstr("t.toml:10:11: cannot build doer 'server': key file '" + tls_certs().encrypted_key +
                "' is encrypted, and hio takes no pass phrase"));
  const std::string fifo = tls_certs().dir + "/scenario.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THAT(build_error(tls_scenario("tls_cert = \"" + tls_certs().server_cert +
                                           "\"\ntls_key = \"" + tls_certs().server_key + "\"\n",
                                       "tls_ca = \"" + fifo + "\"\n")),
              HasSubstr("cannot build doer 'alice': CA file '" + fifo +
                        "' is a FIFO (a named pipe or a process substitution), not a regular "
                        "file"));
  std::filesystem::remove(fifo);
}

// tls_min_version = "1.3" on both sides runs; other words are refused at the
// key, and so is a version on an address without TLS.
TEST(TlsScenario, TlsMinVersionIsOneTwoOrOneThree) {
  const DoerRegistry kinds = registry();
  const std::string server = "tls_cert = \"" + tls_certs().server_cert + "\"\ntls_key = \"" +
                             tls_certs().server_key + "\"\n";
  const std::string client = "tls_ca = \"" + tls_certs().ca + "\"\n";
  const std::string text =
      tls_scenario(server + "tls_min_version = \"1.3\"\n", client + "tls_min_version = \"1.3\"\n");
  const RunSummary summary = run_scenario(load_scenario_text(text, "t.toml", kinds), kinds);
  EXPECT_TRUE(summary.passed()) << summary.first_failure();
  EXPECT_EQ(build_error(tls_scenario(server + "tls_min_version = \"1.2\"\n", client)), "");
  EXPECT_THAT(build_error(tls_scenario(server + "tls_min_version = \"1.1\"\n", client)),
              HasSubstr("t.toml:11:19: cannot build doer 'server': tls_min_version must be "
                        "\"1.2\" or \"1.3\", not \"1.1\""));
  EXPECT_THAT(build_error(tls_scenario(server, client + "tls_min_version = \"TLSv1.3\"\n")),
              HasSubstr("cannot build doer 'alice': tls_min_version must be \"1.2\" or \"1.3\", "
                        "not \"TLSv1.3\""));
  EXPECT_THAT(build_error("[run]\nmode = \"real\"\n[[doer]]\nkind = \"echo_client\"\nname = "
                          "\"c\"\naddress = \"tcp://127.0.0.1:9\"\ntls_min_version = \"1.3\"\n"),
              HasSubstr("t.toml:7:19: cannot build doer 'c': tls_min_version applies to tls:// "
                        "addresses only"));
}

// A TLS server that never answers (a listening socket nobody accepts from:
// the kernel completes the TCP connection, then the ClientHello meets
// silence). handshake_timeout, a scenario key, fails the client's channel
// well before the run's limit, naming the peer and the timeout; without it
// the default 10 s would outlast the run.
TEST(TlsScenario, HandshakeTimeoutFromTheScenarioEndsAHandshakeWithASilentPeer) {
  const test::RawSocket silent = test::raw_listen();
  const std::string address = "tls://127.0.0.1:" + std::to_string(silent.port());
  const DoerRegistry kinds = registry();
  const std::string text =
      "[run]\nmode = \"real\"\ntock = \"10ms\"\nlimit = \"1s\"\n"
      "[[doer]]\nkind = \"echo_client\"\nname = \"alice\"\naddress = \"" +
      address +
      "\"\nmessages = 1\nhandshake_timeout = \"200ms\"\n"
      "tls_ca = \"" +
      tls_certs().ca +
      "\"\n"
      "[[expect]]\nfinal = \"alice.echoed == 0\"\n";
  std::vector<std::string> warnings;
  RunOptions options;
  options.warn = [&warnings](const std::string& line) { warnings.push_back(line); };
  const RunSummary summary =
      run_scenario(load_scenario_text(text, "t.toml", kinds), kinds, options);
  EXPECT_TRUE(summary.passed()) << summary.first_failure();
  ASSERT_FALSE(warnings.empty());
  EXPECT_THAT(warnings[0], HasSubstr("alice (stream " + address + ") failed at tyme 0."));
  EXPECT_THAT(warnings[0], HasSubstr("TLS handshake with 127.0.0.1:" +
                                     std::to_string(silent.port()) + " timed out after 0.2 s"));
}

// A journal is never written over a file the doers read (a certificate, a
// key), by whatever path it is named: hio run --record, hio replay --record.
TEST(TlsScenario, AJournalIsNotWrittenOverAFileTheDoersRead) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(tls_certs().dir) / "inputs";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(tls_certs().server_cert, dir / "server.pem");
  fs::copy_file(tls_certs().server_key, dir / "server.key");
  fs::copy_file(tls_certs().ca, dir / "ca.pem");
  const std::string path = (dir / "echo.toml").string();
  std::ofstream(path) << tls_scenario("tls_cert = \"server.pem\"\ntls_key = \"server.key\"\n",
                                      "tls_ca = \"ca.pem\"\n");
  const auto bytes = [](const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  const std::string key = bytes(dir / "server.key");
  fs::create_symlink("server.key", dir / "link.key");
  fs::create_hard_link(dir / "ca.pem", dir / "hard.pem");
  const DoerRegistry kinds = registry();
  const Scenario scenario = load_scenario_file(path, kinds);
  const auto refused = [&](const std::string& record) {
    RunOptions options;
    options.record_path = record;
    try {
      run_scenario(scenario, kinds, options);
    } catch (const ScenarioError& error) {
      return error.diagnostics().at(0).str();
    }
    return std::string("recorded");
  };
  EXPECT_THAT(refused((dir / "server.key").string()),
              HasSubstr("the journal would overwrite " + (dir / "server.key").string() +
                        ", a file the scenario's doers read (the same file)"));
  EXPECT_THAT(refused((dir / "link.key").string()), HasSubstr("a file the scenario's doers read"));
  EXPECT_THAT(refused((dir / "hard.pem").string()), HasSubstr("ca.pem, a file"));
  EXPECT_EQ(bytes(dir / "server.key"), key);
  EXPECT_TRUE(fs::is_symlink(dir / "link.key"));
  // A replay of the run's journal refuses them too.
  const std::string journal = (dir / "echo.hioj").string();
  EXPECT_EQ(refused(journal), "recorded");
  ReplayScenarioOptions replay;
  replay.journal = journal;
  replay.record_path = (dir / "server.pem").string();
  const std::string cert = bytes(dir / "server.pem");
  EXPECT_THROW(replay_scenario(replay, kinds), ScenarioError);
  EXPECT_EQ(bytes(dir / "server.pem"), cert);
  fs::remove_all(dir);
}

TEST(TlsScenario, ChannelKeysAreCheckedAtTheirValues) {
  const std::string server = "tls_cert = \"" + tls_certs().server_cert + "\"\ntls_key = \"" +
                             tls_certs().server_key + "\"\n";
  EXPECT_THAT(build_error(tls_scenario(server + "remotes_max = 0\n", "")),
              HasSubstr("t.toml:11:15: cannot build doer 'server': remotes_max must be from 1 to "
                        "1000000, not 0"));
  EXPECT_THAT(build_error(tls_scenario(server + "rx_bytes_max = 0\n", "")),
              HasSubstr("t.toml:11:16: cannot build doer 'server': rx_bytes_max must be from 1"));
  EXPECT_THAT(build_error(tls_scenario(server, "tx_bytes_max = 300000000\n")),
              HasSubstr("cannot build doer 'alice': tx_bytes_max must be from 1 to 268435456"));
  EXPECT_EQ(build_error(tls_scenario(server + "handshake_timeout = \"1s\"\nremotes_max = 4\n",
                                     "connect_timeout = \"1s\"\nhandshake_timeout = \"0\"\n")),
            "");
  EXPECT_THAT(build_error("[run]\nmode = \"real\"\n[[doer]]\nkind = \"echo_client\"\nname = "
                          "\"c\"\naddress = \"tcp://127.0.0.1:9\"\nhandshake_timeout = \"1s\"\n"),
              HasSubstr("t.toml:7:21: cannot build doer 'c': handshake_timeout applies to tls:// "
                        "addresses only"));
  const std::string udp =
      "[run]\nmode = \"real\"\n[[doer]]\nkind = \"udp_responder\"\nname = "
      "\"u\"\naddress = \"udp://127.0.0.1:0\"\n";
  EXPECT_THAT(build_error(udp + "datagram_bytes_max = 70000\n"),
              HasSubstr("t.toml:7:22: cannot build doer 'u': datagram_bytes_max must be from 1 "
                        "to 65507, not 70000"));
  EXPECT_THAT(build_error(udp + "datagram_bytes_max = 2000\nrx_bytes_max = 1000\n"),
              HasSubstr("datagram_bytes_max (2000) must not exceed rx_bytes_max (1000)"));
}

// Every key's mistake is reported, each at its own key: one does not hide
// the next, and a limit the scenario did not write is not blamed.
TEST(TlsScenario, EveryBuildErrorIsAtItsOwnKey) {
  const std::string udp =
      "[run]\nmode = \"real\"\n[[doer]]\nkind = \"udp_responder\"\nname = "
      "\"u\"\naddress = \"udp://127.0.0.1:0\"\n";
  EXPECT_EQ(
      build_error(udp + "datagram_bytes_max = 0\ntx_bytes_max = -3\nrx_bytes_max = 0\n"),
      "t.toml:7:22: cannot build doer 'u': datagram_bytes_max must be from 1 to 65507, not 0\n"
      "t.toml:8:16: cannot build doer 'u': tx_bytes_max must be from 1 to 268435456, not -3\n"
      "t.toml:9:16: cannot build doer 'u': rx_bytes_max must be from 1 to 268435456, not 0\n");
  EXPECT_EQ(build_error(udp + "tx_bytes_max = 50\n"),
            "t.toml:7:16: cannot build doer 'u': datagram_bytes_max (65507) must not exceed "
            "tx_bytes_max (50): such a datagram could never be queued\n");
  EXPECT_EQ(build_error("[net]\nhosts = [\"c\", \"s\"]\n[[doer]]\nkind = \"echo_server\"\nname = "
                        "\"es\"\naddress = \"sim://s:7\"\n[[doer]]\nkind = \"echo_client\"\nname = "
                        "\"c\"\naddress = \"sim://s:0\"\n"),
            "t.toml:10:11: cannot build doer 'c': cannot connect to sim://s:0: port 0 is no port a "
            "listener can have\n");
}

}  // namespace tls_scenario_test
}  // namespace
}  // namespace hio::tools
