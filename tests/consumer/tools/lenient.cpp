// Passes -Wall -Wextra but not hio's own warning flags (-Wold-style-cast,
// -Wconversion): it compiles only while those stay on hio's targets.
int hio_consumer_lenient(double x);

int hio_consumer_lenient(double x) {
  int n = (int)x;
  short narrow = n;
  return narrow;
}
