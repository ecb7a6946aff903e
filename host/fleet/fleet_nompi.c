/* tfbench built without MPI (no libopenmpi-dev at configure time): --fleet says so instead of running alone. */
#include <stdio.h>
#include "tfbench/fleet.h"

int tfb_fleet_mpi_main(int argc, char **argv, const tfb_fleet_args *args)
{
    fputs("tfbench: --fleet needs MPI, and this tfbench was built without it: install Open MPI "
          "(apt-get install libopenmpi-dev openmpi-bin) and configure again\n", stderr);
    return 2;
}
