#include <stdio.h>
#include <string.h>
#include <hwloc.h>
#include <hwloc/opencl.h>
#include "tfbench/host.h"
#include "tfbench/sizing.h"

static uint64_t first_cache_size(hwloc_topology_t topo, hwloc_obj_type_t type)
{
    hwloc_obj_t obj = hwloc_get_obj_by_type(topo, type, 0);
    return obj && obj->attr ? obj->attr->cache.size : 0;
}

static uint64_t total_cache_size(hwloc_topology_t topo, hwloc_obj_type_t type)
{
    uint64_t total = 0;
    int count = hwloc_get_nbobjs_by_type(topo, type);
    for (int i = 0; i < count; i++) total += hwloc_get_obj_by_type(topo, type, i)->attr->cache.size;
    return total;
}

static void copy_info(hwloc_obj_t obj, const char *key, char *out, size_t size)
{
    const char *value = obj ? hwloc_obj_get_info_by_name(obj, key) : NULL;
    if (value) snprintf(out, size, "%s", value);
}

/* The widest SIMD the CPU reports, from /proc/cpuinfo (hwloc does not expose ISA flags). */
static void detect_simd(char *out, size_t size)
{
    static const char *const widest_first[] = {"avx512f", "avx2", "avx", "sse4_2", "neon", "asimd"};
    char line[8192];
    snprintf(out, size, "unknown");
    FILE *cpuinfo = fopen("/proc/cpuinfo", "r");
    if (!cpuinfo) return;
    while (fgets(line, sizeof line, cpuinfo)) {
        if (strncmp(line, "flags", 5) != 0 && strncmp(line, "Features", 8) != 0) continue;
        for (size_t i = 0; i < sizeof widest_first / sizeof *widest_first; i++) {
            char padded[32];
            snprintf(padded, sizeof padded, " %s", widest_first[i]);
            if (strstr(line, padded)) {
                snprintf(out, size, "%s", widest_first[i]);
                fclose(cpuinfo);
                return;
            }
        }
    }
    fclose(cpuinfo);
}

static void describe_pci(hwloc_topology_t topo, cl_device_id device, char *out, size_t size)
{
    unsigned domain, bus, dev, func;
    if (!device || hwloc_opencl_get_device_pci_busid(device, &domain, &bus, &dev, &func) < 0) return;
    int used = snprintf(out, size, "%04x:%02x:%02x.%01x", domain, bus, dev, func);
    hwloc_obj_t pci = hwloc_get_pcidev_by_busid(topo, domain, bus, dev, func);
    hwloc_obj_t parent = pci ? hwloc_get_non_io_ancestor_obj(topo, pci) : NULL;
    if (parent && used > 0 && (size_t)used < size)
        snprintf(out + used, size - (size_t)used, " near %s#%u", hwloc_obj_type_string(parent->type),
                 parent->logical_index);
}

int tfb_host_probe(tfb_host_info *host, cl_device_id device)
{
    hwloc_topology_t topo;
    memset(host, 0, sizeof *host);
    snprintf(host->cpu_model, sizeof host->cpu_model, "unknown");
    detect_simd(host->cpu_flags_simd, sizeof host->cpu_flags_simd);
    if (hwloc_topology_init(&topo) != 0) return -1;
    hwloc_topology_set_io_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_IMPORTANT);
    if (hwloc_topology_load(topo) != 0) {
        hwloc_topology_destroy(topo);
        return -1;
    }
    hwloc_obj_t root = hwloc_get_root_obj(topo);
    copy_info(hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0), "CPUModel", host->cpu_model,
              sizeof host->cpu_model);
    copy_info(root, "HostName", host->hostname, sizeof host->hostname);
    char os_name[64] = "", os_release[64] = "";
    copy_info(root, "OSName", os_name, sizeof os_name);
    copy_info(root, "OSRelease", os_release, sizeof os_release);
    snprintf(host->os, sizeof host->os, "%s %s", os_name, os_release);
    host->packages = (unsigned)hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
    host->cores = (unsigned)hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    host->pus = (unsigned)hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    host->numa_nodes = (unsigned)hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
    host->l1d_bytes = first_cache_size(topo, HWLOC_OBJ_L1CACHE);
    host->l2_bytes = first_cache_size(topo, HWLOC_OBJ_L2CACHE);
    host->l3_bytes = first_cache_size(topo, HWLOC_OBJ_L3CACHE);
    host->l3_total_bytes = total_cache_size(topo, HWLOC_OBJ_L3CACHE);
    host->total_memory_bytes = root->total_memory;
    describe_pci(topo, device, host->device_pci, sizeof host->device_pci);
    hwloc_topology_destroy(topo);
    return 0;
}

uint64_t tfb_host_last_level_cache(const tfb_host_info *host)
{
    if (host->l3_total_bytes) return host->l3_total_bytes;
    if (host->l2_bytes) return host->l2_bytes * (host->cores ? host->cores : 1);
    return 32ull << 20;  /* unknown: assume a generous 32 MiB so buffers still leave the cache */
}

uint64_t tfb_host_out_of_cache_bytes(const tfb_host_info *host)
{
    uint64_t bytes = 4 * tfb_host_last_level_cache(host);
    return bytes < TFB_SIZING_FLOOR ? TFB_SIZING_FLOOR : bytes;
}
