/* The report folder: results.json, results.csv, roofline.svg, report.html. */
#ifndef TFBENCH_REPORT_H
#define TFBENCH_REPORT_H

#include "tfbench/results.h"

/* Creates `dir` if needed and writes every report file into it (each atomically). */
int tfb_write_report_dir(const tfb_results *results, const char *dir, tfb_error *err);

#endif
