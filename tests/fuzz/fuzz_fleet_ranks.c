/* libFuzzer target: the rank files `fleet-report DIR` and the gather read, rank-<R>.state.json and rank-<R>.json,
 * are written by other processes (a killed one leaves them half-written): any bytes must build a fleet (every rank
 * failed, if need be) or an error message, and the fleet must then go through the statistics, compare and the
 * reports, never a crash, leak, undefined behaviour or an allocation sized by a number in a file. The input holds
 * the ranks' files separated by "--8<--" lines (fuzz_input.h): state, results, state, results, ... */
#include "fuzz_fleet_common.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_parts parts;
    if (fuzz_split(data, size, &parts)) {
        tfb_fleet_input inputs[FUZZ_MAX_PARTS / 2 + 1];
        size_t count = 0;
        for (size_t i = 0; i < parts.count; i += 2, count++)
            inputs[count] = (tfb_fleet_input){parts.text[i], parts.length[i], i + 1 < parts.count ? parts.text[i + 1] : NULL,
                                              i + 1 < parts.count ? parts.length[i + 1] : 0};
        tfb_fleet_rule rule = {TFB_FLEET_THRESHOLD, TFB_FLEET_MAD_LIMIT};
        cJSON *fleet = NULL;
        tfb_error err = {{0}};
        if (tfb_fleet_build(inputs, count, &rule, &fleet, &err) == TFB_OK) {
            fuzz_read_fleet(fleet);
            cJSON_Delete(fleet);
        } else {
            FUZZ_REQUIRE_MESSAGE(err);
        }
    }
    fuzz_parts_free(&parts);
    return 0;
}
