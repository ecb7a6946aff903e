# The include rule (host/README.md explains it): the folders of host/ and suites/, lowest first, and which folders
# each may include besides itself. A folder may only name folders listed before it, so the graph has no cycle.
# Read by cmake/check_include_rule.cmake, which the test layout/include_rule runs.
set(TFB_FOLDERS base model device results run suites report compare fleet history cli native)

set(TFB_MAY_INCLUDE_base "")
set(TFB_MAY_INCLUDE_model base)
set(TFB_MAY_INCLUDE_device base)
set(TFB_MAY_INCLUDE_results base device)
set(TFB_MAY_INCLUDE_run base model device results)
set(TFB_MAY_INCLUDE_suites base model device results run)
set(TFB_MAY_INCLUDE_report base model device results)
set(TFB_MAY_INCLUDE_compare base results)
set(TFB_MAY_INCLUDE_fleet base device results report compare)
set(TFB_MAY_INCLUDE_history base results report)
set(TFB_MAY_INCLUDE_cli base model device results run suites report compare fleet history)
set(TFB_MAY_INCLUDE_native base device results run)

# The public headers stay flat in include/tfbench/ (one include path for every user); each belongs to one folder,
# the one that implements it. A new header must be listed here.
set(TFB_HEADERS_base error.h checked.h stats.h random.h half.h verify.h reference.h roofline_fit.h sizing.h
    file_io.h parse.h process.h sampling.h kv_dtype.h)
set(TFB_HEADERS_model model.h)
set(TFB_HEADERS_device device.h context.h kernels.h launch.h host.h datasheet.h fill.h)
set(TFB_HEADERS_results results.h results_read.h results_schema.h native.h)
set(TFB_HEADERS_run suite.h options.h workload.h session.h)
set(TFB_HEADERS_suites attention.h gemm.h read_probe.h registry.h)
set(TFB_HEADERS_report report.h report_data.h report_columns.h)
set(TFB_HEADERS_compare compare.h)
set(TFB_HEADERS_fleet fleet.h)
set(TFB_HEADERS_history history.h)
set(TFB_HEADERS_cli tfbench.h options_parse.h)
set(TFB_HEADERS_native "")
