/* libFuzzer target: a fleet file (`tfbench compare FLEET.json`) is untrusted input: any bytes must become a fleet
 * (then compared, reported as text and HTML) or an error message, never a crash, leak or undefined behaviour. */
#include "fuzz_fleet_common.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *fleet = NULL;
    tfb_error err = {{0}};
    int rc = tfb_fleet_parse((const char *)data, size, &fleet, &err);
    if (rc == TFB_OK) fuzz_read_fleet(fleet);
    else if (rc == TFB_ERROR) FUZZ_REQUIRE_MESSAGE(err);
    cJSON_Delete(fleet);
    return 0;
}
