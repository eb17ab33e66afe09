# Runs `zlayer debug parse DOCKERFILE` and compares stdout with EXPECTED byte
# for byte.
execute_process(
    COMMAND ${ZLAYER} debug parse ${DOCKERFILE}
    OUTPUT_VARIABLE actual
    ERROR_VARIABLE errors
    RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "zlayer debug parse ${DOCKERFILE} exited ${status}: ${errors}")
endif()
file(READ ${EXPECTED} expected)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "dump differs for ${DOCKERFILE}\n--- expected\n${expected}\n--- actual\n${actual}")
endif()
