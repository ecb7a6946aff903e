# Several devices in one run (--device all, --device 0,1). PoCL shows two devices when POCL_DEVICES names its
# pthread driver twice, so this machine has a second device to run on: one results file with both devices'
# benchmarks under device-qualified names, both contexts in context.devices, a report with the devices side by
# side, and compare and report still read the file.
set(TFB_TWO_POCL_DEVICES "POCL_DEVICES=pthread pthread")
tfb_cli_test(devices_all ARGS --device all --suite peak --quick --out @WORKDIR@/r
  REGEX "Devices side by side.*\nd0 .*\nd1 " CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_devices.cmake)
tfb_cli_test(devices_list ARGS --device 1,0 --suite peak --quick --json @WORKDIR@/r.json
  REGEX "\nd1 .*\nd0 ")
set_property(TEST cli/devices_all cli/devices_list APPEND PROPERTY ENVIRONMENT "${TFB_TWO_POCL_DEVICES}")
# One device named twice runs once, as a single-device run with plain names.
tfb_cli_test(devices_repeated ARGS --device 0,0 --suite peak --quick --json @WORKDIR@/r.json
  REGEX "--device names a device more than once; it runs once"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_single_device.cmake)
tfb_cli_test(devices_unknown ARGS --device 0,7 --suite peak EXIT 2 REGEX "no OpenCL device 7 \\(run tfbench --list\\)")
tfb_cli_test(devices_empty_entry ARGS --device 0, --suite peak EXIT 2 REGEX "--device: an entry of the list is empty")
tfb_cli_test(devices_all_and_more ARGS --device all,0 --suite peak EXIT 2
  REGEX "\"all\" cannot be combined with other devices")
