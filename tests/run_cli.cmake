cmake_minimum_required(VERSION 3.20)
# Runs BIN with ARGS (a ;-list; the token @WORKDIR@ becomes a fresh scratch folder) and checks the exit code.
# CHECK, if given, is a CMake script included afterwards (variables: out, errout, WORKDIR) for deeper checks.
# Output goes to stdout so PASS_REGULAR_EXPRESSION can match it.
file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})
string(REPLACE "@WORKDIR@" "${WORKDIR}" ARGS "${ARGS}")
execute_process(COMMAND ${BIN} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE errout
                WORKING_DIRECTORY ${WORKDIR})
message("${out}")
message("${errout}")
if(NOT "${rc}" STREQUAL "${EXIT}")
  message(FATAL_ERROR "exit code ${rc}, expected ${EXIT}")
endif()
if(CHECK)
  include(${CHECK})
endif()
