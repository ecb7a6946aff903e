# Asserts on `tfbench-native --quick --stream-only --json r.json`: the triad sampled as the suites sample (at least
# --quick's 6 samples, each in samples_s, sample_count saying how many), and verified.
file(READ ${WORKDIR}/r.json json)
string(JSON name GET "${json}" benchmarks 0 name)
string(JSON count GET "${json}" benchmarks 0 sample_count)
string(JSON listed LENGTH "${json}" benchmarks 0 samples_s)
string(JSON verified GET "${json}" benchmarks 0 verified)
if(NOT name STREQUAL "native/stream/triad" OR count LESS 6 OR NOT listed EQUAL count OR NOT verified)
  message(FATAL_ERROR "${name}: ${count} samples, ${listed} listed, verified ${verified}; expected the triad, "
                      "at least 6 samples, all listed, verified")
endif()
