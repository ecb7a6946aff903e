#include <stdio.h>
#include "cli.h"

int tfb_cmd_compare(int argc, char **argv)
{
    fprintf(stderr, "tfbench: compare: not implemented yet\n");
    return 2;
}
