// TranslatedMessages: while it lives, the C library translates its error
// texts (strerror, and so error_code::message()) into German, as it does
// for a program that embeds hio and calls setlocale(LC_ALL, "") in a German
// environment. glibc translates in any locale but "C"/"POSIX" when LANGUAGE
// names a language it has a catalog for: C.UTF-8 with LANGUAGE=de needs no
// generated locale.
#pragma once

#include <cerrno>
#include <clocale>
#include <cstdlib>
#include <cstring>
#include <string>

namespace hio::test {

class TranslatedMessages {
 public:
  TranslatedMessages() {
    ::setenv("LANGUAGE", "de", 1);
    std::setlocale(LC_ALL, "C.UTF-8");
  }
  ~TranslatedMessages() {
    std::setlocale(LC_ALL, "C");
    ::unsetenv("LANGUAGE");
  }
  TranslatedMessages(const TranslatedMessages&) = delete;
  TranslatedMessages& operator=(const TranslatedMessages&) = delete;

  // False where the system cannot translate (no C.UTF-8 locale, or no German
  // catalog of the C library): a test then has nothing to show.
  bool active() const { return std::string(std::strerror(ECONNREFUSED)) != "Connection refused"; }
};

}  // namespace hio::test
