// A word of a command line written so that a POSIX shell (sh, dash, bash,
// zsh) reads it back byte for byte, and so that printing it puts no control
// character but a newline on a terminal: hio sweep's rerun line.
#pragma once

#include <string>
#include <string_view>

namespace hio::tools {

// `word` as is when no shell treats any of its characters specially (only
// letters, digits and "_-./:=,@%+", and no '=' first: zsh's =cmd); else in
// single quotes ('\'' for a quote), with a newline as it is (inside the
// quotes: a shell reads it back) and every other control character (C0, DEL,
// C1) and every byte that is not UTF-8 given by "$(printf '\NNN')" (octal,
// POSIX printf) between the quoted parts: 'e'"$(printf '\033')"'[2J.toml'.
// (A newline cannot go through printf: $(...) drops the newlines it ends
// with.) UTF-8 beyond ASCII is kept as it is.
std::string shell_word(std::string_view word);

}  // namespace hio::tools
