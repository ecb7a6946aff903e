#include <stdio.h>
#include "cli.h"

int tfb_cli_usage_error(const char *command, const char *usage, int code, const char *fmt, const char *detail)
{
    fprintf(stderr, "tfbench: %s: ", command);
    fprintf(stderr, fmt, detail);
    fprintf(stderr, "\n%s", usage);
    return code;
}
