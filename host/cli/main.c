#include <string.h>
#include "cli.h"
#include "tfbench/session.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "model") == 0) return tfb_cmd_model(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "compare") == 0) return tfb_cmd_compare(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "report") == 0) return tfb_cmd_report(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "history") == 0) return tfb_cmd_history(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "fleet-report") == 0) return tfb_cmd_fleet_report(argc - 1, argv + 1);
    if (argc > 2 && strcmp(argv[1], TFB_WORKER_FLAG) == 0) return tfb_cmd_run_worker(argc - 2, argv + 2);
    if (tfb_cli_is_fleet(argc, argv)) return tfb_cmd_fleet(argc, argv);
    return tfb_cmd_run(argc, argv);
}
