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

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace hio::test {

struct TlsCerts {
  std::string dir;
  std::string ca;           // the CA's certificate: what clients trust
  std::string server_cert;  // localhost, 127.0.0.1, ::1; signed by the CA
  std::string server_key;
  std::string client_cert;  // CN=hio test client; signed by the CA
  std::string client_key;
  std::string rogue_cert;  // self-signed, same names: trusted by nobody
  std::string rogue_key;
  std::string encrypted_key;       // server_key, encrypted (PKCS#8, pass phrase "hio-test")
  std::string encrypted_trad_key;  // the same in the traditional format (Proc-Type header)
  std::string combined;            // server_cert, then server_key
  std::string rsa_cert;            // self-signed, RSA, same names as server_cert
  std::string rsa_key;             // rsa_cert's key
  std::string ed25519_key;         // an Ed25519 key of no certificate
  std::string rsa_with_ec_key;     // rsa_cert, then server_key (EC): one file, not a pair

  TlsCerts() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hio-tls-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = pattern;
    ca = path("ca.pem");
    server_cert = path("server.pem");
    server_key = path("server.key");
    client_cert = path("client.pem");
    client_key = path("client.key");
    rogue_cert = path("rogue.pem");
    rogue_key = path("rogue.key");
    encrypted_key = path("encrypted.key");
    encrypted_trad_key = path("encrypted_trad.key");
    combined = path("combined.pem");
    rsa_cert = path("rsa.pem");
    rsa_key = path("rsa.key");
    ed25519_key = path("ed25519.key");
    rsa_with_ec_key = path("rsa_with_ec_key.pem");
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    write("server.ext",
          "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
          "basicConstraints=critical,CA:FALSE\n"
          "keyUsage=critical,digitalSignature\n"
          "extendedKeyUsage=serverAuth\n");
    write("client.ext",
          "basicConstraints=critical,CA:FALSE\n"
          "keyUsage=critical,digitalSignature\n"
          "extendedKeyUsage=clientAuth\n");
    run("req -x509" + key + " -days 2 -subj /CN=hio-test-CA -keyout " + path("ca.key") + " -out " +
        ca + " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign");
    run("req" + key + " -subj /CN=localhost -keyout " + server_key + " -out " + path("server.csr"));
    run("x509 -req -days 2 -in " + path("server.csr") + " -CA " + ca + " -CAkey " + path("ca.key") +
        " -CAcreateserial -extfile " + path("server.ext") + " -out " + server_cert);
    run("req" + key + " -subj /CN=hio-test-client -keyout " + client_key + " -out " +
        path("client.csr"));
    run("x509 -req -days 2 -in " + path("client.csr") + " -CA " + ca + " -CAkey " + path("ca.key") +
        " -CAcreateserial -extfile " + path("client.ext") + " -out " + client_cert);
    run("req -x509" + key + " -days 2 -subj /CN=localhost -keyout " + rogue_key + " -out " +
        rogue_cert + " -addext subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1");
    run("pkey -in " + server_key + " -aes256 -passout pass:hio-test -out " + encrypted_key);
    run("pkey -in " + server_key + " -traditional -aes256 -passout pass:hio-test -out " +
        encrypted_trad_key);
    write("combined.pem", read(server_cert) + read(server_key));
    run("req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout " + rsa_key +
        " -out " + rsa_cert + " -addext subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1");
    run("genpkey -algorithm ed25519 -out " + ed25519_key);
    write("rsa_with_ec_key.pem", read(rsa_cert) + read(server_key));
  }
  ~TlsCerts() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  TlsCerts(const TlsCerts&) = delete;
  TlsCerts& operator=(const TlsCerts&) = delete;

 private:
  std::string path(const std::string& name) const { return dir + "/" + name; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
  }
  static std::string read(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  void run(const std::string& args) const {
    const std::string command = "openssl " + args + " >" + path("openssl.log") + " 2>&1";
    if (std::system(command.c_str()) != 0) {
      const std::string output = read(path("openssl.log"));
      throw std::runtime_error("test certificates: '" + command + "' failed:\n" + output);
    }
  }
};

// The certificates of this test binary.
inline const TlsCerts& tls_certs() {
  static const TlsCerts certs;
  return certs;
}

}  // namespace hio::test
