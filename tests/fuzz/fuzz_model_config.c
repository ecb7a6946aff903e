/* libFuzzer target: a model config (`tfbench model --config`, `--config` of a run) must parse into a valid config
 * or an error message; a valid one must go through the analytical model without a crash or undefined behaviour. */
#include "fuzz_input.h"
#include "tfbench/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What `tfbench model --config` and the layer suite's --config compute, at a few workloads the config allows. The
 * exact decode analysis scans up to a million batches for the ridge when the KV cache keeps the intensity below it
 * (a tenth of a second, ten under the sanitizers), so it runs once an input, at the default workload, and against
 * an H100's ridge only for one input in eight: the others get a ridge of 1 FLOP/byte, which batch 1 reaches. */
static void analyze(const tfb_model_config *config, size_t input_size)
{
    static const uint64_t WORKLOADS[][2] = {{4096, 8}, {1, 1}, {1u << 20, 1024}};  /* seq, batch */
    static const tfb_model_device H100 = {.bandwidth_gbps = 3350, .peak_gflops = 990000, .memory_bytes = 80e9},
                                  LOW_RIDGE = {.bandwidth_gbps = 3350, .peak_gflops = 3350, .memory_bytes = 80e9};
    const tfb_model_device *device = input_size % 8 == 0 ? &H100 : &LOW_RIDGE;
    for (size_t w = 0; w < sizeof WORKLOADS / sizeof *WORKLOADS; w++) {
        uint64_t seq = WORKLOADS[w][0], batch = WORKLOADS[w][1];
        tfb_error err = {{0}};
        if (tfb_model_check_workload(config, seq, batch, &err) != TFB_OK) {
            FUZZ_REQUIRE_MESSAGE(err);
            continue;
        }
        for (int mode = TFB_MODEL_EXACT; mode <= TFB_MODEL_LECTURE; mode++) {
            tfb_model_params params;
            tfb_model_flops flops;
            tfb_model_decode decode;
            tfb_model_layer layer;
            tfb_model_count_params(config, (tfb_model_mode)mode, &params);
            tfb_model_count_flops(config, (tfb_model_mode)mode, seq, &flops);
            (void)tfb_model_attention_fraction(&flops);
            if (mode == TFB_MODEL_LECTURE || w == 0)
                tfb_model_analyze_decode_kv(config, (tfb_model_mode)mode, seq, batch, TFB_MODEL_FP16, TFB_MODEL_FP32,
                                            device, &decode);
            tfb_model_layer_decode(config, (tfb_model_mode)mode, seq, batch, TFB_MODEL_FP16, TFB_MODEL_FP32, &layer);
            tfb_model_layer_prefill(config, (tfb_model_mode)mode, seq, TFB_MODEL_FP16, TFB_MODEL_FP32, &layer);
        }
    }
    (void)tfb_model_crossover_context(config, TFB_MODEL_EXACT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);  /* the parser reads a NUL-terminated file, as tfb_read_file leaves it */
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    tfb_model_config config;
    tfb_error err = {{0}};
    if (tfb_model_parse_json(text, &config, &err) == TFB_OK) {
        analyze(&config, size);
    } else {
        FUZZ_REQUIRE_MESSAGE(err);
    }
    free(text);
    return 0;
}
