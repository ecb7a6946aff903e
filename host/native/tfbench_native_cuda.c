/* tfbench-native-cuda: what a CUDA programmer would measure on an NVIDIA GPU instead of OpenCL, in tfbench-native's
 * JSON layout so `tfbench --native FILE` puts it on the same chart: a device-to-device copy (cudaMemcpyAsync), a
 * read sum and a triad (our kernels, cuda_kernels.cu) at the stream suite's sizes; cuBLAS SGEMV and SGEMM at the
 * gemv/gemm suites' shapes; and tensor-core GEMMs (cublasGemmEx, fp16 and bf16 inputs, fp32 accumulation) across the
 * same batches. Every case is checked against a float64 reference on the host before it is timed; timing is CUDA
 * events around back-to-back executions, warm-ups excluded, under tfbench's own sampling and stopping rule
 * (tfb_repeat_measure). Without a usable CUDA device it says so and exits 0 with an empty list. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include "cuda_kernels.h"
#include "native_common.h"
#include "tfbench/half.h"
#include "tfbench/launch.h"
#include "tfbench/suite.h"
#include "tfbench/verify.h"

#ifndef TFB_CUDA_ARCHITECTURES
#define TFB_CUDA_ARCHITECTURES "unknown"
#endif
#define MAX_SETS 64
#define SAMPLE_STRIDE 4093     /* stream checks: every 4093rd element (and the last) */
#define READ_SAMPLES 256       /* read sum: partials checked, spread over the array */
#define TRIAD_SCALAR 3.0f

typedef struct cuda_run {
    const native_options *opt;
    tfb_results *results;
    tfb_sizing sizing;
    tfb_timing_policy policy;
    cudaStream_t stream;
    cudaEvent_t start, stop;
    cublasHandle_t blas;
} cuda_run;

static int cuda_fail(tfb_error *err, const char *call, cudaError_t status)
{
    return tfb_fail(err, "%s failed: %s (%s)", call, cudaGetErrorName(status), cudaGetErrorString(status));
}

static int blas_fail(tfb_error *err, const char *call, cublasStatus_t status)
{
    return tfb_fail(err, "%s failed: %s (%s)", call, cublasGetStatusName(status), cublasGetStatusString(status));
}

#define CUDA_CHECK(err, call, expr)                                              \
    do {                                                                         \
        cudaError_t status_ = (expr);                                            \
        if (status_ != cudaSuccess) return cuda_fail((err), (call), status_);   \
    } while (0)
#define BLAS_CHECK(err, call, expr)                                              \
    do {                                                                         \
        cublasStatus_t status_ = (expr);                                         \
        if (status_ != CUBLAS_STATUS_SUCCESS) return blas_fail((err), (call), status_); \
    } while (0)

static void usage(FILE *out)
{
    fputs("usage: tfbench-native-cuda [--json FILE] [--quick] [--stream-only] [--shape MxNxK] [--batch 1,8,...]\n"
          "  On CUDA device 0 (CUDA_VISIBLE_DEVICES picks another): device-to-device copy, read sum and triad at the\n"
          "  stream suite's sizes; cuBLAS SGEMV/SGEMM at the gemv/gemm shapes (Llama 2 7B, 2048^3); cublasGemmEx\n"
          "  with fp16 and bf16 inputs and fp32 accumulation across the same batches (and 8192^3), in tfbench's\n"
          "  JSON layout. Without a CUDA device: \"no CUDA device\", an empty list, exit 0.\n",
          out);
}

/* ---- timing: CUDA events around `executions` back-to-back executions, sampled by tfb_repeat_measure ---- */

typedef int (*cuda_exec_fn)(cuda_run *run, void *user, size_t index, tfb_error *err);

typedef struct cuda_timer {
    cuda_run *run;
    cuda_exec_fn exec;
    void *user;
} cuda_timer;

static int measure_events(void *user, size_t first, unsigned long executions, double *seconds, tfb_error *err)
{
    cuda_timer *t = user;
    float ms = 0.0f;
    CUDA_CHECK(err, "cudaEventRecord", cudaEventRecord(t->run->start, t->run->stream));
    for (unsigned long e = 0; e < executions; e++)
        if (t->exec(t->run, t->user, first + e, err) != TFB_OK) return TFB_ERROR;
    CUDA_CHECK(err, "cudaEventRecord", cudaEventRecord(t->run->stop, t->run->stream));
    CUDA_CHECK(err, "cudaEventSynchronize", cudaEventSynchronize(t->run->stop));
    CUDA_CHECK(err, "cudaEventElapsedTime", cudaEventElapsedTime(&ms, t->run->start, t->run->stop));
    *seconds = 1e-3 * (double)ms;
    return TFB_OK;
}

/* Times `exec` into r (statistics and samples) and derives its rates. */
static int time_case(cuda_run *run, cuda_exec_fn exec, void *user, tfb_result *r, tfb_error *err)
{
    cuda_timer timer = {run, exec, user};
    tfb_sample_record record = {NULL, 0};
    tfb_timing_policy policy = run->policy;
    policy.record = &record;
    int rc = tfb_repeat_measure(measure_events, &timer, &policy, &r->time, err);
    if (rc == TFB_OK) {
        r->samples = record.values;
        r->sample_count = record.count;
        tfb_result_derive(r);
    } else {
        free(record.values);
    }
    return rc;
}

/* One execution and a wait: the run the checks look at. */
static int run_once(cuda_run *run, cuda_exec_fn exec, void *user, tfb_error *err)
{
    if (exec(run, user, 0, err) != TFB_OK) return TFB_ERROR;
    CUDA_CHECK(err, "cudaStreamSynchronize", cudaStreamSynchronize(run->stream));
    return TFB_OK;
}

/* A failed case keeps its name with the reason; the run goes on. */
static int record_failure(tfb_result *r, int rc, const tfb_error *err)
{
    if (rc == TFB_OK) return 0;
    r->verified = 0;
    snprintf(r->skipped, sizeof r->skipped, "FAILED: %.180s", err->message);
    fprintf(stderr, "%s: %s\n", r->name, err->message);
    return 1;
}

static void report(const tfb_result *r)
{
    fprintf(stderr, "%s: %.4g ms, %.1f GFLOP/s, %.1f GB/s%s\n", r->name, r->time.median * 1e3, r->gflops,
            r->gbytes_per_second, r->verified == 1 ? "" : " (not verified)");
}

/* ---- stream: copy, read sum, triad ---- */

enum { CUDA_COPY, CUDA_READ, CUDA_TRIAD };
static const char *const STREAM_SHAPES[] = {"copy", "read-float4", "triad-float4"};

typedef struct stream_case {
    int kind;
    size_t count;             /* floats per array */
    float *a, *b, *c;         /* copy: a -> b; read: a -> partial; triad: a = b + 3 c */
    float *partial;
} stream_case;

static int stream_exec(cuda_run *run, void *user, size_t index, tfb_error *err)
{
    stream_case *s = user;
    if (s->kind == CUDA_COPY)
        CUDA_CHECK(err, "cudaMemcpyAsync",
                   cudaMemcpyAsync(s->b, s->a, s->count * sizeof(float), cudaMemcpyDeviceToDevice, run->stream));
    else if (s->kind == CUDA_READ)
        CUDA_CHECK(err, "the read_sum kernel", tfb_cuda_read_sum(s->a, s->partial, s->count, run->stream));
    else
        CUDA_CHECK(err, "the triad kernel", tfb_cuda_triad(s->a, s->b, s->c, TRIAD_SCALAR, s->count, run->stream));
    return TFB_OK;
}

/* Floats per array: the run's out-of-cache size over the kind's arrays (as the stream suite sizes them), a whole
 * number of read blocks. */
static size_t stream_floats(const cuda_run *run, int kind)
{
    const size_t granule = (size_t)TFB_CUDA_READ_THREADS * TFB_CUDA_ITEM_FLOATS;
    size_t arrays = kind == CUDA_COPY ? 2 : kind == CUDA_READ ? 1 : 3;
    size_t floats = (size_t)(run->sizing.target_bytes / arrays / sizeof(float)) / granule * granule;
    return floats ? floats : granule;
}

static void stream_free(stream_case *s)
{
    cudaFree(s->a);
    cudaFree(s->b);
    cudaFree(s->c);
    cudaFree(s->partial);
}

/* Inputs random (the read's on a grid, so its partial sums are exact), outputs poisoned with NaN. */
static int stream_alloc(cuda_run *run, stream_case *s, tfb_error *err)
{
    size_t bytes = s->count * sizeof(float), partials = s->count / TFB_CUDA_ITEM_FLOATS;
    CUDA_CHECK(err, "cudaMalloc", cudaMalloc((void **)&s->a, bytes));
    if (s->kind == CUDA_READ) {
        CUDA_CHECK(err, "cudaMalloc", cudaMalloc((void **)&s->partial, partials * sizeof(float)));
        CUDA_CHECK(err, "the fill kernel", tfb_cuda_fill_grid(s->a, s->count, 71, run->stream));
        CUDA_CHECK(err, "cudaMemsetAsync", cudaMemsetAsync(s->partial, 0xff, partials * sizeof(float), run->stream));
        return TFB_OK;
    }
    CUDA_CHECK(err, "cudaMalloc", cudaMalloc((void **)&s->b, bytes));
    if (s->kind == CUDA_TRIAD) CUDA_CHECK(err, "cudaMalloc", cudaMalloc((void **)&s->c, bytes));
    float *in1 = s->kind == CUDA_COPY ? s->a : s->b, *out = s->kind == CUDA_COPY ? s->b : s->a;
    CUDA_CHECK(err, "the fill kernel", tfb_cuda_fill(in1, TFB_CUDA_FP32, s->count, 72, 0.5f, 1.5f, run->stream));
    if (s->kind == CUDA_TRIAD)
        CUDA_CHECK(err, "the fill kernel", tfb_cuda_fill(s->c, TFB_CUDA_FP32, s->count, 73, 0.5f, 1.5f, run->stream));
    CUDA_CHECK(err, "cudaMemsetAsync", cudaMemsetAsync(out, 0xff, bytes, run->stream));
    CUDA_CHECK(err, "cudaStreamSynchronize", cudaStreamSynchronize(run->stream));
    return TFB_OK;
}

/* Every SAMPLE_STRIDE-th float of a device array into host (a strided 2D copy: one call). */
static int gather(const float *device, size_t count, float *host, tfb_error *err)
{
    size_t rows = (count + SAMPLE_STRIDE - 1) / SAMPLE_STRIDE;
    CUDA_CHECK(err, "cudaMemcpy2D",
               cudaMemcpy2D(host, sizeof(float), device, SAMPLE_STRIDE * sizeof(float), sizeof(float), rows,
                            cudaMemcpyDeviceToHost));
    CUDA_CHECK(err, "cudaMemcpy",
               cudaMemcpy(host + rows, device + count - 1, sizeof(float), cudaMemcpyDeviceToHost));
    return TFB_OK;
}

/* Copy and triad: sampled outputs against the inputs read back (copy exact; triad within two roundings). */
static int check_elementwise(const stream_case *s, double *worst, tfb_error *err)
{
    size_t n = (s->count + SAMPLE_STRIDE - 1) / SAMPLE_STRIDE + 1;
    float *host = malloc(3 * n * sizeof *host);
    double *want = malloc(n * sizeof *want);
    int rc = host && want ? TFB_OK : tfb_fail(err, "out of memory for the check");
    const float *out = s->kind == CUDA_COPY ? s->b : s->a, *in1 = s->kind == CUDA_COPY ? s->a : s->b;
    if (rc == TFB_OK) rc = gather(out, s->count, host, err);
    if (rc == TFB_OK) rc = gather(in1, s->count, host + n, err);
    if (rc == TFB_OK && s->kind == CUDA_TRIAD) rc = gather(s->c, s->count, host + 2 * n, err);
    for (size_t i = 0; rc == TFB_OK && i < n; i++)
        want[i] = (double)host[n + i] + (s->kind == CUDA_TRIAD ? TRIAD_SCALAR * (double)host[2 * n + i] : 0.0);
    if (rc == TFB_OK)
        rc = tfb_check_f32(s->kind == CUDA_COPY ? "copy output (sampled)" : "triad output (sampled)", host, want, n,
                           0.0, s->kind == CUDA_COPY ? 0.0 : 2.0 * 5.97e-8, worst, err);
    free(host);
    free(want);
    return rc;
}

/* One thread's partial against the exact float64 sum of the floats it read (its float4s lie a block's width apart). */
static int expected_partial(const stream_case *s, size_t thread, double *want, tfb_error *err)
{
    const size_t threads = TFB_CUDA_READ_THREADS, vectors = TFB_CUDA_ITEM_FLOATS / 4;
    size_t block = thread / threads, lane = thread % threads;
    float values[TFB_CUDA_ITEM_FLOATS];
    const float *first = s->a + 4 * (block * vectors * threads + lane);
    CUDA_CHECK(err, "cudaMemcpy2D",
               cudaMemcpy2D(values, 4 * sizeof(float), first, 4 * threads * sizeof(float), 4 * sizeof(float), vectors,
                            cudaMemcpyDeviceToHost));
    *want = 0.0;
    for (size_t i = 0; i < TFB_CUDA_ITEM_FLOATS; i++) *want += values[i];
    return TFB_OK;
}

/* Grid-valued inputs make every partial exact in fp32: equality, at READ_SAMPLES threads spread over the array. */
static int check_read(const stream_case *s, double *worst, tfb_error *err)
{
    size_t threads = s->count / TFB_CUDA_ITEM_FLOATS, step = threads / READ_SAMPLES ? threads / READ_SAMPLES : 1;
    float got[READ_SAMPLES + 1];
    double want[READ_SAMPLES + 1];
    size_t n = 0;
    for (size_t t = 0; n < READ_SAMPLES && t < threads; t += step, n++) {
        size_t thread = n + 1 == READ_SAMPLES ? threads - 1 : t;
        CUDA_CHECK(err, "cudaMemcpy", cudaMemcpy(&got[n], s->partial + thread, sizeof(float), cudaMemcpyDeviceToHost));
        if (expected_partial(s, thread, &want[n], err) != TFB_OK) return TFB_ERROR;
    }
    return tfb_check_f32("read partial sums (sampled threads)", got, want, n, 0.0, 0.0, worst, err);
}

static void stream_annotate(cuda_run *run, const stream_case *s, tfb_result *r)
{
    size_t arrays = s->kind == CUDA_COPY ? 2 : s->kind == CUDA_READ ? 1 : 3;
    double floats = (double)s->count, written = s->kind == CUDA_READ ? floats / TFB_CUDA_ITEM_FLOATS : floats;
    r->flops = s->kind == CUDA_COPY ? 0.0 : s->kind == CUDA_READ ? floats : 2.0 * floats;
    r->bytes = ((double)(s->kind == CUDA_READ ? 1 : arrays - 1) * floats + written) * sizeof(float);
    r->bytes_written = written * sizeof(float);
    r->working_set_bytes = (unsigned long long)(arrays * s->count * sizeof(float));
    r->cache_resident = !tfb_sizing_out_of_cache(&run->sizing, r->working_set_bytes);
    r->extra = cJSON_CreateObject();
    cJSON_AddNumberToObject(r->extra, "array_bytes", floats * sizeof(float));
    cJSON_AddStringToObject(r->extra, "timing", "cuda events");
    cJSON_AddStringToObject(r->extra, "method", s->kind == CUDA_COPY ? "cudaMemcpyAsync device to device"
                                                                     : "tfbench-native-cuda kernel, float4 loads");
}

static int run_stream_kind(cuda_run *run, int kind, tfb_error *err)
{
    char name[64];
    snprintf(name, sizeof name, "native/cuda/stream/%s", STREAM_SHAPES[kind]);
    tfb_result *r = native_add_result(run->results, name, "stream", "cuda", STREAM_SHAPES[kind], "native/cuda/stream");
    if (!r) return tfb_fail(err, "out of memory");
    stream_case s = {kind, stream_floats(run, kind), NULL, NULL, NULL, NULL};
    stream_annotate(run, &s, r);
    int rc = stream_alloc(run, &s, err);
    if (rc == TFB_OK) rc = run_once(run, stream_exec, &s, err);
    if (rc == TFB_OK) rc = kind == CUDA_READ ? check_read(&s, &r->max_error, err)
                                             : check_elementwise(&s, &r->max_error, err);
    r->verified = rc == TFB_OK;
    if (rc == TFB_OK) rc = time_case(run, stream_exec, &s, r, err);
    stream_free(&s);
    if (record_failure(r, rc, err)) return TFB_ERROR;
    tfb_ceilings_offer_bandwidth(&run->results->ceilings, kind == CUDA_READ, r->gbytes_per_second, r->name);
    report(r);
    return TFB_OK;
}

/* ---- cuBLAS: C[M x N] = A[M x K] W^T, W [N x K] row-major, as in tfbench (column-major: C^T = W A^T) ---- */

typedef struct blas_case {
    size_t m, n, k, sets;
    int dtype;                /* TFB_CUDA_FP32 (SGEMV, SGEMM) or FP16/BF16 (cublasGemmEx, fp32 accumulate) */
    void *a, *w[MAX_SETS];
    float *c;
} blas_case;

static const char *const DTYPE_NAMES[] = {"fp32", "fp16", "bf16"};

static size_t element_bytes(int dtype)
{
    return dtype == TFB_CUDA_FP32 ? 4 : 2;
}

static cudaDataType_t cuda_type(int dtype)
{
    return dtype == TFB_CUDA_FP16 ? CUDA_R_16F : dtype == TFB_CUDA_BF16 ? CUDA_R_16BF : CUDA_R_32F;
}

static int blas_exec(cuda_run *run, void *user, size_t index, tfb_error *err)
{
    blas_case *b = user;
    const float one = 1.0f, zero = 0.0f;
    const void *w = b->w[index % b->sets];
    int m = (int)b->m, n = (int)b->n, k = (int)b->k;
    if (b->dtype == TFB_CUDA_FP32 && b->m == 1)
        BLAS_CHECK(err, "cublasSgemv", cublasSgemv(run->blas, CUBLAS_OP_T, k, n, &one, w, k, b->a, 1, &zero, b->c, 1));
    else if (b->dtype == TFB_CUDA_FP32)
        BLAS_CHECK(err, "cublasSgemm",
                   cublasSgemm(run->blas, CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, &one, w, k, b->a, k, &zero, b->c, n));
    else
        BLAS_CHECK(err, "cublasGemmEx",
                   cublasGemmEx(run->blas, CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, &one, w, cuda_type(b->dtype), k, b->a,
                                cuda_type(b->dtype), k, &zero, b->c, CUDA_R_32F, n, CUBLAS_COMPUTE_32F,
                                CUBLAS_GEMM_DEFAULT));
    return TFB_OK;
}

static void blas_free(blas_case *b)
{
    cudaFree(b->a);
    cudaFree(b->c);
    for (size_t s = 0; s < b->sets; s++) cudaFree(b->w[s]);
}

/* Activations in [0.5, 1.5), weights in [-1.5, -0.5) (never zero, every product one sign), C poisoned; up to M = 64
 * the timed calls rotate over enough weight sets to leave the cache, as the gemv/gemm suites do. */
static int blas_alloc(cuda_run *run, blas_case *b, tfb_error *err)
{
    size_t size = element_bytes(b->dtype), matrix = b->n * b->k * size;
    size_t sets = b->m <= 64 ? (size_t)((run->sizing.target_bytes + matrix - 1) / matrix) : 1;
    CUDA_CHECK(err, "cudaMalloc", cudaMalloc(&b->a, b->m * b->k * size));
    CUDA_CHECK(err, "cudaMalloc", cudaMalloc((void **)&b->c, b->m * b->n * sizeof(float)));
    CUDA_CHECK(err, "the fill kernel", tfb_cuda_fill(b->a, b->dtype, b->m * b->k, 5, 0.5f, 1.5f, run->stream));
    CUDA_CHECK(err, "cudaMemsetAsync", cudaMemsetAsync(b->c, 0xff, b->m * b->n * sizeof(float), run->stream));
    for (sets = sets < 1 ? 1 : sets > MAX_SETS ? MAX_SETS : sets; b->sets < sets; b->sets++) {
        CUDA_CHECK(err, "cudaMalloc", cudaMalloc(&b->w[b->sets], matrix));
        CUDA_CHECK(err, "the fill kernel", tfb_cuda_fill(b->w[b->sets], b->dtype, b->n * b->k, 100 + (uint32_t)b->sets,
                                                         -1.5f, -0.5f, run->stream));
    }
    CUDA_CHECK(err, "cudaStreamSynchronize", cudaStreamSynchronize(run->stream));
    return TFB_OK;
}

/* Row `row` of a device matrix of `cols` elements of dtype into doubles (the values the device really holds). */
static int read_row(const void *matrix, int dtype, size_t row, size_t cols, double *out, tfb_error *err)
{
    size_t size = element_bytes(dtype);
    unsigned char *raw = malloc(cols * size);
    if (!raw) return tfb_fail(err, "out of memory for the reference");
    cudaError_t status = cudaMemcpy(raw, (const unsigned char *)matrix + row * cols * size, cols * size,
                                    cudaMemcpyDeviceToHost);
    for (size_t i = 0; status == cudaSuccess && i < cols; i++) {
        uint16_t bits;
        float value;
        if (dtype != TFB_CUDA_FP32) memcpy(&bits, raw + 2 * i, 2);
        if (dtype == TFB_CUDA_FP32) memcpy(&value, raw + 4 * i, 4), out[i] = value;
        else if (dtype == TFB_CUDA_FP16) out[i] = tfb_half_to_double(bits);
        else {
            uint32_t wide = (uint32_t)bits << 16;  /* bf16 is the top half of an fp32 */
            memcpy(&value, &wide, 4);
            out[i] = value;
        }
    }
    free(raw);
    return status == cudaSuccess ? TFB_OK : cuda_fail(err, "cudaMemcpy", status);
}

/* Up to 8 rows and 16 columns of C, both ends included, spread evenly. */
static size_t pick(size_t extent, size_t most, size_t *out)
{
    size_t count = extent < most ? extent : most;
    for (size_t i = 0; i < count; i++) out[i] = count > 1 ? i * (extent - 1) / (count - 1) : 0;
    return count;
}

/* fp32: tfbench's dot-product tolerance. Tensor cores: the inputs are exact (the rounded values are read back), but
 * the order and internal precision of their fp32 accumulation are not specified: 1e-3 of sum |a w|. */
static double blas_tolerance(const blas_case *b)
{
    return b->dtype == TFB_CUDA_FP32 ? tfb_dot_tolerance_f32(b->k) : 1e-3;
}

static int blas_reference(const blas_case *b, const size_t *rows, size_t nr, const size_t *cols, size_t nc,
                          double *want, tfb_error *err)
{
    double *a = malloc(nr * b->k * sizeof *a), *w = malloc(b->k * sizeof *w);
    int rc = a && w ? TFB_OK : tfb_fail(err, "out of memory for the reference");
    for (size_t r = 0; rc == TFB_OK && r < nr; r++) rc = read_row(b->a, b->dtype, rows[r], b->k, a + r * b->k, err);
    for (size_t c = 0; rc == TFB_OK && c < nc; c++) {
        rc = read_row(b->w[0], b->dtype, cols[c], b->k, w, err);
        for (size_t r = 0; rc == TFB_OK && r < nr; r++) {
            double sum = 0.0;
            for (size_t i = 0; i < b->k; i++) sum += a[r * b->k + i] * w[i];
            want[r * nc + c] = sum;
        }
    }
    free(a);
    free(w);
    return rc;
}

/* The output of the checked run (weight set 0), sampled rows x columns, against the float64 reference of the
 * inputs the device holds. */
static int blas_check(const blas_case *b, double *worst, tfb_error *err)
{
    size_t rows[8], cols[16], nr = pick(b->m, 8, rows), nc = pick(b->n, 16, cols);
    float got[8 * 16];
    double want[8 * 16];
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++)
            CUDA_CHECK(err, "cudaMemcpy", cudaMemcpy(&got[r * nc + c], b->c + rows[r] * b->n + cols[c], sizeof(float),
                                                     cudaMemcpyDeviceToHost));
    if (blas_reference(b, rows, nr, cols, nc, want, err) != TFB_OK) return TFB_ERROR;
    return tfb_check_f32("C (sampled rows x columns)", got, want, nr * nc, 0.0, blas_tolerance(b), worst, err);
}

static void blas_annotate(cuda_run *run, const blas_case *b, tfb_result *r)
{
    double size = (double)element_bytes(b->dtype);
    r->flops = 2.0 * (double)b->m * (double)b->n * (double)b->k;
    r->bytes = size * ((double)b->n * b->k + (double)b->m * b->k) + 4.0 * (double)b->m * b->n;
    r->bytes_written = 4.0 * (double)b->m * b->n;
    r->working_set_bytes = (unsigned long long)(size * ((double)b->sets * b->n * b->k + (double)b->m * b->k) +
                                                4.0 * (double)b->m * b->n);
    r->cache_resident = !tfb_sizing_out_of_cache(&run->sizing, r->working_set_bytes);
    r->extra = cJSON_CreateObject();
    cJSON_AddNumberToObject(r->extra, "weight_sets", (double)b->sets);
    cJSON_AddStringToObject(r->extra, "timing", "cuda events");
    cJSON_AddStringToObject(r->extra, "inputs", DTYPE_NAMES[b->dtype]);
    cJSON_AddStringToObject(r->extra, "accumulate", "fp32");
    const char *method = b->dtype != TFB_CUDA_FP32 ? "cublasGemmEx, CUBLAS_COMPUTE_32F (tensor cores)"
                         : b->m == 1                ? "cublasSgemv"
                                                    : "cublasSgemm";
    cJSON_AddStringToObject(r->extra, "method", method);
}

static int run_blas(cuda_run *run, size_t m, size_t n, size_t k, int dtype, tfb_error *err)
{
    const char *impl = "cublas";
    tfb_result *r = native_add_gemm_result(run->results, impl, DTYPE_NAMES[dtype], m, n, k);
    if (!r) return tfb_fail(err, "out of memory");
    blas_case b = {m, n, k, 0, dtype, NULL, {NULL}, NULL};
    int rc = blas_alloc(run, &b, err);
    blas_annotate(run, &b, r);
    if (rc == TFB_OK) rc = run_once(run, blas_exec, &b, err);
    if (rc == TFB_OK) rc = blas_check(&b, &r->max_error, err);
    r->verified = rc == TFB_OK;
    if (rc == TFB_OK) rc = time_case(run, blas_exec, &b, r, err);
    blas_free(&b);
    if (record_failure(r, rc, err)) return TFB_ERROR;
    report(r);
    return TFB_OK;
}

/* SGEMV on the weight shapes; SGEMM and both tensor-core precisions over the batch sweep and 2048^3; 8192^3 in
 * both precisions as the tensor cores' own ceiling (default run only). */
static int run_all(cuda_run *run, tfb_error *err)
{
    int failures = 0;
    for (int kind = CUDA_COPY; kind <= CUDA_TRIAD; kind++) failures += run_stream_kind(run, kind, err) != TFB_OK;
    if (run->opt->stream_only) return failures;
    native_shapes shapes;
    native_shapes_for(run->opt, &shapes);
    for (size_t i = 0; i < shapes.gemv_count; i++)
        failures += run_blas(run, 1, shapes.gemv[i][0], shapes.gemv[i][1], TFB_CUDA_FP32, err) != TFB_OK;
    for (int dtype = TFB_CUDA_FP32; dtype <= TFB_CUDA_BF16; dtype++) {
        for (size_t i = 0; i < shapes.batch_count; i++)
            failures += run_blas(run, shapes.batches[i], shapes.n, shapes.k, dtype, err) != TFB_OK;
        if (shapes.square) failures += run_blas(run, 2048, 2048, 2048, dtype, err) != TFB_OK;
        if (shapes.square && dtype != TFB_CUDA_FP32) failures += run_blas(run, 8192, 8192, 8192, dtype, err) != TFB_OK;
    }
    return failures;
}

/* ---- the device ---- */

static void describe_versions(tfb_results *results, const cuda_run *run, const struct cudaDeviceProp *prop)
{
    int runtime = 0, driver = 0, blas = 0;
    cudaRuntimeGetVersion(&runtime);
    cudaDriverGetVersion(&driver);
    cublasGetVersion(run->blas, &blas);
    tfb_device_info *d = &results->device;
    snprintf(d->platform, sizeof d->platform, "native (CUDA runtime %d.%d, cuBLAS %d)", runtime / 1000,
             runtime % 1000 / 10, blas);
    snprintf(d->version, sizeof d->version, "compute capability %d.%d", prop->major, prop->minor);
    snprintf(d->driver, sizeof d->driver, "CUDA driver %d.%d", driver / 1000, driver % 1000 / 10);
    cJSON *x = results->context_extra = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "executable_native", "tfbench-native-cuda");
    cJSON_AddNumberToObject(x, "cuda_runtime_version", runtime);
    cJSON_AddNumberToObject(x, "cuda_driver_version", driver);
    cJSON_AddNumberToObject(x, "cublas_version", blas);
    cJSON_AddStringToObject(x, "cuda_architectures_built", TFB_CUDA_ARCHITECTURES);
    const char *tf32 = getenv("NVIDIA_TF32_OVERRIDE");
    cJSON_AddStringToObject(x, "nvidia_tf32_override", tf32 ? tf32 : "");
}

static void describe_device(tfb_results *results, const cuda_run *run, const struct cudaDeviceProp *prop)
{
    tfb_device_info *d = &results->device;
    int khz = 0;
    cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, 0);
    snprintf(d->name, sizeof d->name, "%s", prop->name);
    snprintf(d->vendor, sizeof d->vendor, "NVIDIA");
    snprintf(d->type, sizeof d->type, "GPU");
    d->compute_units = (unsigned)prop->multiProcessorCount;
    d->clock_mhz = (unsigned)(khz / 1000);
    d->global_mem_bytes = prop->totalGlobalMem;
    d->max_alloc_bytes = prop->totalGlobalMem;
    d->local_mem_bytes = prop->sharedMemPerBlockOptin;
    d->global_cache_bytes = (uint64_t)prop->l2CacheSize;
    d->max_work_group_size = (size_t)prop->maxThreadsPerBlock;
    d->fp64 = d->fp16 = 1;
    d->gpu_kernels = 1;
    describe_versions(results, run, prop);
}

/* 1 with device 0 current; 0 when there is none, *why saying what CUDA answered. */
static int find_device(char *why, size_t size)
{
    int count = 0;
    cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
        snprintf(why, size, "cudaGetDeviceCount: %s, %s", cudaGetErrorName(status), cudaGetErrorString(status));
        return 0;
    }
    if (count == 0) snprintf(why, size, "cudaGetDeviceCount found 0 devices");
    return count > 0 && cudaSetDevice(0) == cudaSuccess;
}

static int open_run(cuda_run *run, tfb_error *err)
{
    CUDA_CHECK(err, "cudaStreamCreate", cudaStreamCreate(&run->stream));
    CUDA_CHECK(err, "cudaEventCreate", cudaEventCreate(&run->start));
    CUDA_CHECK(err, "cudaEventCreate", cudaEventCreate(&run->stop));
    BLAS_CHECK(err, "cublasCreate", cublasCreate(&run->blas));
    BLAS_CHECK(err, "cublasSetStream", cublasSetStream(run->blas, run->stream));
    struct cudaDeviceProp prop;
    CUDA_CHECK(err, "cudaGetDeviceProperties", cudaGetDeviceProperties(&prop, 0));
    describe_device(run->results, run, &prop);
    tfb_memory_view view = tfb_run_memory_view(&run->results->device, &run->results->host);
    tfb_sizing_decide(&view, &run->sizing);
    run->policy = tfb_timing_default(run->opt->quick);
    run->policy.sample_seconds = TFB_SAMPLE_SECONDS_GPU;
    run->policy.max_noise = TFB_MAX_NOISE_GPU;
    fprintf(stderr, "tfbench-native-cuda: %s, %d compute units, %.1f GiB, L2 %.0f MiB; %s\n", prop.name,
            prop.multiProcessorCount, (double)prop.totalGlobalMem / (1 << 30), (double)prop.l2CacheSize / (1 << 20),
            run->results->device.platform);
    return TFB_OK;
}

static void close_run(cuda_run *run)
{
    if (run->blas) cublasDestroy(run->blas);
    if (run->start) cudaEventDestroy(run->start);
    if (run->stop) cudaEventDestroy(run->stop);
    if (run->stream) cudaStreamDestroy(run->stream);
}

static int write_results(const tfb_results *results, const char *path)
{
    tfb_error err = {{0}};
    if (!path || tfb_results_write_json(results, path, &err) == TFB_OK) return 0;
    fprintf(stderr, "tfbench-native-cuda: %s\n", err.message);
    return 1;
}

int main(int argc, char **argv)
{
    native_options opt;
    tfb_error err = {{0}};
    if (native_parse_args(argc, argv, usage, &opt, &err) != TFB_OK) {
        fprintf(stderr, "tfbench-native-cuda: %s\n", err.message);
        return NATIVE_EXIT_USAGE;
    }
    if (opt.json_path && tfb_check_output_file(opt.json_path, &err) != TFB_OK) {
        fprintf(stderr, "tfbench-native-cuda: %s\n", err.message);
        return NATIVE_EXIT_USAGE;
    }
    tfb_results results;
    tfb_results_init(&results);
    tfb_host_probe(&results.host, NULL);
    char why[256] = "";
    int failures = 0;
    cuda_run run = {.opt = &opt, .results = &results};
    if (!find_device(why, sizeof why)) {
        printf("tfbench-native-cuda: no CUDA device (%s): nothing measured\n", why);
        snprintf(results.device.name, sizeof results.device.name, "no CUDA device");
        results.context_extra = cJSON_CreateObject();
        cJSON_AddStringToObject(results.context_extra, "executable_native", "tfbench-native-cuda");
        cJSON_AddStringToObject(results.context_extra, "no_cuda_device", why);
    } else if (open_run(&run, &err) != TFB_OK) {
        fprintf(stderr, "tfbench-native-cuda: %s\n", err.message);
        failures = 1;
    } else {
        failures = run_all(&run, &err);
        if (failures) fprintf(stderr, "tfbench-native-cuda: %d benchmark(s) failed\n", failures);
        tfb_results_print_table(&results, stdout);
    }
    close_run(&run);
    int write_failed = write_results(&results, opt.json_path);
    tfb_results_free(&results);
    return failures || write_failed ? 1 : 0;
}
