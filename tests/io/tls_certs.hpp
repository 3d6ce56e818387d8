// Test certificates made at run time with the openssl command-line tool, in
// a temporary directory removed at exit: a CA, a server certificate for
// "localhost" / 127.0.0.1 / ::1 signed by it, a client certificate signed by
// it (mutual TLS), and an untrusted self-signed certificate for the same
// names; the server key encrypted with a pass phrase (PKCS#8 and OpenSSL's
// traditional format) and the server certificate with its key in one file;
// keys of other algorithms (RSA, Ed25519) and a self-signed RSA certificate,
// for keys that do not match their certificate by algorithm.
// Made once per test binary, on first use.
#pragma once

#include <fstream>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "run_program.hpp"
#include "temp_dir.hpp"

namespace hio::test {

struct TlsCerts {
 private:
  // First, so that it is made before the files and removed with them when
  // making one fails (the constructor throws; no destructor of ours runs).
  TempDir made_{"hio-tls"};

 public:
  std::string dir = made_.path();
  std::string ca = path("ca.pem");               // the CA's certificate: what clients trust
  std::string server_cert = path("server.pem");  // localhost, 127.0.0.1, ::1; signed by the CA
  std::string server_key = path("server.key");
  std::string client_cert = path("client.pem");  // CN=hio test client; signed by the CA
  std::string client_key = path("client.key");
  std::string rogue_cert = path("rogue.pem");  // self-signed, same names: trusted by nobody
  std::string rogue_key = path("rogue.key");
  // server_key, encrypted (PKCS#8, pass phrase "hio-test")
  std::string encrypted_key = path("encrypted.key");
  // the same in the traditional format (Proc-Type header)
  std::string encrypted_trad_key = path("encrypted_trad.key");
  std::string combined = path("combined.pem");    // server_cert, then server_key
  std::string rsa_cert = path("rsa.pem");         // self-signed, RSA, same names as server_cert
  std::string rsa_key = path("rsa.key");          // rsa_cert's key
  std::string ed25519_key = path("ed25519.key");  // an Ed25519 key of no certificate
  // rsa_cert, then server_key (EC): one file, not a pair
  std::string rsa_with_ec_key = path("rsa_with_ec_key.pem");

  TlsCerts() {
    write("server.ext",
          "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
          "basicConstraints=critical,CA:FALSE\n"
          "keyUsage=critical,digitalSignature\n"
          "extendedKeyUsage=serverAuth\n");
    write("client.ext",
          "basicConstraints=critical,CA:FALSE\n"
          "keyUsage=critical,digitalSignature\n"
          "extendedKeyUsage=clientAuth\n");
    run(with_ec_key(
        {"req", "-x509"},
        {"-days", "2", "-subj", "/CN=hio-test-CA", "-keyout", path("ca.key"), "-out", ca, "-addext",
         "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"}));
    run(with_ec_key({"req"},
                    {"-subj", "/CN=localhost", "-keyout", server_key, "-out", path("server.csr")}));
    run({"x509", "-req", "-days", "2", "-in", path("server.csr"), "-CA", ca, "-CAkey",
         path("ca.key"), "-CAcreateserial", "-extfile", path("server.ext"), "-out", server_cert});
    run(with_ec_key({"req"}, {"-subj", "/CN=hio-test-client", "-keyout", client_key, "-out",
                              path("client.csr")}));
    run({"x509", "-req", "-days", "2", "-in", path("client.csr"), "-CA", ca, "-CAkey",
         path("ca.key"), "-CAcreateserial", "-extfile", path("client.ext"), "-out", client_cert});
    run(with_ec_key({"req", "-x509"},
                    {"-days", "2", "-subj", "/CN=localhost", "-keyout", rogue_key, "-out",
                     rogue_cert, "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"}));
    run({"pkey", "-in", server_key, "-aes256", "-passout", "pass:hio-test", "-out", encrypted_key});
    run({"pkey", "-in", server_key, "-traditional", "-aes256", "-passout", "pass:hio-test", "-out",
         encrypted_trad_key});
    write("combined.pem", read(server_cert) + read(server_key));
    run({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-keyout", rsa_key, "-out", rsa_cert, "-addext",
         "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"});
    run({"genpkey", "-algorithm", "ed25519", "-out", ed25519_key});
    write("rsa_with_ec_key.pem", read(rsa_cert) + read(server_key));
  }
  TlsCerts(const TlsCerts&) = delete;
  TlsCerts& operator=(const TlsCerts&) = delete;

 private:
  std::string path(const std::string& name) const { return made_.file(name); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
  }
  static std::string read(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  // COMMAND, a new P-256 key unencrypted, then REST.
  static std::vector<std::string> with_ec_key(std::vector<std::string> command,
                                              std::initializer_list<std::string> rest) {
    command.insert(command.end(),
                   {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"});
    command.insert(command.end(), rest);
    return command;
  }
  // openssl with ARGS (no shell: $TMPDIR may hold a space, and a `>` to a
  // path cut there wrote outside the directory).
  static void run(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    const ProgramResult result = run_program(args);
    if (result.status != 0) {
      std::string command;
      for (const std::string& word : args)
        command += (command.empty() ? "" : " ") + shell_quote(word);
      throw std::runtime_error("test certificates: " + command + " failed (status " +
                               std::to_string(result.status) + "):\n" + result.output);
    }
  }
};

// The certificates of this test binary.
inline const TlsCerts& tls_certs() {
  static const TlsCerts certs;
  return certs;
}

}  // namespace hio::test
