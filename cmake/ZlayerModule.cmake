# zlayer_module(NAME DEPS <modules...> LIBS <libraries...>)
#
# One folder is one module: every *.cc that is not a test or fuzz target goes
# into the static library zlayer_<NAME>; every *_test.cc goes into the test
# binary zlayer_<NAME>_test; every *_fuzz.cc becomes a libFuzzer target when
# ZLAYER_FUZZ is on, and is otherwise replayed over its seed corpus
# (fuzz/corpus/<target>, plus any directories named by
# ZLAYER_EXTRA_CORPUS_<target>) by a small driver as an ordinary test.
function(zlayer_module name)
  cmake_parse_arguments(M "" "" "DEPS;LIBS;TEST_LIBS" ${ARGN})
  file(GLOB all_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(lib_sources "")
  set(test_sources "")
  set(fuzz_sources "")
  foreach(src IN LISTS all_sources)
    if(src MATCHES "_test\\.cc$")
      list(APPEND test_sources ${src})
    elseif(src MATCHES "_fuzz\\.cc$")
      list(APPEND fuzz_sources ${src})
    else()
      list(APPEND lib_sources ${src})
    endif()
  endforeach()

  set(deps "")
  foreach(dep IN LISTS M_DEPS)
    list(APPEND deps zlayer_${dep})
  endforeach()

  if(lib_sources)
    add_library(zlayer_${name} STATIC ${lib_sources})
    set(scope PUBLIC)
  else()
    # A module of headers only (or one whose sources are still to come).
    add_library(zlayer_${name} INTERFACE)
    set(scope INTERFACE)
  endif()
  target_include_directories(zlayer_${name} ${scope}
      ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(zlayer_${name} ${scope} ${deps} ${M_LIBS})

  if(ZLAYER_FUZZ)
    foreach(src IN LISTS fuzz_sources)
      get_filename_component(target ${src} NAME_WE)
      add_executable(${target} ${src})
      target_compile_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
      target_link_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
      target_link_libraries(${target} PRIVATE zlayer_${name})
    endforeach()
    return()
  endif()

  if(ZLAYER_TESTS AND test_sources)
    add_executable(zlayer_${name}_test ${test_sources})
    target_link_libraries(zlayer_${name}_test PRIVATE
        zlayer_${name} ${M_TEST_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(zlayer_${name}_test PRIVATE
        ZLAYER_SHARED_DIR="${ZLAYER_SHARED_DIR}"
        ZLAYER_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    gtest_discover_tests(zlayer_${name}_test
        DISCOVERY_MODE PRE_TEST
        # One label that both `ctest -L unit` and `-L <module>` match.
        PROPERTIES LABELS "unit-${name}")
  endif()

  if(ZLAYER_TESTS)
    foreach(src IN LISTS fuzz_sources)
      get_filename_component(target ${src} NAME_WE)
      add_executable(${target}_replay ${src}
          ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
      target_link_libraries(${target}_replay PRIVATE zlayer_${name})
      add_test(NAME ${target}_corpus_replay
          COMMAND ${target}_replay ${PROJECT_SOURCE_DIR}/fuzz/corpus/${target}
              ${ZLAYER_EXTRA_CORPUS_${target}})
      set_tests_properties(${target}_corpus_replay PROPERTIES LABELS "fuzz;${name}")
    endforeach()
  endif()
endfunction()
