/* The CLI's side of tfb_options: defaults, argv parsing and the usage text (host/cli/options.c). */
#ifndef TFBENCH_OPTIONS_PARSE_H
#define TFBENCH_OPTIONS_PARSE_H

#include <stdio.h>
#include "tfbench/error.h"
#include "tfbench/options.h"

void tfb_options_defaults(tfb_options *opt);
/* Parses argv[1..]; unknown flags, missing values and malformed numbers are errors. */
int tfb_options_parse(int argc, char **argv, tfb_options *opt, tfb_error *err);
void tfb_options_usage(FILE *out);
/* Whether a flag of tfbench's run takes a value ("--suite": yes, "--quick": no). */
int tfb_options_takes_value(const char *flag);

#endif
