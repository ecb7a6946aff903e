/* The suites of tfbench (suites/registry.c), for the command line to hand to the run (tfbench/session.h). */
#ifndef TFBENCH_REGISTRY_H
#define TFBENCH_REGISTRY_H

#include "tfbench/session.h"

const tfb_catalog *tfb_suites_catalog(void);

#endif
