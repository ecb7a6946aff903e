#include <stdio.h>
#include "cli.h"

int tfb_cmd_model(int argc, char **argv)
{
    fprintf(stderr, "tfbench: model: not implemented yet\n");
    return 2;
}
