# A single-device run keeps the single-device layout: plain names, no context.devices.
file(READ ${WORKDIR}/r.json json)
string(JSON name GET "${json}" benchmarks 0 name)
string(JSON devices ERROR_VARIABLE missing GET "${json}" context devices)
if(NOT name STREQUAL "peak/tfbench/fma-chains/fp32" OR NOT missing)
  message(FATAL_ERROR "single-device run: first name ${name}, context.devices ${devices}")
endif()
