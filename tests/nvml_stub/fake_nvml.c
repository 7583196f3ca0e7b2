/*
 * A stand-in libnvidia-ml.so.1 for tests on machines without an NVIDIA GPU.
 *
 * Compiled by the test suite against NVIDIA's own nvml.h (PyPI nvidia-nvml-dev), so every
 * struct the real pynvml binding passes in has the driver's layout. It answers from a scenario
 * file named by AIWM_FAKE_NVML_SCENARIO: "key=value" lines, global keys and "gpuN.key" keys.
 * A key that is absent makes its call return NVML_ERROR_NOT_SUPPORTED, the way a GeForce card
 * answers for ECC. Built with -DAIWM_OLD_DRIVER it lacks the newer entry points, as an old
 * driver does, so pynvml raises FUNCTION_NOT_FOUND for them.
 *
 * XID events: gpuN.xid_events lists the XID codes that GPU raises ("" for none; absent: the GPU
 * cannot register for XID events, NOT_SUPPORTED), ready once gpuN.xid_after utilisation reads
 * have been made (default 0); nvmlEventSetWait_v2 hands out one per call, then answers TIMEOUT.
 */
#define _POSIX_C_SOURCE 199309L
#define NVML_NO_UNVERSIONED_FUNC_DEFS
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "nvml.h"

#define MAX_KEYS 512
#define MAX_GPUS 16
#define MAX_CALLS 128

static char keys[MAX_KEYS][64];
static char values[MAX_KEYS][256];
static int key_count = 0;
static int initialised = 0;
static unsigned long long util_calls[MAX_GPUS];
static char call_names[MAX_CALLS][64];
static unsigned long call_counts[MAX_CALLS];
static int xid_registered[MAX_GPUS];
static unsigned int xid_delivered[MAX_GPUS];
static long last_event_wait_ms = -1;

/* Test hook: the timeout (ms) of the last nvmlEventSetWait_v2 call, -1 before the first. */
long aiwmFakeLastEventWaitMs(void) { return last_event_wait_ms; }

/* Test hook: how often a function was called since the library was loaded. */
unsigned long aiwmFakeCallCount(const char *name) {
    for (int i = 0; i < MAX_CALLS; i++)
        if (strcmp(call_names[i], name) == 0) return call_counts[i];
    return 0;
}

static void count_call(const char *name) {
    for (int i = 0; i < MAX_CALLS; i++) {
        if (call_names[i][0] == '\0') { strncpy(call_names[i], name, 63); }
        if (strcmp(call_names[i], name) == 0) { call_counts[i]++; return; }
    }
}

static void load_scenario(void) {
    key_count = 0;
    memset(util_calls, 0, sizeof util_calls);
    memset(xid_registered, 0, sizeof xid_registered);
    memset(xid_delivered, 0, sizeof xid_delivered);
    last_event_wait_ms = -1;
    const char *path = getenv("AIWM_FAKE_NVML_SCENARIO");
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f) && key_count < MAX_KEYS) {
        char *eq = strchr(line, '=');
        if (line[0] == '#' || !eq) continue;
        *eq = '\0';
        line[strcspn(line, "\r\n")] = '\0';
        eq[1 + strcspn(eq + 1, "\r\n")] = '\0';
        strncpy(keys[key_count], line, 63);
        strncpy(values[key_count], eq + 1, 255);
        key_count++;
    }
    fclose(f);
}

static const char *get(const char *key) {
    for (int i = 0; i < key_count; i++)
        if (strcmp(keys[i], key) == 0) return values[i];
    return NULL;
}

static const char *gpu_get(int gpu, const char *key) {
    char full[96];
    snprintf(full, sizeof full, "gpu%d.%s", gpu, key);
    return get(full);
}

static int gpu_index(nvmlDevice_t device) { return (int)((uintptr_t)device) - 1; }

static int gpu_lost(int gpu) {
    const char *after = gpu_get(gpu, "lost_after");
    return after && util_calls[gpu] >= strtoull(after, NULL, 0);
}

/* Every device call starts here: count it, check the library is up and the GPU still answers. */
#define DEVICE_CALL(name)                                                      \
    count_call(name);                                                          \
    if (!initialised) return NVML_ERROR_UNINITIALIZED;                         \
    int gpu = gpu_index(device);                                               \
    if (gpu < 0 || gpu >= MAX_GPUS) return NVML_ERROR_INVALID_ARGUMENT;        \
    if (gpu_lost(gpu)) return NVML_ERROR_GPU_IS_LOST;

#define UINT_KEY(key, out)                                                     \
    do {                                                                       \
        const char *v = gpu_get(gpu, key);                                     \
        if (!v) return NVML_ERROR_NOT_SUPPORTED;                               \
        *(out) = (unsigned int)strtoul(v, NULL, 0);                            \
    } while (0)

static nvmlReturn_t copy_string(const char *value, char *out, unsigned int length) {
    if (!value) return NVML_ERROR_NOT_SUPPORTED;
    if (strlen(value) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    strcpy(out, value);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlInitWithFlags(unsigned int flags) {
    (void)flags;
    count_call("nvmlInitWithFlags");
    load_scenario();
    const char *error = get("init_error");
    if (error) return (nvmlReturn_t)strtol(error, NULL, 0);
    initialised = 1;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlInit_v2(void) { return nvmlInitWithFlags(0); }

nvmlReturn_t nvmlShutdown(void) {
    count_call("nvmlShutdown");
    initialised = 0;
    return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t result) {
    switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    case NVML_ERROR_LIB_RM_VERSION_MISMATCH: return "RM has detected an NVML/RM version mismatch.";
    default: return "Unknown Error";
    }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    return copy_string(get("driver_version"), version, length);
}

nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length) {
    return copy_string(get("nvml_version"), version, length);
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *version) {
    const char *v = get("cuda_driver_version");
    if (!v) return NVML_ERROR_NOT_SUPPORTED;
    *version = atoi(v);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    const char *v = get("gpu_count");
    *count = v ? (unsigned int)atoi(v) : 0;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    const char *v = get("gpu_count");
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    if (!v || index >= (unsigned int)atoi(v)) return NVML_ERROR_INVALID_ARGUMENT;
    /* gpuN.handle_error: the error this GPU's handle answers with (15 lost, 4 no permission, 999 unknown). */
    const char *error = gpu_get((int)index, "handle_error");
    if (error) return (nvmlReturn_t)strtol(error, NULL, 0);
    *device = (nvmlDevice_t)(uintptr_t)(index + 1);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
    DEVICE_CALL("nvmlDeviceGetName");
    return copy_string(gpu_get(gpu, "name"), name, length);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
    DEVICE_CALL("nvmlDeviceGetUUID");
    return copy_string(gpu_get(gpu, "uuid"), uuid, length);
}

nvmlReturn_t nvmlDeviceGetSerial(nvmlDevice_t device, char *serial, unsigned int length) {
    DEVICE_CALL("nvmlDeviceGetSerial");
    return copy_string(gpu_get(gpu, "serial"), serial, length);
}

nvmlReturn_t nvmlDeviceGetVbiosVersion(nvmlDevice_t device, char *version, unsigned int length) {
    DEVICE_CALL("nvmlDeviceGetVbiosVersion");
    return copy_string(gpu_get(gpu, "vbios"), version, length);
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci) {
    DEVICE_CALL("nvmlDeviceGetPciInfo_v3");
    const char *bus = gpu_get(gpu, "bus_id");
    if (!bus) return NVML_ERROR_NOT_SUPPORTED;
    memset(pci, 0, sizeof *pci);
    strncpy(pci->busId, bus, NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE - 1);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
    DEVICE_CALL("nvmlDeviceGetMemoryInfo");
    const char *total = gpu_get(gpu, "memory_total"), *used = gpu_get(gpu, "memory_used");
    if (!total || !used) return NVML_ERROR_NOT_SUPPORTED;
    memory->total = strtoull(total, NULL, 0);
    memory->used = strtoull(used, NULL, 0);
    memory->free = memory->total - memory->used;
    return NVML_SUCCESS;
}

#ifndef AIWM_OLD_DRIVER
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory) {
    DEVICE_CALL("nvmlDeviceGetMemoryInfo_v2");
    const char *total = gpu_get(gpu, "memory_total"), *used = gpu_get(gpu, "memory_used");
    const char *reserved = gpu_get(gpu, "memory_reserved");
    if (!total || !used) return NVML_ERROR_NOT_SUPPORTED;
    memory->total = strtoull(total, NULL, 0);
    memory->used = strtoull(used, NULL, 0);
    memory->reserved = reserved ? strtoull(reserved, NULL, 0) : 0;
    memory->free = memory->total - memory->used - memory->reserved;
    return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int *major, int *minor) {
    DEVICE_CALL("nvmlDeviceGetCudaComputeCapability");
    const char *cc = gpu_get(gpu, "cc");
    if (!cc || sscanf(cc, "%d.%d", major, minor) != 2) return NVML_ERROR_NOT_SUPPORTED;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t device, unsigned int *min, unsigned int *max) {
    DEVICE_CALL("nvmlDeviceGetPowerManagementLimitConstraints");
    UINT_KEY("power_min_mw", min);
    UINT_KEY("power_max_mw", max);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t device, unsigned int *limit) {
    DEVICE_CALL("nvmlDeviceGetPowerManagementDefaultLimit");
    UINT_KEY("power_default_mw", limit);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit) {
    DEVICE_CALL("nvmlDeviceGetEnforcedPowerLimit");
    UINT_KEY("power_enforced_mw", limit);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
    DEVICE_CALL("nvmlDeviceGetPowerUsage");
    UINT_KEY("power_mw", power);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperatureThreshold(nvmlDevice_t device, nvmlTemperatureThresholds_t type, unsigned int *temp) {
    static const char *names[] = {"temp_shutdown", "temp_slowdown", "temp_mem_max", "temp_gpu_max",
                                  "temp_acoustic_min", "temp_acoustic_curr", "temp_acoustic_max", "temp_gps_curr"};
    DEVICE_CALL("nvmlDeviceGetTemperatureThreshold");
    if ((unsigned)type >= sizeof names / sizeof names[0]) return NVML_ERROR_INVALID_ARGUMENT;
    UINT_KEY(names[type], temp);
    return NVML_SUCCESS;
}

static nvmlReturn_t gpu_temperature(nvmlDevice_t device, nvmlTemperatureSensors_t sensor, unsigned int *temp) {
    DEVICE_CALL("temperature");
    if (sensor != NVML_TEMPERATURE_GPU) return NVML_ERROR_INVALID_ARGUMENT;
    UINT_KEY("temp", temp);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, nvmlTemperatureSensors_t sensor, unsigned int *temp) {
    count_call("nvmlDeviceGetTemperature");
    return gpu_temperature(device, sensor, temp);
}

#ifndef AIWM_OLD_DRIVER
nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t device, nvmlTemperature_t *temperature) {
    unsigned int value = 0;
    count_call("nvmlDeviceGetTemperatureV");
    nvmlReturn_t ret = gpu_temperature(device, temperature->sensorType, &value);
    temperature->temperature = (int)value;
    return ret;
}

nvmlReturn_t nvmlDeviceGetMarginTemperature(nvmlDevice_t device, nvmlMarginTemperature_t *margin) {
    DEVICE_CALL("nvmlDeviceGetMarginTemperature");
    const char *v = gpu_get(gpu, "temp_margin");
    if (!v) return NVML_ERROR_NOT_SUPPORTED;
    margin->marginTemperature = atoi(v);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetNumFans(nvmlDevice_t device, unsigned int *count) {
    DEVICE_CALL("nvmlDeviceGetNumFans");
    const char *fans = gpu_get(gpu, "fans");
    if (!fans) return NVML_ERROR_NOT_SUPPORTED;
    unsigned int n = 1;
    for (const char *c = fans; *c; c++) n += (*c == ',');
    *count = n;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetFanSpeed_v2(nvmlDevice_t device, unsigned int fan, unsigned int *speed) {
    DEVICE_CALL("nvmlDeviceGetFanSpeed_v2");
    const char *fans = gpu_get(gpu, "fans");
    if (!fans) return NVML_ERROR_NOT_SUPPORTED;
    for (unsigned int i = 0; i < fan && fans; i++) {
        fans = strchr(fans, ',');
        if (fans) fans++;
    }
    if (!fans) return NVML_ERROR_INVALID_ARGUMENT;
    *speed = (unsigned int)strtoul(fans, NULL, 0);
    return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetFanSpeed(nvmlDevice_t device, unsigned int *speed) {
    DEVICE_CALL("nvmlDeviceGetFanSpeed");
    const char *fans = gpu_get(gpu, "fans");
    if (!fans) return NVML_ERROR_NOT_SUPPORTED;
    *speed = (unsigned int)strtoul(fans, NULL, 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPersistenceMode(nvmlDevice_t device, nvmlEnableState_t *mode) {
    DEVICE_CALL("nvmlDeviceGetPersistenceMode");
    UINT_KEY("persistence", (unsigned int *)mode);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int *current, unsigned int *pending) {
    DEVICE_CALL("nvmlDeviceGetMigMode");
    UINT_KEY("mig", current);
    *pending = *current;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetDisplayMode(nvmlDevice_t device, nvmlEnableState_t *mode) {
    DEVICE_CALL("nvmlDeviceGetDisplayMode");
    UINT_KEY("display_mode", (unsigned int *)mode);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
    DEVICE_CALL("nvmlDeviceGetUtilizationRates");
    util_calls[gpu]++;
    /* gpuN.util_sleep_ms: this call hangs that long, like a driver call stuck on a sick GPU. */
    const char *sleep_ms = gpu_get(gpu, "util_sleep_ms");
    if (sleep_ms) {
        struct timespec pause = {0, 0};
        long ms = strtol(sleep_ms, NULL, 0);
        pause.tv_sec = ms / 1000;
        pause.tv_nsec = (ms % 1000) * 1000000L;
        nanosleep(&pause, NULL);
    }
    UINT_KEY("util_gpu", &utilization->gpu);
    UINT_KEY("util_mem", &utilization->memory);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int *clock) {
    static const char *names[] = {"clock_graphics", "clock_sm", "clock_mem", "clock_video"};
    DEVICE_CALL("nvmlDeviceGetClockInfo");
    if ((unsigned)type >= 4) return NVML_ERROR_INVALID_ARGUMENT;
    UINT_KEY(names[type], clock);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int *clock) {
    static const char *names[] = {"max_clock_graphics", "max_clock_sm", "max_clock_mem", "max_clock_video"};
    DEVICE_CALL("nvmlDeviceGetMaxClockInfo");
    if ((unsigned)type >= 4) return NVML_ERROR_INVALID_ARGUMENT;
    UINT_KEY(names[type], clock);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPerformanceState(nvmlDevice_t device, nvmlPstates_t *state) {
    DEVICE_CALL("nvmlDeviceGetPerformanceState");
    UINT_KEY("pstate", (unsigned int *)state);
    return NVML_SUCCESS;
}

static nvmlReturn_t clock_reasons(nvmlDevice_t device, unsigned long long *reasons) {
    DEVICE_CALL("clock_reasons");
    const char *v = gpu_get(gpu, "clock_reasons");
    if (!v) return NVML_ERROR_NOT_SUPPORTED;
    *reasons = strtoull(v, NULL, 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, unsigned long long *reasons) {
    count_call("nvmlDeviceGetCurrentClocksThrottleReasons");
    return clock_reasons(device, reasons);
}

#ifndef AIWM_OLD_DRIVER
nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, unsigned long long *reasons) {
    count_call("nvmlDeviceGetCurrentClocksEventReasons");
    return clock_reasons(device, reasons);
}
#endif

nvmlReturn_t nvmlDeviceGetViolationStatus(nvmlDevice_t device, nvmlPerfPolicyType_t policy, nvmlViolationTime_t *time) {
    DEVICE_CALL("nvmlDeviceGetViolationStatus");
    const char *v = policy == NVML_PERF_POLICY_POWER     ? gpu_get(gpu, "violation_power_ns")
                    : policy == NVML_PERF_POLICY_THERMAL ? gpu_get(gpu, "violation_thermal_ns")
                                                         : NULL;
    if (!v) return NVML_ERROR_NOT_SUPPORTED;
    time->referenceTime = 0;
    time->violationTime = strtoull(v, NULL, 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, nvmlMemoryErrorType_t type, nvmlEccCounterType_t counter,
                                         unsigned long long *count) {
    DEVICE_CALL("nvmlDeviceGetTotalEccErrors");
    const char *v = type == NVML_MEMORY_ERROR_TYPE_CORRECTED ? gpu_get(gpu, "ecc_corrected") : gpu_get(gpu, "ecc_uncorrected");
    if (!v || counter != NVML_VOLATILE_ECC) return NVML_ERROR_NOT_SUPPORTED;
    *count = strtoull(v, NULL, 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t device, unsigned int *value) {
    DEVICE_CALL("nvmlDeviceGetCurrPcieLinkGeneration");
    UINT_KEY("pcie_gen", value);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t device, unsigned int *value) {
    DEVICE_CALL("nvmlDeviceGetCurrPcieLinkWidth");
    UINT_KEY("pcie_width", value);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxPcieLinkGeneration(nvmlDevice_t device, unsigned int *value) {
    DEVICE_CALL("nvmlDeviceGetMaxPcieLinkGeneration");
    UINT_KEY("pcie_gen_max", value);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxPcieLinkWidth(nvmlDevice_t device, unsigned int *value) {
    DEVICE_CALL("nvmlDeviceGetMaxPcieLinkWidth");
    UINT_KEY("pcie_width_max", value);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPcieReplayCounter(nvmlDevice_t device, unsigned int *value) {
    DEVICE_CALL("nvmlDeviceGetPcieReplayCounter");
    UINT_KEY("pcie_replays", value);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy) {
    DEVICE_CALL("nvmlDeviceGetTotalEnergyConsumption");
    const char *v = gpu_get(gpu, "energy_mj");
    if (!v) return NVML_ERROR_NOT_SUPPORTED;
    *energy = strtoull(v, NULL, 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t device, nvmlPcieUtilCounter_t counter, unsigned int *value) {
    DEVICE_CALL("nvmlDeviceGetPcieThroughput");
    UINT_KEY(counter == NVML_PCIE_UTIL_TX_BYTES ? "pcie_tx_kbs" : "pcie_rx_kbs", value);
    return NVML_SUCCESS;
}

/* Processes: "pid:bytes,pid:bytes" under gpuN.compute_procs / gpuN.graphics_procs. */
static nvmlReturn_t processes(int gpu, const char *key, unsigned int *count, nvmlProcessInfo_t *infos) {
    const char *list = gpu_get(gpu, key);
    unsigned int n = 0;
    if (list && *list) {
        n = 1;
        for (const char *c = list; *c; c++) n += (*c == ',');
    }
    if (infos == NULL || *count < n) {
        *count = n;
        return n == 0 ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_SIZE;
    }
    const char *p = list;
    for (unsigned int i = 0; i < n; i++) {
        memset(&infos[i], 0, sizeof infos[i]);
        infos[i].pid = (unsigned int)strtoul(p, (char **)&p, 10);
        infos[i].usedGpuMemory = strtoull(p + 1, (char **)&p, 10);
        infos[i].gpuInstanceId = 0xFFFFFFFF;
        infos[i].computeInstanceId = 0xFFFFFFFF;
        if (*p == ',') p++;
    }
    *count = n;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_v2_t *infos) {
    DEVICE_CALL("nvmlDeviceGetComputeRunningProcesses_v2");
    return processes(gpu, "compute_procs", count, infos);
}

nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v2(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_v2_t *infos) {
    DEVICE_CALL("nvmlDeviceGetGraphicsRunningProcesses_v2");
    return processes(gpu, "graphics_procs", count, infos);
}

#ifndef AIWM_OLD_DRIVER
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos) {
    DEVICE_CALL("nvmlDeviceGetComputeRunningProcesses_v3");
    return processes(gpu, "compute_procs", count, infos);
}

nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos) {
    DEVICE_CALL("nvmlDeviceGetGraphicsRunningProcesses_v3");
    return processes(gpu, "graphics_procs", count, infos);
}

/* Field values: the instantaneous power draw (NVML_FI_DEV_POWER_INSTANT, from gpuN.power_instant_mw)
 * and the per-reason throttle counters in ns (fields 74, 269, 270, 271, from gpuN.throttle_*_ns).
 * A field whose key is absent answers NVML_ERROR_NOT_SUPPORTED in its own nvmlReturn. */
static const char *throttle_key(unsigned int field) {
    switch (field) {
    case NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_POWER_CAP: return "throttle_power_cap_ns";
    case NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN: return "throttle_sw_thermal_ns";
    case NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN: return "throttle_hw_thermal_ns";
    case NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN: return "throttle_power_brake_ns";
    default: return NULL;
    }
}

nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int count, nvmlFieldValue_t *values) {
    DEVICE_CALL("nvmlDeviceGetFieldValues");
    for (int i = 0; i < count; i++) {
        const char *key = throttle_key(values[i].fieldId);
        if (key) {
            const char *v = gpu_get(gpu, key);
            values[i].nvmlReturn = v ? NVML_SUCCESS : NVML_ERROR_NOT_SUPPORTED;
            values[i].valueType = NVML_VALUE_TYPE_UNSIGNED_LONG_LONG;
            values[i].value.ullVal = v ? strtoull(v, NULL, 0) : 0;
            continue;
        }
        const char *v = values[i].fieldId == NVML_FI_DEV_POWER_INSTANT ? gpu_get(gpu, "power_instant_mw")
                        : values[i].fieldId == NVML_FI_DEV_MEMORY_TEMP ? gpu_get(gpu, "memory_temp")
                                                                       : NULL;
        values[i].nvmlReturn = v ? NVML_SUCCESS : NVML_ERROR_NOT_SUPPORTED;
        values[i].valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
        values[i].value.uiVal = v ? (unsigned int)strtoul(v, NULL, 0) : 0;
    }
    return NVML_SUCCESS;
}
/* The nth code of a "13,31" list; 0 when the list is shorter. */
static int nth_code(const char *list, unsigned int n, unsigned long long *code) {
    for (unsigned int i = 0; i < n && list; i++) {
        list = strchr(list, ',');
        if (list) list++;
    }
    if (!list || !*list) return 0;
    *code = strtoull(list, NULL, 0);
    return 1;
}

nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set) {
    count_call("nvmlEventSetCreate");
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    const char *error = get("event_set_error");
    if (error) return (nvmlReturn_t)strtol(error, NULL, 0);
    *set = (nvmlEventSet_t)(uintptr_t)0xE5E7;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long eventTypes, nvmlEventSet_t set) {
    DEVICE_CALL("nvmlDeviceRegisterEvents");
    if (set == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (!gpu_get(gpu, "xid_events") || !(eventTypes & nvmlEventTypeXidCriticalError)) return NVML_ERROR_NOT_SUPPORTED;
    xid_registered[gpu] = 1;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms) {
    count_call("nvmlEventSetWait_v2");
    last_event_wait_ms = (long)timeoutms;
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    if (set == NULL || data == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    for (int gpu = 0; gpu < MAX_GPUS; gpu++) {
        const char *after = gpu_get(gpu, "xid_after");
        unsigned long long code = 0;
        if (!xid_registered[gpu] || (after && util_calls[gpu] < strtoull(after, NULL, 0))) continue;
        if (!nth_code(gpu_get(gpu, "xid_events"), xid_delivered[gpu], &code)) continue;
        xid_delivered[gpu]++;
        memset(data, 0, sizeof *data);
        data->device = (nvmlDevice_t)(uintptr_t)(gpu + 1);
        data->eventType = nvmlEventTypeXidCriticalError;
        data->eventData = code;
        data->gpuInstanceId = 0xFFFFFFFF;
        data->computeInstanceId = 0xFFFFFFFF;
        return NVML_SUCCESS;
    }
    return NVML_ERROR_TIMEOUT;
}

nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
    count_call("nvmlEventSetFree");
    return set == NULL ? NVML_ERROR_INVALID_ARGUMENT : NVML_SUCCESS;
}
#endif
