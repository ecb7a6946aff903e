/* Decode MHA variants timed alternately with the read kernel, one execution each per round, so a machine whose
 * bandwidth drifts (or whose other tenants come and go) affects every variant alike. A measurement tool for
 * ci/figures/issue35-kv.sh, not part of tfbench: it reads kernels/decode.cl and kernels/stream.cl with their
 * preludes, builds each variant from its build options, and prints each one's median time and its rate as a
 * fraction of the read kernel's median in the same rounds. Outputs are not checked (tfbench checks these kernels);
 * blocked variants share one buffer, each converting into it before the rounds.
 * usage: decode_ab KERNEL_DIR ROUNDS "CHUNK GROUP OPTIONS" ...   (shape b4-h32-n8192-d128; B, H, N in the env) */
#define _POSIX_C_SOURCE 200809L
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_VARIANTS 16
#define D 128
#define CHECK(call)                                                                           \
    do {                                                                                      \
        cl_int status_ = (call);                                                              \
        if (status_ != CL_SUCCESS) {                                                          \
            fprintf(stderr, "decode_ab: %s failed (%d) at line %d\n", #call, status_, __LINE__); \
            exit(1);                                                                          \
        }                                                                                     \
    } while (0)

typedef struct device {
    cl_device_id id;
    cl_context context;
    cl_command_queue queue;
} device;

static char *read_text(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "decode_ab: cannot open %s\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *text = calloc(1, (size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) exit(1);
    fclose(f);
    return text;
}

static char *joined(const char *a, const char *b, const char *c)
{
    size_t size = strlen(a) + strlen(b) + strlen(c) + 3;
    char *out = malloc(size);
    if (!out) exit(1);
    snprintf(out, size, "%s\n%s\n%s", a, b, c);
    return out;
}

static cl_program build(const device *dev, const char *source, const char *options)
{
    cl_int status;
    cl_program program = clCreateProgramWithSource(dev->context, 1, &source, NULL, &status);
    CHECK(status);
    if (clBuildProgram(program, 1, &dev->id, options, NULL, NULL) != CL_SUCCESS) {
        static char log[65536];
        clGetProgramBuildInfo(program, dev->id, CL_PROGRAM_BUILD_LOG, sizeof log, log, NULL);
        fprintf(stderr, "decode_ab: build failed (%s):\n%s\n", options, log);
        exit(1);
    }
    return program;
}

static cl_mem buffer(const device *dev, size_t bytes, void *host)
{
    cl_int status;
    cl_mem mem = clCreateBuffer(dev->context, CL_MEM_READ_WRITE | (host ? CL_MEM_COPY_HOST_PTR : 0), bytes, host,
                                &status);
    CHECK(status);
    return mem;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, by_value);
    return t[n / 2];
}

static size_t env_size(const char *name, size_t fallback)
{
    const char *text = getenv(name);
    return text ? (size_t)strtoul(text, NULL, 10) : fallback;
}

typedef struct variant {
    const char *spec;
    cl_kernel partial, combine;
    size_t global, group, splits;
    double bytes;
} variant;

int main(int argc, char **argv)
{
    if (argc < 4 || argc - 3 > MAX_VARIANTS) {
        fprintf(stderr, "usage: decode_ab KERNEL_DIR ROUNDS \"CHUNK GROUP OPTIONS\" ... (at most %d)\n", MAX_VARIANTS);
        return 2;
    }
    int rounds = atoi(argv[2]), count = argc - 3;
    if (rounds < 1) rounds = 1;
    device dev;
    cl_platform_id platform;
    cl_int status;
    CHECK(clGetPlatformIDs(1, &platform, NULL));
    CHECK(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &dev.id, NULL));
    dev.context = clCreateContext(NULL, 1, &dev.id, NULL, NULL, &status);
    CHECK(status);
    dev.queue = clCreateCommandQueue(dev.context, dev.id, 0, &status);
    CHECK(status);
    char *prelude = read_text(argv[1], "prelude.cl");
    char *decode_source = joined(prelude, read_text(argv[1], "attention_prelude.cl"), read_text(argv[1], "decode.cl"));
    char *read_source = joined(prelude, "", read_text(argv[1], "stream.cl"));

    size_t batch = env_size("B", 4), heads = env_size("H", 32), n = env_size("N", 8192), slices = batch * heads;
    size_t values = slices * n * D;  /* of K, and of V */
    float *host = malloc(values * sizeof *host);
    if (!host) return 1;
    for (size_t i = 0; i < values; i++) host[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 1.0f;
    cl_mem q = buffer(&dev, slices * D * 4, host), k = buffer(&dev, values * 4, host);
    cl_mem v = buffer(&dev, values * 4, host);
    cl_mem blocked = buffer(&dev, 2 * values * 4, NULL), out = buffer(&dev, slices * D * 4, NULL);
    cl_mem part_o = buffer(&dev, slices * 64 * D * 4, NULL), part_ml = buffer(&dev, slices * 64 * 2 * 4, NULL);
    free(host);
    /* touched before any variant converts into it: the read kernel must not read never-written (zero) pages */
    CHECK(clEnqueueFillBuffer(dev.queue, blocked, &(float){1.0f}, sizeof(float), 0, 2 * values * 4, 0, NULL, NULL));

    variant vars[MAX_VARIANTS];
    for (int i = 0; i < count; i++) {
        variant *var = &vars[i];
        unsigned chunk = 0, group = 0;
        int used = 0;
        var->spec = argv[3 + i];
        if (sscanf(var->spec, "%u %u %n", &chunk, &group, &used) < 2 || chunk % 16 || !group || n / chunk > 64) {
            fprintf(stderr, "decode_ab: \"%s\": want \"CHUNK GROUP OPTIONS\", CHUNK a multiple of 16\n", var->spec);
            return 2;
        }
        char options[512];
        snprintf(options, sizeof options, "-DD=%d -DDV=16 -DG=1 %s", D, var->spec + used);
        cl_program program = build(&dev, decode_source, options);
        var->partial = clCreateKernel(program, "decode_partial", &status);
        CHECK(status);
        var->combine = clCreateKernel(program, "decode_combine", &status);
        CHECK(status);
        int is_blocked = strstr(options, "KV_BLOCKED") != NULL;
        cl_uint n_kv = (cl_uint)n, n_pad = (cl_uint)n, count_slices = (cl_uint)slices, rows = (cl_uint)slices;
        cl_uint chunk_keys = chunk, splits = (cl_uint)((n + chunk - 1) / chunk);
        float scale = 0.1275f;
        cl_mem keys = is_blocked ? blocked : k, vals = is_blocked ? blocked : v;
        if (is_blocked) {  /* the layout's conversion, once (the format is the build option's) */
            cl_kernel pack = clCreateKernel(program, "decode_pack_kv", &status);
            CHECK(status);
            CHECK(clSetKernelArg(pack, 0, sizeof k, &k));
            CHECK(clSetKernelArg(pack, 1, sizeof v, &v));
            CHECK(clSetKernelArg(pack, 2, sizeof blocked, &blocked));
            CHECK(clSetKernelArg(pack, 3, sizeof n_kv, &n_kv));
            CHECK(clSetKernelArg(pack, 4, sizeof n_pad, &n_pad));
            CHECK(clSetKernelArg(pack, 5, sizeof count_slices, &count_slices));
            size_t items = slices * n;
            CHECK(clEnqueueNDRangeKernel(dev.queue, pack, 1, NULL, &items, NULL, 0, NULL, NULL));
            CHECK(clFinish(dev.queue));
        }
        cl_mem args[] = {q, keys, vals, part_o, part_ml};
        for (cl_uint a = 0; a < 5; a++) CHECK(clSetKernelArg(var->partial, a, sizeof(cl_mem), &args[a]));
        cl_uint numbers[] = {n_kv, chunk_keys, splits, count_slices};
        for (cl_uint a = 0; a < 4; a++) CHECK(clSetKernelArg(var->partial, 5 + a, sizeof(cl_uint), &numbers[a]));
        CHECK(clSetKernelArg(var->partial, 9, sizeof scale, &scale));
        CHECK(clSetKernelArg(var->combine, 0, sizeof part_o, &part_o));
        CHECK(clSetKernelArg(var->combine, 1, sizeof part_ml, &part_ml));
        CHECK(clSetKernelArg(var->combine, 2, sizeof out, &out));
        CHECK(clSetKernelArg(var->combine, 3, sizeof rows, &rows));
        CHECK(clSetKernelArg(var->combine, 4, sizeof splits, &splits));
        var->group = group;
        var->splits = splits;
        var->global = (splits * slices + group - 1) / group * group;
        double per_value = strstr(options, "KV_FORMAT=1") ? 2.0 : strstr(options, "KV_FORMAT=2") ? 34.0 / 32 : 4.0;
        var->bytes = 2.0 * (double)values * per_value;
    }
    /* the read roof: every item sums 32768 consecutive floats of the (written) blocked buffer */
    cl_kernel read = clCreateKernel(build(&dev, read_source, "-DVEC=16 -DITEM_FLOATS=32768 -DITEM_BLOCK"), "read_sum",
                                    &status);
    CHECK(status);
    size_t read_items = 2 * values / 32768, read_group = 8;
    cl_mem partial = buffer(&dev, read_items * 4, NULL);
    CHECK(clSetKernelArg(read, 0, sizeof blocked, &blocked));
    CHECK(clSetKernelArg(read, 1, sizeof partial, &partial));

    double *times = calloc((size_t)(count + 1) * (size_t)rounds, sizeof *times);
    if (!times) return 1;
    for (int r = -1; r < rounds; r++)  /* round -1 warms up */
        for (int i = 0; i <= count; i++) {
            double start = now();
            if (i == count) {
                CHECK(clEnqueueNDRangeKernel(dev.queue, read, 1, NULL, &read_items, &read_group, 0, NULL, NULL));
            } else {
                size_t rows = (slices + vars[i].group - 1) / vars[i].group * vars[i].group;
                CHECK(clEnqueueNDRangeKernel(dev.queue, vars[i].partial, 1, NULL, &vars[i].global, &vars[i].group, 0,
                                             NULL, NULL));
                CHECK(clEnqueueNDRangeKernel(dev.queue, vars[i].combine, 1, NULL, &rows, &vars[i].group, 0, NULL,
                                             NULL));
            }
            CHECK(clFinish(dev.queue));
            if (r >= 0) times[(size_t)i * (size_t)rounds + (size_t)r] = now() - start;
        }
    double read_s = median(times + (size_t)count * (size_t)rounds, rounds);
    double read_rate = 2.0 * (double)values * 4 / read_s;
    printf("read kernel: %.2f ms, %.1f GB/s (median of %d)\n", 1e3 * read_s, read_rate / 1e9, rounds);
    for (int i = 0; i < count; i++) {
        double t = median(times + (size_t)i * (size_t)rounds, rounds), rate = vars[i].bytes / t;
        printf("%-48s splits %3zu: %8.2f ms %6.1f GB/s  %.2f of the read rate\n", vars[i].spec, vars[i].splits,
               1e3 * t, rate / 1e9, rate / read_rate);
    }
    free(times);
    return 0;
}
