// A program that links hio::tools with every shared library on its link
// line recorded as needed (-Wl,--no-as-needed): what a toolchain that does
// not drop unused libraries (--as-needed) makes every program linking
// hio::tools load. tests/tools/no_shared_toml.cmake reads its needs.
int main() {
  return 0;
}
