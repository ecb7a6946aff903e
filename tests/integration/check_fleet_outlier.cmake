# The MPMD run (WORKDIR/fleet): rank 1, given the slowed decode kernel, is the one outlier, on decode and nowhere
# else; `tfbench compare FLEET.json` names it too (time metric, a 300% threshold: decode is ~30x slower there, and
# peak calibrates its length, so load on the machine cannot move its time that far).
set(dir ${WORKDIR}/fleet)
file(READ ${dir}/fleet.json json)
string(JSON count LENGTH "${json}" outliers)
string(JSON rank GET "${json}" outliers 0 rank)
string(JSON name GET "${json}" outliers 0 benchmark)
string(JSON deviation GET "${json}" outliers 0 deviation_percent)
if(NOT count EQUAL 1 OR NOT rank EQUAL 1 OR NOT name STREQUAL "decode/tfbench/b2-h8-kv2-n1000-d64/fp32")
  message(FATAL_ERROR "outliers: ${count}, the first rank ${rank} on ${name}; expected one, rank 1 on decode")
endif()
if(NOT deviation LESS -75)
  message(FATAL_ERROR "the outlier's deviation ${deviation}% is not beyond the 75% threshold")
endif()
execute_process(COMMAND ${TFBENCH} compare ${dir}/fleet.json --threshold 300 RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 1 OR NOT out MATCHES "rank 1 [^\n]* 1 regression\\(s\\)[^\n]*\n +decode/tfbench/b2-h8-kv2-n1000-d64/fp32 +\\+"
   OR NOT out MATCHES "rank 0 [^\n]* 0 regression\\(s\\)")
  message(FATAL_ERROR "compare of the fleet file: exit ${rc}, expected 1 naming rank 1 on decode")
endif()
execute_process(COMMAND ${TFBENCH} compare ${dir}/fleet.json --threshold 300 --json RESULT_VARIABLE rc
                OUTPUT_VARIABLE report)
string(JSON regression GET "${report}" regression)
string(JSON slower GET "${report}" ranks 1 regressions 0 name)
string(JSON rank0 LENGTH "${report}" ranks 0 regressions)
if(NOT rc EQUAL 1 OR NOT regression OR NOT slower MATCHES "^decode/" OR NOT rank0 EQUAL 0)
  message(FATAL_ERROR "compare --json of the fleet file: exit ${rc}, regression ${regression}, rank 1 ${slower}")
endif()
