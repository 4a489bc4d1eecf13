/*
 * machine/virt/options.c — command line: the qemu-system-aarch64 options our
 * users already type, plus hyperstep's own (--trace, ...).  Every unknown or
 * unsupported option is one clear error naming it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/virt/options.h"
#include "trace/digest.h"
#include "trace/trace.h"

static int fail(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "hyperstep: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return OPT_ERROR;
}

/* Parse a number with optional 0x prefix; false on garbage. */
bool opt_parse_u64(const char *s, u64 *v)
{
    char *end;
    if (!s || !*s)
        return false;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *v = x;
    return true;
}

/* -m SIZE with optional M/G/K suffix (QEMU default unit: MiB). */
static bool parse_size(const char *s, u64 *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || end == s)
        return false;
    u64 mul = 1ull << 20;
    if (*end == 'k' || *end == 'K')
        mul = 1ull << 10, end++;
    else if (*end == 'm' || *end == 'M')
        mul = 1ull << 20, end++;
    else if (*end == 'g' || *end == 'G')
        mul = 1ull << 30, end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || x == 0 || x > (1ull << 40) / mul)
        return false;
    *v = x * mul;
    return true;
}

static bool on_off(const char *v, bool *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        *out = true;
        return true;
    }
    if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
        *out = false;
        return true;
    }
    return false;
}

/* Split "a=b" into key/value (modifies S). */
static char *kv(char *s, char **val)
{
    char *eq = strchr(s, '=');
    *val = eq ? eq + 1 : NULL;
    if (eq)
        *eq = 0;
    return s;
}

static int parse_loader(char *arg, VirtOptions *o);

static int parse_machine(char *arg, VirtOptions *o)
{
    char *save = NULL;
    char *t = strtok_r(arg, ",", &save);
    if (!t || strcmp(t, "virt"))
        return fail("unsupported machine '%s' (only 'virt')%s", t ? t : "", "");
    while ((t = strtok_r(NULL, ",", &save))) {
        char *v;
        char *k = kv(t, &v);
        if (!v)
            return fail("-M virt: option '%s' needs a value%s", k, "");
        if (!strcmp(k, "secure")) {
            if (!on_off(v, &o->secure))
                return fail("-M virt: secure=%s: expected on or off%s", v, "");
        } else if (!strcmp(k, "virtualization")) {
            if (!on_off(v, &o->virtualization))
                return fail("-M virt: virtualization=%s: expected on or off%s", v, "");
        } else if (!strcmp(k, "gic-version")) {
            if (!strcmp(v, "2"))
                o->gic_version = 2;
            else if (!strcmp(v, "3") || !strcmp(v, "max") || !strcmp(v, "host"))
                o->gic_version = 3;
            else
                return fail("-M virt: gic-version=%s: expected 2, 3 or max%s", v, "");
        } else if (!strcmp(k, "dumpdtb")) {
            o->dump_dtb = v;
        } else if (!strcmp(k, "acpi") || !strcmp(k, "highmem") || !strcmp(k, "its")) {
            bool b;
            if (!on_off(v, &b))
                return fail("-M virt: %s=%s: expected on or off", k, v);
        } else {
            return fail("-M virt: unknown machine option '%s'%s", k, "");
        }
    }
    return OPT_OK;
}

static int parse_smp(char *arg, VirtOptions *o)
{
    char *save = NULL;
    u64 n = 0, cpus = 0, clusters = 0, cores = 0, threads = 1, sockets = 1;
    for (char *t = strtok_r(arg, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *v;
        char *k = kv(t, &v);
        u64 x;
        if (!v) {
            if (!opt_parse_u64(k, &n))
                return fail("-smp: '%s' is not a number%s", k, "");
            continue;
        }
        if (!opt_parse_u64(v, &x))
            return fail("-smp: %s=%s is not a number", k, v);
        if (!strcmp(k, "cpus")) cpus = x;
        else if (!strcmp(k, "clusters")) clusters = x;
        else if (!strcmp(k, "cores")) cores = x;
        else if (!strcmp(k, "threads")) threads = x;
        else if (!strcmp(k, "sockets")) sockets = x;
        else if (!strcmp(k, "maxcpus")) ;
        else return fail("-smp: unknown option '%s'%s", k, "");
    }
    if (!n)
        n = cpus;
    if (!n && cores)
        n = cores * (clusters ? clusters : 1) * sockets * threads;
    if (n < 1 || n > HS_MAX_CPUS)
        return fail("-smp: need 1 to 32 cores%s%s", "", "");
    if (threads != 1)
        return fail("-smp: threads=%s: Cortex-A53 has no SMT (MPIDR_EL1.MT=0)%s", "n", "");
    o->smp = (unsigned)n;
    o->clusters = clusters ? (unsigned)clusters : (cores ? (unsigned)(n / cores) : 1);
    if (o->clusters == 0 || n % o->clusters)
        return fail("-smp: cores are not divisible into the clusters given%s%s", "", "");
    return OPT_OK;
}

/* -chardev BACKEND,id=ID,... : stdio (mux/signal accepted) or file,path=F. */
static int parse_chardev(char *arg, VirtOptions *o)
{
    if (o->nchardevs >= ARRAY_SIZE(o->chardev))
        return fail("-chardev: too many character devices%s%s", "", "");
    char *save = NULL;
    char *backend = strtok_r(arg, ",", &save);
    if (!backend || (strcmp(backend, "stdio") && strcmp(backend, "file")))
        return fail("-chardev %s: supported backends: stdio, file%s", backend ? backend : "", "");
    const char *id = NULL, *path = NULL;
    for (char *t = strtok_r(NULL, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *v;
        char *k = kv(t, &v);
        bool b;
        if (!v)
            return fail("-chardev: '%s' needs a value%s", k, "");
        if (!strcmp(k, "id"))
            id = v;
        else if (!strcmp(k, "path"))
            path = v;
        else if ((!strcmp(k, "mux") || !strcmp(k, "signal")) && on_off(v, &b))
            ;   /* one serial port, no monitor: multiplexing changes nothing */
        else
            return fail("-chardev: unsupported option '%s=%s'", k, v);
    }
    if (!id)
        return fail("-chardev %s: needs id=%s", backend, "");
    if (!strcmp(backend, "file") && !path)
        return fail("-chardev file,id=%s: needs path=F%s", id, "");
    o->chardev[o->nchardevs].id = id;
    o->chardev[o->nchardevs].path = strcmp(backend, "file") ? NULL : path;
    o->nchardevs++;
    return OPT_OK;
}

/* -drive file=F,if=none|pflash,format=raw[,id=ID][,unit=N][,readonly=on]
 * [,cache=MODE][,snapshot=on][,media=disk] (QEMU's keys).  QEMU's default
 * interface on virt is virtio-blk-pci, which needs PCI: if= is required. */
static int parse_drive(char *arg, VirtOptions *o)
{
    if (o->ndrives >= VIRT_MAX_DRIVES)
        return fail("-drive: too many drives (at most %d)%s", "16", "");
    DriveSpec *d = &o->drive[o->ndrives];
    memset(d, 0, sizeof(*d));
    d->unit = -1;
    const char *iface = NULL;
    char *cur = arg, *k, *v;
    while (opt_next_prop(&cur, &k, &v)) {
        u64 x;
        if (!v)
            return fail("-drive: '%s' needs a value%s", k, "");
        if (!strcmp(k, "file")) {
            d->file = v;
        } else if (!strcmp(k, "id")) {
            d->id = v;
        } else if (!strcmp(k, "if")) {
            iface = v;
        } else if (!strcmp(k, "format")) {
            if (strcmp(v, "raw"))
                return fail("-drive format=%s: only raw images are supported%s", v, "");
        } else if (!strcmp(k, "unit")) {
            if (!opt_parse_u64(v, &x) || x > 255)
                return fail("-drive unit=%s: expected a unit number%s", v, "");
            d->unit = (int)x;
        } else if (!strcmp(k, "readonly")) {
            if (!on_off(v, &d->readonly))
                return fail("-drive readonly=%s: expected on or off%s", v, "");
        } else if (!strcmp(k, "snapshot")) {
            if (!on_off(v, &d->snapshot))
                return fail("-drive snapshot=%s: expected on or off%s", v, "");
        } else if (!strcmp(k, "cache")) {
            if (strcmp(v, "writeback") && strcmp(v, "none") && strcmp(v, "writethrough") &&
                strcmp(v, "directsync") && strcmp(v, "unsafe"))
                return fail("-drive cache=%s: expected writeback, none, writethrough, directsync "
                            "or unsafe%s", v, "");
            d->cache = v;
        } else if (!strcmp(k, "media")) {
            if (strcmp(v, "disk"))
                return fail("-drive media=%s: only media=disk is modelled%s", v, "");
        } else {
            return fail("-drive: unsupported option '%s'%s", k, "");
        }
    }
    if (!d->file)
        return fail("-drive: file=F is required%s%s", "", "");
    if (!iface)
        return fail("-drive file=%s: give if=none (with -device ...,drive=ID) or if=pflash; "
                    "QEMU's default if=virtio needs PCI, which is not modelled%s", d->file, "");
    if (!strcmp(iface, "none"))
        d->iface = DRIVE_IF_NONE;
    else if (!strcmp(iface, "pflash"))
        d->iface = DRIVE_IF_PFLASH;
    else
        return fail("-drive if=%s: supported interfaces: none, pflash%s", iface, "");
    if (d->iface == DRIVE_IF_NONE && !d->id)
        return fail("-drive file=%s,if=none: needs id=ID for -device ...,drive=ID%s", d->file, "");
    if (d->id && opt_find_drive(o, d->id))
        return fail("-drive id=%s: duplicate id%s", d->id, "");
    o->ndrives++;
    return OPT_OK;
}

/* -fw_cfg [name=]NAME,file=F|string=S: QEMU's rules (vl.c
 * parse_fw_cfg): a name and exactly one of file/string; names of 56
 * characters or more refused; names outside "opt/" only warned about.
 * The file is read when the machine is built (a missing one is an error
 * there). */
static int parse_fw_cfg(char *arg, VirtOptions *o)
{
    if (o->nfw_cfg >= VIRT_MAX_FW_CFG)
        return fail("-fw_cfg: too many (at most %s)%s", "16", "");
    FwCfgSpec *f = &o->fw_cfg[o->nfw_cfg];
    memset(f, 0, sizeof(*f));
    char *cur = arg, *k, *v;
    bool first = true;
    while (opt_next_prop(&cur, &k, &v)) {
        if (!v && first) {   /* implied name= */
            f->name = k;
        } else if (!v) {
            return fail("-fw_cfg: '%s' needs a value%s", k, "");
        } else if (!strcmp(k, "name")) {
            f->name = v;
        } else if (!strcmp(k, "file")) {
            f->file = v;
        } else if (!strcmp(k, "string")) {
            f->string = v;
        } else if (!strcmp(k, "gen_id")) {
            return fail("-fw_cfg gen_id=%s: generated items (vmgenid) are not modelled%s", v, "");
        } else {
            return fail("-fw_cfg: unsupported option '%s'%s", k, "");
        }
        first = false;
    }
    if (f->file && !*f->file)
        f->file = NULL;
    if (f->string && !*f->string)
        f->string = NULL;
    if (!f->name || !*f->name || (f->file != NULL) + (f->string != NULL) != 1)
        return fail("-fw_cfg: name, plus exactly one of file and string, are needed%s%s", "", "");
    if (strlen(f->name) > 55)
        return fail("-fw_cfg name=%s: name too long (max. 55 char)%s", f->name, "");
    if (strncmp(f->name, "opt/", 4))
        fprintf(stderr, "hyperstep: warning: -fw_cfg name=%s: externally provided fw_cfg item names "
                "should be prefixed with \"opt/\"\n", f->name);
    for (unsigned i = 0; i < o->nfw_cfg; i++)
        if (!strcmp(o->fw_cfg[i].name, f->name))
            return fail("-fw_cfg name=%s: duplicate fw_cfg file name%s", f->name, "");
    o->nfw_cfg++;
    return OPT_OK;
}

/* The -global names we model (DRIVER.PROP), NULL-terminated: a -global
 * naming anything else is refused. */
static const char *const known_globals[] = {
    NULL,
};

/* -global DRIVER.PROP=VALUE */
static int parse_global(char *arg, VirtOptions *o)
{
    if (o->nglobals >= VIRT_MAX_GLOBALS)
        return fail("-global: too many (at most %s)%s", "16", "");
    char *val;
    char *name = kv(arg, &val);
    char *dot = strchr(name, '.');
    if (!val || !dot || dot == name || !dot[1])
        return fail("-global %s: expected DRIVER.PROP=VALUE%s", arg, "");
    size_t i;
    for (i = 0; known_globals[i] && strcmp(known_globals[i], name); i++)
        ;
    if (!known_globals[i])
        return fail("-global %s: property not modelled%s", name, "");
    *dot = 0;
    o->global[o->nglobals++] = (GlobalSpec){name, dot + 1, val};
    return OPT_OK;
}

bool opt_next_prop(char **cursor, char **key, char **val)
{
    while (*cursor && **cursor == ',')
        (*cursor)++;
    if (!*cursor || !**cursor)
        return false;
    char *t = *cursor;
    char *comma = strchr(t, ',');
    if (comma) {
        *comma = 0;
        *cursor = comma + 1;
    } else {
        *cursor = NULL;
    }
    *key = kv(t, val);
    return true;
}

const DriveSpec *opt_find_drive(const VirtOptions *o, const char *id)
{
    for (unsigned i = 0; i < o->ndrives; i++)
        if (o->drive[i].id && !strcmp(o->drive[i].id, id))
            return &o->drive[i];
    return NULL;
}

const char *opt_global(const VirtOptions *o, const char *driver, const char *prop)
{
    for (unsigned i = o->nglobals; i-- > 0;)
        if (!strcmp(o->global[i].driver, driver) && !strcmp(o->global[i].prop, prop))
            return o->global[i].value;
    return NULL;
}

/* -device DRIVER[,PROPS]: loader is parsed here; any other driver is kept
 * for the board (virt_create) to build or refuse by name. */
static int parse_device(char *arg, VirtOptions *o)
{
    size_t n = strcspn(arg, ",");
    if (n == 6 && !strncmp(arg, "loader", 6))
        return parse_loader(arg, o);
    if (n == 0)
        return fail("-device: expected DRIVER[,PROP=VALUE...]%s%s", "", "");
    if (o->ndevices >= VIRT_MAX_DEVICES)
        return fail("-device %s: too many devices (at most %s)", arg, "64");
    DeviceSpec *d = &o->device[o->ndevices++];
    d->driver = arg;
    d->props = arg[n] ? arg + n + 1 : NULL;
    arg[n] = 0;
    return OPT_OK;
}

static int parse_loader(char *arg, VirtOptions *o)
{
    if (o->nloaders >= VIRT_MAX_LOADERS)
        return fail("-device loader: too many loaders%s%s", "", "");
    LoaderSpec *l = &o->loader[o->nloaders];
    memset(l, 0, sizeof(*l));
    l->cpu_num = -1;
    char *save = NULL;
    char *t = strtok_r(arg, ",", &save);
    if (!t || strcmp(t, "loader"))
        return fail("-device %s: unsupported device (only 'loader')%s", t ? t : "", "");
    while ((t = strtok_r(NULL, ",", &save))) {
        char *v;
        char *k = kv(t, &v);
        u64 x;
        if (!v)
            return fail("-device loader: '%s' needs a value%s", k, "");
        if (!strcmp(k, "file")) {
            l->file = v;
        } else if (!strcmp(k, "addr")) {
            if (!opt_parse_u64(v, &l->addr))
                return fail("-device loader: addr=%s is not a number%s", v, "");
            l->has_addr = true;
        } else if (!strcmp(k, "cpu-num")) {
            if (!opt_parse_u64(v, &x) || x >= HS_MAX_CPUS)
                return fail("-device loader: cpu-num=%s is not a core number%s", v, "");
            l->cpu_num = (int)x;
        } else if (!strcmp(k, "force-raw")) {
            if (!on_off(v, &l->force_raw))
                return fail("-device loader: force-raw=%s: expected on or off%s", v, "");
        } else {
            return fail("-device loader: unknown option '%s'%s", k, "");
        }
    }
    if (l->file && !l->has_addr && (l->force_raw || !file_is_elf(l->file)))
        return fail("-device loader,file=%s: a raw file needs addr=%s", l->file, "");
    if (!l->file && (!l->has_addr || l->cpu_num < 0))
        return fail("-device loader: without file= give addr= and cpu-num=%s%s", "", "");
    o->nloaders++;
    return OPT_OK;
}

void opt_usage(FILE *f)
{
    fputs("usage: hyperstep [options]\n"
          "Machine (qemu-system-aarch64 compatible):\n"
          "  -M virt[,secure=on|off][,virtualization=on|off][,gic-version=2|3|max][,dumpdtb=F]\n"
          "  -cpu cortex-a53      -smp N[,clusters=C,cores=K]     -m SIZE[M|G]\n"
          "  -kernel F  -bios F  -initrd F  -append S  -dtb F\n"
          "  -device loader,file=F[,addr=A][,cpu-num=N][,force-raw=on]   -device loader,addr=A,cpu-num=N\n"
          "  -drive file=F,if=none|pflash,format=raw[,id=ID][,unit=N][,readonly=on][,cache=M][,snapshot=on]\n"
          "  -fw_cfg [name=]opt/NAME,file=F|string=S\n"
          "  -snapshot (writes to every -drive stay in memory)   -global DRIVER.PROP=VALUE\n"
          "  -semihosting  -semihosting-config enable=on[,arg=S]...  -nographic  -net none  -no-reboot\n"
          "  -serial stdio|mon:stdio|file:F|chardev:ID\n"
          "  -chardev stdio,id=ID[,mux=on]  -chardev file,id=ID,path=F\n"
          "  -d LIST (mapped to --trace)  -D FILE (= --trace-file)\n"
          "  -s (= -gdb tcp::1234)  -S (stop before the first instruction, wait for gdb)\n"
          "  -gdb tcp::PORT | tcp:HOST:PORT | unix:PATH   (TCP listens on 127.0.0.1 unless HOST)\n"
          "hyperstep options:\n"
          "  --trace LIST         insn,exc,psci,mmio,gic,timer,mmu,sched,regs,all\n"
          "  --trace-file F       write traces to F (default stderr)\n"
          "  --trace-core LIST    trace only these cores (0,2 or 1-3)\n"
          "  --trace-el LIST      trace only lines at these ELs (exceptions: the target EL;\n"
          "                       ERET: the EL returned from)\n"
          "  --trace-range LO-HI  trace only addresses in [LO,HI]: PC for insn/exc/regs,\n"
          "                       PA for mmio, VA for mmu, the core's PC for the others\n"
          "  --quantum N          round-robin slot in instructions (default 1000)\n"
          "  --mpidr-layout qemu|fvp  MPIDR affinity: QEMU virt (Aff0 = core % 16 (GICv3) or 8)\n"
          "                       or FVP (Aff1 = cluster, Aff0 = core in cluster)\n"
          "  --pctl-startup all|core0  guest-EL3 mode: cores powered at reset (default all)\n"
          "  --stop-after N       stop after N steps of virtual instruction time (exit 4)\n"
          "  --rtc-epoch S        PL031 RTC reads S seconds at reset (default 1700000000)\n"
          "  --no-stdin           do not feed host stdin to the UART\n"
          "  --digest-every N     print a state digest of every core and of memory written every N steps\n"
          "  --digest-file F      write the digests to F instead of the trace output\n"
          "  --expect-digests F   compare with stored digests; first difference -> exit 5\n"
          "  --step-log F         one line per retired instruction with its register delta ('-' = stdout)\n"
          "  --tarmac F           Tarmac trace (instructions, register writes, memory accesses)\n"
          "  --record F           record host input (UART) with its steps, plus checkpoints\n"
          "  --replay F           replay a record: same input at the same steps; divergence -> exit 5\n"
          "hyperstep replay-diff A B   first differing step of two step logs or digest lists\n"
          "  --stats              at exit: instructions retired, wall time and MIPS (stderr)\n"
          "  --help               this text\n"
          "Exit status: the guest's (semihosting SYS_EXIT), 0 after PSCI SYSTEM_OFF,\n"
          "1 bad options or images, 3 every core waits with nothing to wake it, 4 --stop-after,\n"
          "5 digest mismatch.\n", f);
}

/* QEMU -d items that map onto our trace categories. */
static int parse_d(const char *arg, VirtOptions *o)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", arg);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "in_asm") || !strcmp(t, "exec") || !strcmp(t, "nochain"))
            o->trace |= TRACE_INSN;
        else if (!strcmp(t, "int"))
            o->trace |= TRACE_EXC;
        else if (!strcmp(t, "cpu"))
            o->trace |= TRACE_INSN | TRACE_REGS;
        else if (!strcmp(t, "guest_errors") || !strcmp(t, "unimp"))
            o->trace |= TRACE_MMIO;
        else if (!strcmp(t, "mmu"))
            o->trace |= TRACE_MMU;
        else
            return fail("-d %s: not supported (in_asm, exec, int, cpu, guest_errors, unimp, mmu)%s", t, "");
    }
    return OPT_OK;
}

/* A copy of V owned by O (fields point into it after strtok_r), or NULL if
 * out of memory or too many such arguments. */
static char *own(VirtOptions *o, const char *v)
{
    if (o->nowned >= sizeof(o->owned) / sizeof(o->owned[0]))
        return NULL;
    char *s = strdup(v);
    if (s)
        o->owned[o->nowned++] = s;
    return s;
}

void opt_free(VirtOptions *o)
{
    for (unsigned i = 0; i < o->nowned; i++)
        free(o->owned[i]);
    o->nowned = 0;
}

/* What an option does: opt_parse() dispatches on it. */
typedef enum OptId {
    O_HELP, O_MACHINE, O_CPU, O_SMP, O_MEM, O_KERNEL, O_BIOS, O_INITRD, O_APPEND, O_DTB, O_DEVICE,
    O_SEMIHOSTING, O_SEMIHOSTING_CONFIG, O_NOGRAPHIC, O_NO_REBOOT, O_DISPLAY, O_NET, O_CHARDEV,
    O_SERIAL, O_GDB_DEFAULT, O_GDB_WAIT, O_GDB, O_QEMU_LOG, O_TRACE_FILE, O_TRACE, O_TRACE_CORE,
    O_TRACE_EL, O_TRACE_RANGE, O_QUANTUM, O_STOP_AFTER, O_MPIDR_LAYOUT, O_PCTL_STARTUP, O_RTC_EPOCH,
    O_NO_STDIN, O_DIGEST_EVERY, O_DIGEST_FILE, O_RECORD, O_REPLAY, O_TARMAC, O_STEP_LOG,
    O_EXPECT_DIGESTS, O_STATS, O_DRIVE, O_GLOBAL, O_SNAPSHOT, O_FW_CFG,
} OptId;

/* Every option, one row per spelling.  NAME: as typed; QEMU's options
 * ("-x") are also accepted as "--x", as QEMU does, while hyperstep's own
 * are spelled "--x" only.  VALUE: the next argument is the option's value.
 * OBSERVER: the option only observes the run (traces, checkpoints, the
 * debugger, statistics) or names the record itself, so a record's command
 * line leaves it out (opt_is_observer, machine/record.c). */
static const struct OptSpec {
    const char *name;
    OptId id;
    bool value, observer;
} opt_table[] = {
    {"--help", O_HELP, false, false},
    {"-h", O_HELP, false, false},
    {"-help", O_HELP, false, false},
    {"-M", O_MACHINE, true, false},
    {"-machine", O_MACHINE, true, false},
    {"-cpu", O_CPU, true, false},
    {"-smp", O_SMP, true, false},
    {"-m", O_MEM, true, false},
    {"-kernel", O_KERNEL, true, false},
    {"-bios", O_BIOS, true, false},
    {"-initrd", O_INITRD, true, false},
    {"-append", O_APPEND, true, false},
    {"-dtb", O_DTB, true, false},
    {"-device", O_DEVICE, true, false},
    {"-drive", O_DRIVE, true, false},
    {"-global", O_GLOBAL, true, false},
    {"-snapshot", O_SNAPSHOT, false, false},
    {"-fw_cfg", O_FW_CFG, true, false},
    {"-semihosting", O_SEMIHOSTING, false, false},
    {"-semihosting-config", O_SEMIHOSTING_CONFIG, true, false},
    {"-nographic", O_NOGRAPHIC, false, false},
    {"-no-reboot", O_NO_REBOOT, false, false},
    {"-display", O_DISPLAY, true, false},
    {"-net", O_NET, true, false},
    {"-nic", O_NET, true, false},
    {"-chardev", O_CHARDEV, true, false},
    {"-serial", O_SERIAL, true, false},
    {"-s", O_GDB_DEFAULT, false, true},
    {"-S", O_GDB_WAIT, false, true},
    {"-gdb", O_GDB, true, true},
    {"-d", O_QEMU_LOG, true, true},
    {"-D", O_TRACE_FILE, true, true},
    {"--trace-file", O_TRACE_FILE, true, true},
    {"--trace", O_TRACE, true, true},
    /* The trace filters only observe too, but a record's command line
     * keeps them: replaying a record that holds them compares them. */
    {"--trace-core", O_TRACE_CORE, true, false},
    {"--trace-el", O_TRACE_EL, true, false},
    {"--trace-range", O_TRACE_RANGE, true, false},
    {"--quantum", O_QUANTUM, true, false},
    {"--stop-after", O_STOP_AFTER, true, false},
    {"--mpidr-layout", O_MPIDR_LAYOUT, true, false},
    {"--pctl-startup", O_PCTL_STARTUP, true, false},
    {"--rtc-epoch", O_RTC_EPOCH, true, false},
    {"--no-stdin", O_NO_STDIN, false, false},
    {"--digest-every", O_DIGEST_EVERY, true, true},
    {"--digest-file", O_DIGEST_FILE, true, true},
    {"--record", O_RECORD, true, true},
    {"--replay", O_REPLAY, true, true},
    {"--tarmac", O_TARMAC, true, true},
    {"--step-log", O_STEP_LOG, true, true},
    {"--expect-digests", O_EXPECT_DIGESTS, true, true},
    {"--stats", O_STATS, false, true},
};

/* The row of ARG, or NULL if it is no option. */
static const struct OptSpec *opt_find(const char *arg)
{
    for (size_t i = 0; i < ARRAY_SIZE(opt_table); i++)
        if (!strcmp(arg, opt_table[i].name))
            return &opt_table[i];
    /* --x for a QEMU option -x (hyperstep's own "--x" matched above). */
    if (arg[0] == '-' && arg[1] == '-')
        for (size_t i = 0; i < ARRAY_SIZE(opt_table); i++)
            if (!strcmp(arg + 1, opt_table[i].name))
                return &opt_table[i];
    return NULL;
}

bool opt_is_observer(const char *arg, int *nargs)
{
    const struct OptSpec *s = opt_find(arg);
    if (nargs)
        *nargs = s && s->value ? 2 : 1;
    return s && s->observer;
}

const char *opt_name_at(unsigned i, bool *value, bool *observer)
{
    if (i >= ARRAY_SIZE(opt_table))
        return NULL;
    if (value)
        *value = opt_table[i].value;
    if (observer)
        *observer = opt_table[i].observer;
    return opt_table[i].name;
}

int opt_parse(int argc, char **argv, VirtOptions *o)
{
    virt_default_options(o);
    for (int i = 1; i < argc; i++) {
        const char *orig = argv[i];
        const struct OptSpec *spec = opt_find(orig);
        if (!spec)
            return fail("unknown or unsupported option '%s' (see --help)%s", orig, "");
        const char *a = spec->name;   /* as matched: "--x" of a QEMU option -x is "-x" */
        const char *v = NULL;
        if (spec->value) {
            if (i + 1 >= argc)
                return fail("option %s needs an argument%s", a, "");
            v = argv[++i];
        }
        switch (spec->id) {
        case O_HELP:
            opt_usage(stdout);
            return OPT_EXIT;
        case O_MACHINE: {
            char *s = own(o, v);
            if (!s)
                return fail("%s %s: too many -M/-device options", a, v);
            int r = parse_machine(s, o);
            if (r != OPT_OK)
                return r;
            break;
        }
        case O_CPU:
            if (strcmp(v, "cortex-a53"))
                return fail("-cpu %s: only cortex-a53 is modelled%s", v, "");
            break;
        case O_SMP: {
            char *s = strdup(v);
            if (!s)
                return fail("-smp %s: out of memory%s", v, "");
            int r = parse_smp(s, o);   /* keeps no pointer into S */
            free(s);
            if (r != OPT_OK)
                return r;
            break;
        }
        case O_MEM:
            if (!parse_size(v, &o->ram_size))
                return fail("-m %s: expected a size like 512M or 4G%s", v, "");
            break;
        case O_KERNEL:
            o->kernel = v;
            break;
        case O_BIOS:
            o->bios = v;
            break;
        case O_INITRD:
            o->initrd = v;
            break;
        case O_APPEND:
            o->append = v;
            break;
        case O_DTB:
            o->dtb = v;
            break;
        case O_DEVICE: {
            char *s = own(o, v);
            if (!s)
                return fail("%s %s: too many -M/-device options", a, v);
            int r = parse_device(s, o);
            if (r != OPT_OK)
                return r;
            break;
        }
        case O_DRIVE: {
            char *s = own(o, v);
            if (!s)
                return fail("%s %s: too many option arguments", a, v);
            int r = parse_drive(s, o);
            if (r != OPT_OK)
                return r;
            break;
        }
        case O_GLOBAL: {
            char *s = own(o, v);
            if (!s)
                return fail("%s %s: too many option arguments", a, v);
            int r = parse_global(s, o);
            if (r != OPT_OK)
                return r;
            break;
        }
        case O_SNAPSHOT:
            o->snapshot = true;
            break;
        case O_FW_CFG: {
            char *s = own(o, v);
            if (!s)
                return fail("%s %s: too many option arguments", a, v);
            int r = parse_fw_cfg(s, o);
            if (r != OPT_OK)
                return r;
            break;
        }
        case O_SEMIHOSTING:
            o->semihosting = true;
            break;
        case O_SEMIHOSTING_CONFIG:
            if (!strstr(v, "enable=on"))
                return fail("-semihosting-config %s: enable=on is required (arg=S may follow)%s", v, "");
            o->semihosting = true;
            o->semihosting_config = v;
            break;
        case O_NOGRAPHIC:
            break;
        case O_NO_REBOOT:
            o->no_reboot = true;
            break;
        case O_DISPLAY:
            if (strcmp(v, "none"))
                return fail("-display %s: only 'none' (headless)%s", v, "");
            break;
        case O_NET:
            if (strcmp(v, "none"))
                return fail("%s %s: no network devices are modelled (use 'none')", a, v);
            break;
        case O_CHARDEV: {
            /* -chardev stdio,id=ID[,mux=on][,signal=off] or file,id=ID,path=F */
            char *copy = own(o, v);   /* the chardev's id and path point into it */
            if (!copy)
                return fail("-chardev %s: too many option arguments%s", v, "");
            int r = parse_chardev(copy, o);
            if (r != OPT_OK)
                return r;
            break;
        }
        case O_SERIAL:
            if (!strcmp(v, "stdio") || !strcmp(v, "mon:stdio")) {
                o->serial_file = NULL;
            } else if (!strncmp(v, "file:", 5)) {
                o->serial_file = v + 5;
            } else if (!strncmp(v, "chardev:", 8)) {
                unsigned k;
                for (k = 0; k < o->nchardevs && strcmp(o->chardev[k].id, v + 8); k++)
                    ;
                if (k == o->nchardevs)
                    return fail("-serial %s: no -chardev with id=%s defined before it", v, v + 8);
                o->serial_file = o->chardev[k].path;
            } else {
                return fail("-serial %s: supported: stdio, mon:stdio, file:F, chardev:ID%s", v, "");
            }
            break;
        case O_GDB_DEFAULT:
            o->gdb = "tcp::1234";
            break;
        case O_GDB_WAIT:
            o->gdb_wait = true;
            break;
        case O_GDB:
            o->gdb = v;
            break;
        case O_QEMU_LOG: {
            int r = parse_d(v, o);
            if (r != OPT_OK)
                return r;
            break;
        }
        case O_TRACE_FILE:
            o->trace_file = v;
            break;
        case O_TRACE: {
            char err[200];
            if (!trace_parse(v, &o->trace, err, sizeof(err)))
                return fail("--trace: %s%s", err, "");
            break;
        }
        case O_TRACE_CORE: {
            char err[200];
            if (!trace_parse_cores(v, &o->trace_cores, err, sizeof(err)))
                return fail("--trace-core %s%s", err, "");
            break;
        }
        case O_TRACE_EL: {
            char err[200];
            if (!trace_parse_els(v, &o->trace_els, err, sizeof(err)))
                return fail("--trace-el %s%s", err, "");
            break;
        }
        case O_TRACE_RANGE: {
            char err[200];
            if (!trace_parse_range(v, &o->trace_lo, &o->trace_hi, err, sizeof(err)))
                return fail("--trace-range %s%s", err, "");
            o->trace_range = true;
            break;
        }
        case O_QUANTUM:
            if (!opt_parse_u64(v, &o->quantum) || o->quantum == 0 || o->quantum > 100000000)
                return fail("--quantum %s: expected 1..100000000 instructions%s", v, "");
            break;
        case O_STOP_AFTER:
            if (!opt_parse_u64(v, &o->stop_after) || !o->stop_after)
                return fail("--stop-after %s: expected a positive step count%s", v, "");
            break;
        case O_MPIDR_LAYOUT:
            if (!strcmp(v, "fvp"))
                o->mpidr_fvp = true;
            else if (!strcmp(v, "qemu"))
                o->mpidr_fvp = false;
            else
                return fail("--mpidr-layout %s: expected qemu or fvp%s", v, "");
            break;
        case O_PCTL_STARTUP:
            if (!strcmp(v, "core0"))
                o->pctl_startup_core0 = true;
            else if (!strcmp(v, "all"))
                o->pctl_startup_core0 = false;
            else
                return fail("--pctl-startup %s: expected core0 or all%s", v, "");
            break;
        case O_RTC_EPOCH:
            if (!opt_parse_u64(v, &o->rtc_epoch) || o->rtc_epoch > 0xffffffffull)
                return fail("--rtc-epoch %s: expected seconds 0..4294967295%s", v, "");
            break;
        case O_NO_STDIN:
            o->no_stdin = true;
            break;
        case O_DIGEST_EVERY:
            if (!opt_parse_u64(v, &o->digest_every) || !o->digest_every)
                return fail("--digest-every %s: expected a positive step count%s", v, "");
            break;
        case O_DIGEST_FILE:
            o->digest_file = v;
            break;
        case O_RECORD:
            o->record = v;
            break;
        case O_REPLAY:
            o->replay = v;
            o->no_stdin = true;   /* input comes from the record */
            break;
        case O_TARMAC:
            o->tarmac = v;
            break;
        case O_STEP_LOG:
            o->step_log = v;
            break;
        case O_EXPECT_DIGESTS:
            o->expect_digests = v;
            break;
        case O_STATS:
            o->stats = true;
            break;
        }
    }
    for (unsigned i = 0; o->snapshot && i < o->ndrives; i++)
        o->drive[i].snapshot = true;
    if (o->gdb_wait && !o->gdb)
        return fail("-S (start stopped) needs a debugger connection: add -s or -gdb DEV%s%s", "", "");
    if (o->record && o->replay)
        return fail("--record and --replay cannot be used together%s%s", "", "");
    /* meson -Dtrace=false compiled the trace hooks away: refuse the options
     * that need them. */
    if (!HS_TRACE_ON && (o->trace || o->tarmac || o->step_log || o->trace_cores || o->trace_els ||
                         o->trace_range))
        return fail("--trace, -d, --tarmac, --step-log and --trace-*: hyperstep was built without "
                    "tracing (meson -Dtrace=false)%s%s", "", "");
    return OPT_OK;
}

void record_args_line(int argc, char **argv, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 1; i < argc; i++) {
        int nargs;
        if (!opt_is_observer(argv[i], &nargs))
            for (int j = 0; j < nargs && i + j < argc; j++)
                k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "%s%s", k ? " " : "", argv[i + j]);
        i += nargs - 1;
    }
}

static bool file_hash(const char *path, u64 *h)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    u8 *buf = malloc(65536);
    size_t got;
    *h = 0;
    while (buf && (got = fread(buf, 1, 65536, f)) > 0)
        *h = digest_hash(*h, buf, got);
    fclose(f);
    free(buf);
    return buf != NULL;
}

void record_image_lines(const VirtOptions *o, char *buf, size_t n)
{
    const struct { const char *opt, *path; } img[] = {
        {"-kernel", o->kernel}, {"-bios", o->bios}, {"-initrd", o->initrd}, {"-dtb", o->dtb},
    };
    size_t k = 0;
    buf[0] = 0;
    u64 h;
    for (size_t i = 0; i < ARRAY_SIZE(img); i++)
        if (img[i].path && file_hash(img[i].path, &h))
            k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "image %s %s %016llx\n", img[i].opt,
                                  img[i].path, (unsigned long long)h);
    for (unsigned i = 0; i < o->nfw_cfg; i++)
        if (o->fw_cfg[i].file && file_hash(o->fw_cfg[i].file, &h))
            k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "image fw_cfg %s %s %016llx\n",
                                  o->fw_cfg[i].name, o->fw_cfg[i].file, (unsigned long long)h);
    for (unsigned i = 0; i < o->ndrives; i++)
        if (o->drive[i].iface == DRIVE_IF_PFLASH && file_hash(o->drive[i].file, &h))
            k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "image pflash %s %016llx\n",
                                  o->drive[i].file, (unsigned long long)h);
    for (unsigned i = 0; i < o->nloaders; i++)
        if (o->loader[i].file && file_hash(o->loader[i].file, &h))
            k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "image loader %s %016llx\n",
                                  o->loader[i].file, (unsigned long long)h);
}
