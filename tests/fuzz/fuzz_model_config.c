/* libFuzzer target: a model config (`tfbench model --config`, `--config` of a run) must parse into a valid config
   or an error message; a valid one must go through the analytical model without a crash or undefined behaviour.
   Built with -DTFB_FUZZ=ON (clang). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);  /* the parser reads a NUL-terminated file */
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    tfb_model_config config;
    tfb_error err;
    if (tfb_model_parse_json(text, &config, &err) == TFB_OK) {
        tfb_model_device device = {.bandwidth_gbps = 3350, .peak_gflops = 990000, .memory_bytes = 80e9};
        tfb_model_decode decode;
        for (int mode = 0; mode < 2; mode++)
            tfb_model_analyze_decode(&config, (tfb_model_mode)mode, 4096, 8, TFB_MODEL_FP16, &device, &decode);
    } else if (!memchr(err.message, '\0', sizeof err.message) || !err.message[0]) {
        __builtin_trap();
    }
    free(text);
    return 0;
}
