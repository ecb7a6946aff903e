/* tfbench public API. */
#ifndef TFBENCH_H
#define TFBENCH_H

#include "tfbench/error.h"
#include "tfbench/stats.h"
#include "tfbench/device.h"
#include "tfbench/context.h"
#include "tfbench/kernels.h"
#include "tfbench/launch.h"
#include "tfbench/host.h"
#include "tfbench/datasheet.h"
#include "tfbench/results.h"
#include "tfbench/options.h"
#include "tfbench/options_parse.h"
#include "tfbench/parse.h"
#include "tfbench/file_io.h"
#include "tfbench/suite.h"
#include "tfbench/workload.h"
#include "tfbench/random.h"
#include "tfbench/report.h"
#include "tfbench/results_read.h"
#include "tfbench/fill.h"
#include "tfbench/verify.h"
#include "tfbench/model.h"
#include "tfbench/reference.h"

#endif
