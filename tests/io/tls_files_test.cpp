// The files and versions of TlsOptions over real TLS on 127.0.0.1
// (tls_certs.hpp): an encrypted key refused without a pass-phrase prompt, a
// key file without a key saying what it holds, a certificate file holding
// its key, files that are not regular files refused without being read or
// waited on, files read once and no further than the limit whatever their
// stat size says, and min_version refusing a TLS 1.2 peer.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "io_run.hpp"
#include "temp_dir.hpp"
#include "test_doers.hpp"
#include "tls_certs.hpp"
#include "tls_half_close_peer.hpp"

namespace hio::test {
namespace {
namespace tls_files_test {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TlsOptions server_files(const std::string& cert, const std::string& key) {
  TlsOptions options;
  options.cert_file = cert;
  options.key_file = key;
  return options;
}

// The problem validate finds, as "<option>: <message>".
std::string problem_of(const TlsOptions& options) {
  const std::optional<TlsProblem> problem = validate(options);
  return problem ? std::string(to_string(problem->option)) + ": " + problem->message : "none";
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = tls_certs().dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// OpenSSL's default pass-phrase callback prompts on the terminal and waits
// (without one, it fails with "processing error"): hio refuses every pass
// phrase and says the key is encrypted, in validate and in a channel - here
// a client presenting the key at each connect attempt.
TEST(IoTlsFiles, AnEncryptedKeyIsRefusedWithoutAPassPhrasePrompt) {
  const TlsCerts& certs = tls_certs();
  for (const std::string& key : {certs.encrypted_key, certs.encrypted_trad_key}) {
    EXPECT_EQ(problem_of(server_files(certs.server_cert, key)),
              "key_file: key file '" + key +
                  "' is encrypted, and hio takes no pass phrase: give the key decrypted "
                  "(openssl pkey -in <encrypted> -out <plain>)");
  }
  RealRun run;
  ChannelOptions client;
  client.tls = server_files(certs.server_cert, certs.encrypted_key);
  client.tls.ca_file = certs.ca;
  Channel& channel = run.io.connect("tls://127.0.0.1:9", client);
  EXPECT_EQ(channel.state(), ChannelState::failed);
  EXPECT_EQ(channel.reason(), "TLS setup for tls://127.0.0.1:9 failed: key file '" +
                                  certs.encrypted_key + "' is encrypted, and hio takes no pass " +
                                  "phrase: give the key decrypted (openssl pkey -in <encrypted> " +
                                  "-out <plain>)");
}

// A key file that holds no key says what it holds, as a certificate file
// that holds no certificate does; a damaged key gives OpenSSL's reason.
TEST(IoTlsFiles, AKeyFileWithoutAKeySaysWhatItHolds) {
  const TlsCerts& certs = tls_certs();
  const std::string empty = write_file("empty.key", "");
  const std::string garbage = write_file("garbage.key", "not a key\n\x01\x02\n");
  const std::string request = certs.dir + "/server.csr";
  const std::string damaged =
      write_file("damaged.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  const std::string truncated = write_file("truncated.key", "-----BEGIN PRIVATE KEY-----\nMIGH\n");
  const std::string cert = certs.server_cert;
  for (const std::string& key : {empty, garbage, truncated}) {
    EXPECT_EQ(problem_of(server_files(cert, key)),
              "key_file: cannot use key file '" + key +
                  "': no private key in it (no complete PEM block)");
  }
  EXPECT_EQ(problem_of(server_files(cert, certs.ca)),
            "key_file: cannot use key file '" + certs.ca +
                "': it holds a certificate, not a private key");
  EXPECT_EQ(problem_of(server_files(cert, request)),
            "key_file: cannot use key file '" + request +
                "': no private key in it (it holds CERTIFICATE REQUEST)");
  EXPECT_THAT(problem_of(server_files(cert, damaged)),
              StartsWith("key_file: cannot use key file '" + damaged + "': "));
  EXPECT_THAT(problem_of(server_files(cert, damaged)), ::testing::Not(HasSubstr("no private key")));
  // No key_file: the key is looked for in cert_file.
  EXPECT_EQ(
      problem_of(server_files(cert, "")),
      "key_file: certificate file '" + cert + "' holds no private key, and no key file is given");
  EXPECT_EQ(problem_of(server_files(certs.combined, "")), "none");
}

// A certificate or CA file that holds no certificate says what it holds, in
// the key file's words, not OpenSSL's ("no start line", "no certificate or
// crl found"); a damaged certificate gives OpenSSL's reason.
TEST(IoTlsFiles, ACertificateOrCaFileWithoutACertificateSaysWhatItHolds) {
  const TlsCerts& certs = tls_certs();
  const std::string junk = write_file("junk.pem", "not a certificate\n");
  const std::string request = certs.dir + "/server.csr";
  const std::string damaged =
      write_file("damaged.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  const std::string key = certs.server_key;
  // cert_file and key_file swapped, the usual mistake.
  EXPECT_EQ(problem_of(server_files(key, certs.server_cert)),
            "cert_file: cannot use certificate file '" + key +
                "': it holds a private key, not a certificate");
  EXPECT_EQ(problem_of(server_files(junk, key)),
            "cert_file: cannot use certificate file '" + junk +
                "': no certificate in it (no complete PEM block)");
  EXPECT_EQ(problem_of(server_files(request, key)),
            "cert_file: cannot use certificate file '" + request +
                "': no certificate in it (it holds CERTIFICATE REQUEST)");
  EXPECT_THAT(problem_of(server_files(damaged, key)),
              StartsWith("cert_file: cannot use certificate file '" + damaged + "': "));
  EXPECT_THAT(problem_of(server_files(damaged, key)), ::testing::Not(HasSubstr("no certificate")));
  TlsOptions ca;
  ca.ca_file = key;
  EXPECT_EQ(problem_of(ca),
            "ca_file: cannot use CA file '" + key + "': it holds a private key, not a certificate");
  ca.ca_file = junk;
  EXPECT_EQ(problem_of(ca), "ca_file: cannot use CA file '" + junk +
                                "': no certificate in it (no complete PEM block)");
  ca.ca_file = certs.ca;
  EXPECT_EQ(problem_of(ca), "none");
}

// A certificate file that holds its key serves a listener alone.
TEST(IoTlsFiles, AListenerServesWithItsKeyInTheCertificateFile) {
  RealRun run;
  ChannelOptions server;
  server.tls = server_files(tls_certs().combined, "");
  EchoServerDoer echo(run.io, "tls://127.0.0.1:0", server);
  ASSERT_TRUE(echo.listener().connected()) << echo.listener().reason();
  ChannelOptions client;
  client.tls.ca_file = tls_certs().ca;
  TcpClientDoer doer(run.io, "tls://" + echo.listener().local(), client);
  Greeter greeter(doer.channel(), "one file");
  StopWhen stop(run.doist, [&] { return greeter.done() == true; });
  EXPECT_EQ(run.doist.run({&echo, &doer, &greeter, &stop}), RunEnd::interrupted)
      << doer.channel().reason();
  EXPECT_EQ(greeter.reply, "one file");
}

// A key of another algorithm than its certificate's (an EC key for an RSA
// certificate, an RSA or Ed25519 key for an EC one; apart or in one file)
// does not match it, as a key of the same algorithm does not: said by
// validate and at the channel's open. OpenSSL took such a key into a slot
// of its own, and every handshake then failed with "no shared cipher".
TEST(IoTlsFiles, AKeyOfAnotherAlgorithmDoesNotMatchItsCertificate) {
  const TlsCerts& certs = tls_certs();
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {certs.rsa_cert, certs.server_key},     // RSA certificate, EC key
      {certs.server_cert, certs.rsa_key},     // EC certificate, RSA key
      {certs.server_cert, certs.ed25519_key}  // EC certificate, Ed25519 key
  };
  for (const auto& [cert, key] : pairs) {
    EXPECT_EQ(problem_of(server_files(cert, key)),
              "key_file: key file '" + key + "' does not match certificate file '" + cert + "'");
  }
  EXPECT_EQ(problem_of(server_files(certs.rsa_with_ec_key, "")),
            "key_file: key file '" + certs.rsa_with_ec_key + "' does not match certificate file '" +
                certs.rsa_with_ec_key + "'");
  // The pairs that do match still serve.
  EXPECT_EQ(problem_of(server_files(certs.rsa_cert, certs.rsa_key)), "none");
  EXPECT_EQ(problem_of(server_files(certs.server_cert, certs.server_key)), "none");

  RealRun run;
  ChannelOptions server;
  server.tls = server_files(certs.rsa_cert, certs.server_key);
  Channel& listener = run.io.listen("tls://127.0.0.1:0", server);
  EXPECT_EQ(listener.state(), ChannelState::failed);
  EXPECT_EQ(listener.reason(), "TLS setup for tls://127.0.0.1:0 failed: key file '" +
                                   certs.server_key + "' does not match certificate file '" +
                                   certs.rsa_cert + "'");
}

// TLS files are read when validated and again at every open: a pipe (a
// process substitution, /dev/fd/N) would give its bytes to the first read
// only, and a named FIFO without a writer would block the check. Both are
// refused unread; so is a device.
TEST(IoTlsFiles, TlsFilesMustBeRegularFilesAndAreNotReadOtherwise) {
  const TlsCerts& certs = tls_certs();
  std::ifstream in(certs.server_key, std::ios::binary);
  const std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int ends[2] = {-1, -1};
  ASSERT_EQ(::pipe(ends), 0);
  ASSERT_EQ(::write(ends[1], key.data(), key.size()), static_cast<ssize_t>(key.size()));
  ::close(ends[1]);
  const std::string substituted = "/dev/fd/" + std::to_string(ends[0]);
  const std::string not_regular =
      ", not a regular file: hio reads TLS files when it checks them and again at every open";
  EXPECT_EQ(problem_of(server_files(certs.server_cert, substituted)),
            "key_file: key file '" + substituted +
                "' is a FIFO (a named pipe or a process substitution)" + not_regular);
  // A listener opened with it fails in the same words.
  RealRun run;
  ChannelOptions server;
  server.tls = server_files(certs.server_cert, substituted);
  Channel& listener = run.io.listen("tls://127.0.0.1:0", server);
  EXPECT_EQ(listener.state(), ChannelState::failed);
  EXPECT_EQ(listener.reason(),
            "TLS setup for tls://127.0.0.1:0 failed: " + validate(server.tls)->message);
  // Nothing was read from the pipe.
  ::fcntl(ends[0], F_SETFL, ::fcntl(ends[0], F_GETFL) | O_NONBLOCK);
  std::string left(key.size() + 1, '\0');
  EXPECT_EQ(::read(ends[0], left.data(), left.size()), static_cast<ssize_t>(key.size()));
  ::close(ends[0]);

  // In a directory of its own: the certificates' is the process's, and a
  // --gtest_repeat run found its FIFO there already (mkfifo: EEXIST).
  const TempDir fifo_dir("hio-tls-fifo");
  const std::string fifo = fifo_dir.file("named.pem");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(problem_of(server_files(fifo, certs.server_key)),
            "cert_file: certificate file '" + fifo +
                "' is a FIFO (a named pipe or a process substitution)" + not_regular);
  TlsOptions device;
  device.ca_file = "/dev/null";
  EXPECT_EQ(problem_of(device), "ca_file: CA file '/dev/null' is a character device" + not_regular);
}

// A TLS file larger than 4 MiB is refused unread, at validate and at every
// open: megabytes of blank lines before the PEM block took OpenSSL's reader
// about a second per 3 MB, at every open, and a stop signal waited for it.
// A CA bundle of a few hundred KB (the system's) is far below.
TEST(IoTlsFiles, TlsFilesLargerThan4MiBAreRefusedUnread) {
  const TlsCerts& certs = tls_certs();
  std::ifstream in(certs.server_cert, std::ios::binary);
  const std::string cert((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string padded = write_file("padded.pem", std::string(4 * 1024 * 1024 + 1, '\n'));
  { std::ofstream(padded, std::ios::binary | std::ios::app) << cert; }
  const std::string size = std::to_string(4 * 1024 * 1024 + 1 + cert.size());
  const std::string too_large =
      " bytes, more than the 4 MiB hio reads of it (certificates and keys are a few KB; hio "
      "reads TLS files when it checks them and again at every open)";
  EXPECT_EQ(problem_of(server_files(padded, certs.server_key)),
            "cert_file: certificate file '" + padded + "' is " + size + too_large);
  EXPECT_EQ(problem_of(server_files(certs.server_cert, padded)),
            "key_file: key file '" + padded + "' is " + size + too_large);
  TlsOptions ca;
  ca.ca_file = padded;
  EXPECT_EQ(problem_of(ca), "ca_file: CA file '" + padded + "' is " + size + too_large);
  RealRun run;
  ChannelOptions client;
  client.tls = ca;
  Channel& channel = run.io.connect("tls://127.0.0.1:9", client);
  EXPECT_EQ(channel.state(), ChannelState::failed);
  EXPECT_EQ(channel.reason(), "TLS setup for tls://127.0.0.1:9 failed: CA file '" + padded +
                                  "' is " + size + too_large);
  // At the limit, the same file is read (and is a certificate).
  const std::string at_limit =
      write_file("at_limit.pem", std::string(4 * 1024 * 1024 - cert.size(), '\n') + cert);
  TlsOptions fits;
  fits.ca_file = at_limit;
  EXPECT_EQ(problem_of(fits), "none");
}

// problem_of(options), found by a child process that must answer within 10
// s: "hung" if it does not (a file read without end, or waited on).
std::string problem_in_time(const TlsOptions& options) {
  int ends[2] = {-1, -1};
  if (::pipe(ends) != 0) return "no pipe";
  const pid_t child = ::fork();
  if (child == 0) {
    const std::string problem = problem_of(options);
    (void)!::write(ends[1], problem.data(), problem.size());
    ::_exit(0);
  }
  ::close(ends[1]);
  std::string problem;
  pollfd wanted{ends[0], POLLIN, 0};
  while (::poll(&wanted, 1, 10'000) == 1) {
    char buffer[4096];
    const ssize_t got = ::read(ends[0], buffer, sizeof buffer);
    if (got <= 0) break;
    problem.append(buffer, static_cast<std::size_t>(got));
  }
  const bool hung = wanted.revents == 0;
  ::close(ends[0]);
  if (hung) ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  return hung ? "hung" : problem;
}

// A TLS file is read once, at most 4 MiB and a byte of it, whatever its
// stat size says: a /proc file says 0 (/proc/self/pagemap gives gigabytes,
// and was read to its end), a sparse file its whole size (refused unread).
// OpenSSL is given the bytes read, so a file that grows after the check is
// not read whole either.
TEST(IoTlsFiles, TlsFilesAreReadOnceUpToTheLimitWhateverTheirStatSizeSays) {
  const std::string too_large =
      " hio reads of it (certificates and keys are a few KB; hio reads TLS files when it checks "
      "them and again at every open)";
  TlsOptions proc;
  proc.ca_file = "/proc/self/pagemap";
  struct stat status {};
  if (::stat(proc.ca_file.c_str(), &status) == 0 && S_ISREG(status.st_mode)) {
    EXPECT_EQ(status.st_size, 0);
    EXPECT_EQ(problem_in_time(proc),
              "ca_file: CA file '/proc/self/pagemap' is more than the 4 MiB" + too_large);
  }
  // A /proc file of a few hundred bytes is read as the file it is.
  proc.ca_file = "/proc/self/status";
  EXPECT_EQ(problem_in_time(proc),
            "ca_file: cannot use CA file '/proc/self/status': no certificate in it (no complete "
            "PEM block)");

  const std::string sparse = tls_certs().dir + "/sparse.pem";
  ASSERT_EQ(::truncate(write_file("sparse.pem", "").c_str(), off_t{1} << 30), 0);
  EXPECT_EQ(problem_in_time(server_files(sparse, tls_certs().server_key)),
            "cert_file: certificate file '" + sparse +
                "' is 1073741824 bytes, more than the 4 MiB" + too_large);
}

// A peer that speaks TLS `version` only, against an echo listener whose
// min_version is `least`: what the peer got back, or its error.
struct VersionOutcome {
  std::string received;
  std::string peer_error;
  std::vector<std::string> endings;  // the server's remotes'
};

class EndingsEcho final : public EchoServerDoer {
 public:
  using EchoServerDoer::EchoServerDoer;
  std::vector<std::string> endings;

 protected:
  void on_close(Channel& remote) override { endings.push_back(remote.reason()); }
};

VersionOutcome talk(TlsVersion least, int version) {
  RealRun run;
  ChannelOptions server;
  server.tls = server_files(tls_certs().server_cert, tls_certs().server_key);
  server.tls.min_version = least;
  EndingsEcho echo(run.io, "tls://127.0.0.1:0", server);
  TlsHalfClosingPeer peer(port_of(echo.listener().local()), "hello", tls_certs().ca, version);
  StopWhen stop(run.doist, [&] { return peer.done() && !echo.endings.empty(); });
  EXPECT_EQ(run.doist.run({&echo, &peer, &stop}), RunEnd::interrupted);
  return VersionOutcome{peer.received(), peer.error(), echo.endings};
}

TEST(IoTlsFiles, MinVersionTls13RefusesATls12Peer) {
  // The default (1.2) serves a TLS 1.2 peer; 1.3 refuses it in the handshake.
  const VersionOutcome served = talk(TlsVersion::tls1_2, TLS1_2_VERSION);
  EXPECT_EQ(served.peer_error, "");
  EXPECT_EQ(served.received, "hello");
  const VersionOutcome refused = talk(TlsVersion::tls1_3, TLS1_2_VERSION);
  EXPECT_EQ(refused.received, "");
  EXPECT_THAT(refused.peer_error, HasSubstr("protocol version"));
  ASSERT_EQ(refused.endings.size(), 1u);
  EXPECT_THAT(refused.endings[0], HasSubstr("failed: unsupported protocol"));
  // TLS 1.3 peers are served either way.
  EXPECT_EQ(talk(TlsVersion::tls1_3, TLS1_3_VERSION).received, "hello");
  EXPECT_STREQ(to_string(TlsVersion::tls1_2), "1.2");
  EXPECT_STREQ(to_string(TlsVersion::tls1_3), "1.3");
}

}  // namespace tls_files_test
}  // namespace
}  // namespace hio::test
