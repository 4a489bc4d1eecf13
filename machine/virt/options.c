/*
 * machine/virt/options.c — command line: the qemu-system-aarch64 options our
 * users already type, plus hyperstep's own (--trace, ...).  Every unknown or
 * unsupported option is one clear error naming it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_model.h"
#include "machine/virt/options.h"
#include "trace/digest.h"
#include "trace/trace.h"

static char *own(VirtOptions *o, const char *v);

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

/* -machine [TYPE][,PROP=V...]: repeated -machine options merge as QEMU's
 * do (a later one may omit the type; later properties override). */
static int parse_machine(char *arg, VirtOptions *o)
{
    char *save = NULL;
    char *t = strtok_r(arg, ",", &save);
    if (!t)
        return fail("-M: expected virt[,PROP=VALUE...]%s%s", "", "");
    bool first = true;
    for (; t; t = strtok_r(NULL, ",", &save), first = false) {
        char *v;
        char *k = kv(t, &v);
        if (first && !v) {   /* the machine type */
            if (strcmp(k, "virt"))
                return fail("unsupported machine '%s' (only 'virt')%s", k, "");
            continue;
        }
        if (!v)
            return fail("-M virt: option '%s' needs a value%s", k, "");
        if (!strcmp(k, "type")) {
            if (strcmp(v, "virt"))
                return fail("unsupported machine '%s' (only 'virt')%s", v, "");
        } else if (!strcmp(k, "accel")) {
            if (strcmp(v, "tcg"))
                return fail("-machine accel=%s: only tcg (hyperstep's interpreter) is available%s", v, "");
        } else if (!strcmp(k, "secure")) {
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

/* -chardev BACKEND,id=ID,... (machine/chardev.h chardev_parse). */
static int parse_chardev(char *arg, VirtOptions *o)
{
    char err[256];
    if (o->nchardevs >= ARRAY_SIZE(o->chardev))
        return fail("-chardev: too many character devices (at most %s)%s", "8", "");
    if (!chardev_parse(arg, &o->chardev[o->nchardevs], err, sizeof(err)))
        return fail("%s%s", err, "");
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
    "virtio-mmio.force-legacy",
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

/* -mon chardev=ID[,mode=readline][,pretty=on|off]: the human monitor on an
 * existing chardev (QMP, mode=control, is not provided). */
static int parse_mon(const char *arg, VirtOptions *o)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", arg);
    char *save = NULL;
    const char *id = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *v;
        char *k = kv(t, &v);
        bool b;
        if (!v)
            return fail("-mon %s: '%s' needs a value", arg, k);
        if (!strcmp(k, "chardev")) {
            id = arg + (v - buf);
        } else if (!strcmp(k, "mode")) {
            if (!strcmp(v, "control"))
                return fail("-mon %s: mode=control (QMP) is not provided; only mode=readline%s", arg, "");
            if (strcmp(v, "readline"))
                return fail("-mon %s: mode=%s: expected readline", arg, v);
        } else if (!strcmp(k, "pretty")) {
            if (!on_off(v, &b))
                return fail("-mon %s: pretty=%s: expected on or off", arg, v);
        } else {
            return fail("-mon %s: unknown option '%s'", arg, k);
        }
    }
    if (!id)
        return fail("-mon %s: needs chardev=ID%s", arg, "");
    /* ID points into ARG (argv): cut it at the next comma in a copy. */
    char *copy = own(o, id);
    if (!copy)
        return fail("-mon %s: too many option arguments%s", arg, "");
    copy[strcspn(copy, ",")] = 0;
    o->monitor_chardev = copy;
    return OPT_OK;
}

/* The parsed -chardev (or implied chardev) with ID, or NULL. */
static ChardevSpec *chardev_find_spec(VirtOptions *o, const char *id)
{
    for (unsigned i = 0; i < o->nchardevs; i++)
        if (!strcmp(o->chardev[i].id, id))
            return &o->chardev[i];
    return NULL;
}

/* -accel tcg[,thread=single|multi]: every accelerator but TCG is refused by
 * name.  Either thread mode runs the cores round-robin on one host thread
 * (deterministic). */
static int parse_accel(const char *arg, VirtOptions *o)
{
    char buf[256];
    (void)o;
    snprintf(buf, sizeof(buf), "%s", arg);
    char *save = NULL;
    char *t = strtok_r(buf, ",", &save);
    if (!t || strcmp(t, "tcg"))
        return fail("-accel %s: only tcg (hyperstep's interpreter) is available%s", t ? t : "", "");
    while ((t = strtok_r(NULL, ",", &save))) {
        char *v;
        char *k = kv(t, &v);
        if (!strcmp(k, "thread") && v && (!strcmp(v, "single") || !strcmp(v, "multi")))
            continue;
        if (!strcmp(k, "thread"))
            return fail("-accel tcg,thread=%s: expected single or multi%s", v ? v : "", "");
        return fail("-accel tcg: unsupported option '%s' (only thread=single|multi)%s", k, "");
    }
    return OPT_OK;
}

/* -icount [shift=]N|auto[,align=off][,sleep=off]: virtual time advances 2^N
 * ns per instruction (N 0..10, QEMU's range).  auto: QEMU adapts the shift
 * to host speed starting from 3; here it stays 3, since guest time must
 * not depend on the host.  align=on, sleep=on and rr= tie guest time to the
 * host or record through QEMU's mechanism and are refused by name. */
static int parse_icount(const char *arg, VirtOptions *o)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", arg);
    char *save = NULL;
    bool shift_seen = false;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *v;
        char *k = kv(t, &v);
        if (!v) {   /* the bare first form: "-icount 3" or "-icount auto" */
            v = k;
            k = "shift";
        }
        if (!strcmp(k, "shift")) {
            u64 n;
            if (!strcmp(v, "auto"))
                n = 3;
            else if (!opt_parse_u64(v, &n) || n > 10)
                return fail("-icount shift=%s: expected 0..10 or auto%s", v, "");
            o->ns_per_insn = 1ull << n;
            shift_seen = true;
        } else if (!strcmp(k, "align") || !strcmp(k, "sleep")) {
            bool b;
            if (!on_off(v, &b))
                return fail("-icount %s=%s: expected on or off", k, v);
            if (b)
                return fail("-icount %s=on: ties virtual time to host time; hyperstep's time is instructions "
                            "retired only (use %s=off)", k, k);
        } else if (!strcmp(k, "rr") || !strcmp(k, "rrfile") || !strcmp(k, "rrsnapshot")) {
            return fail("-icount %s=: QEMU's record/replay is not provided; use --record F / --replay F%s", k, "");
        } else {
            return fail("-icount: unknown option '%s' (shift=N|auto, align=off, sleep=off)%s", k, "");
        }
    }
    if (!shift_seen)
        return fail("-icount %s: needs shift=N (0..10) or auto%s", arg, "");
    return OPT_OK;
}

/* Add the chardev a -serial/-monitor short form describes, id ID.  *NONE
 * set for "none".  ARG is copied. */
static int compat_chardev(VirtOptions *o, const char *opt, const char *arg, const char *id, bool *none)
{
    char err[256];
    if (o->nchardevs >= ARRAY_SIZE(o->chardev))
        return fail("%s %s: too many character devices", opt, arg);
    char *copy = own(o, arg);
    if (!copy)
        return fail("%s %s: too many option arguments", opt, arg);
    ChardevSpec *s = &o->chardev[o->nchardevs];
    if (!chardev_parse_compat(opt, copy, id, s, none, err, sizeof(err)))
        return fail("%s%s", err, "");
    if (!*none)
        o->nchardevs++;
    return OPT_OK;
}

/* After parsing: the chardevs of the serial port and the monitor.  As QEMU
 * with -nographic: with neither -serial nor a monitor option, the serial
 * port and the monitor share stdio (mon:stdio, Ctrl-A c switches); with one
 * of them given, the other gets stdio of its own; -nodefaults gives neither
 * default.  -serial mon:DEV makes DEV a mux with the monitor on it. */
static int resolve_chardevs(VirtOptions *o)
{
    static const char *const serial_ids[VIRT_MAX_SERIAL] = {"serial0", "serial1"};
    bool default_serial = !o->nserial && !o->nodefaults;
    bool default_monitor = !o->monitor_arg && !o->nodefaults;
    const char *monitor = o->monitor_arg;
    if (default_serial && default_monitor)
        o->serial_arg[o->nserial++] = "mon:stdio";
    else if (default_serial)
        o->serial_arg[o->nserial++] = "stdio";
    else if (default_monitor)
        monitor = "stdio";
    if (monitor && !strcmp(monitor, "-mon"))
        monitor = NULL;   /* -mon chardev=ID: monitor_chardev is set */
    bool none;
    for (unsigned i = 0; i < o->nserial; i++) {
        const char *serial = o->serial_arg[i];
        if (!strncmp(serial, "chardev:", 8)) {
            if (!chardev_find_spec(o, serial + 8))
                return fail("-serial %s: no -chardev with id=%s", serial, serial + 8);
            o->serial_chardev[i] = serial + 8;
            continue;
        }
        bool mon = !strncmp(serial, "mon:", 4);
        int r = compat_chardev(o, "-serial", mon ? serial + 4 : serial, serial_ids[i], &none);
        if (r != OPT_OK)
            return r;
        if (mon && none)
            return fail("-serial %s: a monitor needs a character device%s", serial, "");
        if (!none)
            o->serial_chardev[i] = serial_ids[i];
        if (mon) {
            if (o->monitor_arg || o->monitor_chardev)
                return fail("-serial %s: only one monitor is supported (a -monitor/-mon or mon: is given too)%s",
                            serial, "");
            o->chardev[o->nchardevs - 1].mux = true;
            o->monitor_chardev = serial_ids[i];
        }
    }
    if (monitor && !strncmp(monitor, "chardev:", 8)) {
        o->monitor_chardev = monitor + 8;
    } else if (monitor) {
        int r = compat_chardev(o, "-monitor", monitor, "compat_monitor0", &none);
        if (r != OPT_OK)
            return r;
        if (!none)
            o->monitor_chardev = "compat_monitor0";
    }
    if (o->monitor_chardev && !chardev_find_spec(o, o->monitor_chardev))
        return fail("monitor: no -chardev with id=%s%s", o->monitor_chardev, "");
    for (unsigned i = 0; i < o->nserial; i++)
        for (unsigned k = 0; k < i; k++)
            if (o->serial_chardev[i] && o->serial_chardev[k] && !strcmp(o->serial_chardev[i], o->serial_chardev[k]) &&
                !chardev_find_spec(o, o->serial_chardev[i])->mux)
                return fail("chardev '%s' is used by two serial ports: it needs mux=on%s", o->serial_chardev[i], "");
    /* Two implicit stdio chardevs (-serial stdio -monitor stdio) are refused
     * when the set is opened, as QEMU refuses them. */
    return OPT_OK;
}

void opt_usage(FILE *f)
{
    fputs("usage: hyperstep [options]\n"
          "Machine (qemu-system-aarch64 compatible):\n"
          "  -M virt[,secure=on|off][,virtualization=on|off][,gic-version=2|3|max][,dumpdtb=F]\n"
          "  -cpu cortex-a53|cortex-a57|cortex-a72  -smp N[,clusters=C,cores=K]  -m SIZE[M|G]\n"
          "  -kernel F  -bios F  -initrd F  -append S  -dtb F\n"
          "  -device loader,file=F[,addr=A][,cpu-num=N][,force-raw=on]   -device loader,addr=A,cpu-num=N\n"
          "  -drive file=F,if=none|pflash,format=raw[,id=ID][,unit=N][,readonly=on][,cache=M][,snapshot=on]\n"
          "  -fw_cfg [name=]opt/NAME,file=F|string=S\n"
          "  -snapshot (writes to every -drive stay in memory)   -global DRIVER.PROP=VALUE\n"
          "  -device virtio-blk-device,drive=ID[,serial=S]  -device virtio-rng-device[,seed=N]\n"
          "      [,bus=virtio-mmio-bus.N]   -global virtio-mmio.force-legacy=on|off (default on)\n"
          "  -semihosting  -semihosting-config enable=on[,arg=S]...  -nographic  -net none  -no-reboot\n"
          "  -serial stdio|mon:stdio|null|none|file:F|pipe:P|tcp:[H]:PORT[,server=on,wait=off,telnet=on]|\n"
          "          unix:PATH[,server=on,wait=off]|chardev:ID   (default with no -serial/-monitor: mon:stdio)\n"
          "  -chardev stdio,id=ID[,mux=on][,signal=off]   -chardev file,id=ID,path=F[,append=on][,input-path=I]\n"
          "  -chardev pipe,id=ID,path=P   -chardev null,id=ID\n"
          "  -chardev socket,id=ID,(port=N[,host=H]|path=F)[,server=on][,wait=off][,telnet=on][,mux=on]\n"
          "  -mon chardev=ID[,mode=readline]   -monitor stdio|none|chardev:ID|...   -nodefaults\n"
          "      mux=on: Ctrl-A c console/monitor, Ctrl-A x quit, Ctrl-A h help, Ctrl-A Ctrl-A sends Ctrl-A\n"
          "  -accel tcg[,thread=single|multi]   -machine accel=tcg   -icount shift=N|auto (2^N ns/insn)\n"
          "          (a second -serial: the Secure UART, secure=on)\n"
          "  -d LIST (mapped to --trace)  -D FILE (= --trace-file)\n"
          "  -s (= -gdb tcp::1234)  -S (stop before the first instruction, wait for gdb)\n"
          "  -gdb tcp::PORT | tcp:HOST:PORT | unix:PATH   (TCP listens on 127.0.0.1 unless HOST)\n"
          "hyperstep options:\n"
          "  --trace LIST         insn,exc,psci,mmio,gic,timer,mmu,sched,regs,virtio,all\n"
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
          "  --no-stdin           stdio chardevs read nothing from stdin\n"
          "  --powerdown-at N     press the gpio-keys power key (PL061 pin 3) at step N (repeatable)\n"
          "  --digest-every N     print a state digest of every core and of memory written every N steps\n"
          "  --digest-file F      write the digests to F instead of the trace output\n"
          "  --expect-digests F   compare with stored digests; first difference -> exit 5\n"
          "  --step-log F         one line per retired instruction with its register delta ('-' = stdout)\n"
          "  --tarmac F           Tarmac trace (instructions, register writes, memory accesses)\n"
          "  --record F           record host input (every chardev, monitor commands too) with its steps,\n"
          "                       plus checkpoints\n"
          "  --replay F           replay a record: same input at the same steps; divergence -> exit 5\n"
          "hyperstep replay-diff A B   first differing step of two step logs or digest lists\n"
          "  --stats              at exit: instructions retired, wall time and MIPS (stderr)\n"
          "  --snapshot-save F[@STEP]  write the whole machine to F at the first round end at or\n"
          "                       after STEP (without @STEP: at the --stop-after step)\n"
          "  --snapshot-load F    start from snapshot F (same options and images; QEMU: -loadvm)\n"
          "  --reverse-budget MiB keep in-memory checkpoints (at most MiB) for gdb's reverse-stepi,\n"
          "                       reverse-continue... and 'monitor goto STEP' (needs --no-stdin or --replay)\n"
          "  --reverse-every N    steps between checkpoints (default 1000000; thinned to fit the budget)\n"
          "  --schedule-seed N    vary core order, slot lengths and core speeds per round, from seed N\n"
          "                       (deterministic: the same seed gives the same run)\n"
          "hyperstep explore -n K [-j J] [--marker TEXT] -- ARGS...   run ARGS with seeds 1..K, report\n"
          "                       pass/fail per seed and where a failing and a passing seed diverge\n"
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
    O_EXPECT_DIGESTS, O_STATS, O_DRIVE, O_GLOBAL, O_SNAPSHOT, O_POWERDOWN_AT,
    O_SNAPSHOT_SAVE, O_SNAPSHOT_LOAD, O_REVERSE_BUDGET, O_REVERSE_EVERY, O_SCHEDULE_SEED, O_FW_CFG,
    /* character devices, the monitor, QEMU accelerator/icount options */
    O_MONITOR, O_MON, O_NODEFAULTS, O_ACCEL, O_ICOUNT,
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
    {"--powerdown-at", O_POWERDOWN_AT, true, false},
    {"--digest-every", O_DIGEST_EVERY, true, true},
    {"--digest-file", O_DIGEST_FILE, true, true},
    {"--record", O_RECORD, true, true},
    {"--replay", O_REPLAY, true, true},
    {"--tarmac", O_TARMAC, true, true},
    {"--step-log", O_STEP_LOG, true, true},
    {"--expect-digests", O_EXPECT_DIGESTS, true, true},
    {"--stats", O_STATS, false, true},
    /* Snapshots: the file names the start state (as --replay names the
     * record); a snapshot's own identity leaves them out too. */
    {"--snapshot-save", O_SNAPSHOT_SAVE, true, true},
    {"--snapshot-load", O_SNAPSHOT_LOAD, true, true},
    /* In-memory checkpoints for the debugger's reverse execution. */
    {"--reverse-budget", O_REVERSE_BUDGET, true, true},
    {"--reverse-every", O_REVERSE_EVERY, true, true},
    /* Changes the schedule: part of a record's and a snapshot's identity. */
    {"--schedule-seed", O_SCHEDULE_SEED, true, false},
    /* Character devices, the monitor, -nodefaults, -accel, -icount. */
    {"-monitor", O_MONITOR, true, false},
    {"-mon", O_MON, true, false},
    {"-nodefaults", O_NODEFAULTS, false, false},
    {"-accel", O_ACCEL, true, false},
    {"-icount", O_ICOUNT, true, false},
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

/* VirtOptions defaults, as QEMU's virt board (declared in virt.h). */
void virt_default_options(VirtOptions *o)
{
    memset(o, 0, sizeof(*o));
    o->smp = 1;
    o->clusters = 1;
    o->ram_size = 128ull << 20;   /* QEMU's default -m */
    o->gic_version = 2;   /* QEMU 7.2 virt's default */
    o->quantum = 1000;
    o->ns_per_insn = 1;
    o->rtc_epoch = 1700000000;
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
            o->cpu_model = cpu_model_find(v);
            if (!o->cpu_model)
                return fail("-cpu %s: not modelled (modelled: %s)", v, cpu_model_names());
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
            char *copy = own(o, v);   /* the chardev's strings point into it */
            if (!copy)
                return fail("-chardev %s: too many option arguments%s", v, "");
            int r = parse_chardev(copy, o);
            if (r != OPT_OK)
                return r;
            break;
        }
        case O_SERIAL:
            if (o->nserial >= VIRT_MAX_SERIAL)
                return fail("-serial %s: at most two -serial options (UART, Secure UART)%s", v, "");
            o->serial_arg[o->nserial++] = v;
            break;
        case O_MONITOR:
        case O_MON:
            if (o->monitor_arg)
                return fail("%s %s: only one monitor is supported", a, v);
            if (spec->id == O_MON) {
                int r = parse_mon(v, o);
                if (r != OPT_OK)
                    return r;
                o->monitor_arg = "-mon";
            } else {
                o->monitor_arg = v;
            }
            break;
        case O_NODEFAULTS:
            o->nodefaults = true;
            break;
        case O_ACCEL: {
            int r = parse_accel(v, o);
            if (r != OPT_OK)
                return r;
            break;
        }
        case O_ICOUNT: {
            int r = parse_icount(v, o);
            if (r != OPT_OK)
                return r;
            break;
        }
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
        case O_POWERDOWN_AT:
            if (o->npowerdown == ARRAY_SIZE(o->powerdown_at))
                return fail("--powerdown-at %s: at most 8 presses%s", v, "");
            if (!opt_parse_u64(v, &o->powerdown_at[o->npowerdown]))
                return fail("--powerdown-at %s: expected a step count%s", v, "");
            o->npowerdown++;
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
        case O_SNAPSHOT_SAVE: {
            /* F or F@STEP: a last '@' followed by a number names the step
             * (a file name may hold '@' otherwise). */
            char *f = own(o, v);
            if (!f)
                return fail("%s %s: too many option arguments", a, v);
            char *at = strrchr(f, '@');
            o->snapshot_save_step = 0;
            if (at && opt_parse_u64(at + 1, &o->snapshot_save_step)) {
                if (!o->snapshot_save_step)
                    return fail("--snapshot-save %s: the step must be positive%s", v, "");
                *at = 0;
            }
            if (!*f)
                return fail("--snapshot-save %s: no file name%s", v, "");
            o->snapshot_save = f;
            break;
        }
        case O_SNAPSHOT_LOAD:
            o->snapshot_load = v;
            break;
        case O_REVERSE_BUDGET: {
            u64 mib;
            if (!opt_parse_u64(v, &mib) || !mib || mib > (1u << 20))
                return fail("--reverse-budget %s: expected MiB, 1..1048576%s", v, "");
            o->reverse_budget = mib << 20;
            break;
        }
        case O_SCHEDULE_SEED:
            if (!opt_parse_u64(v, &o->schedule_seed) || !o->schedule_seed)
                return fail("--schedule-seed %s: expected a positive number%s", v, "");
            break;
        case O_REVERSE_EVERY:
            if (!opt_parse_u64(v, &o->reverse_every) || !o->reverse_every)
                return fail("--reverse-every %s: expected a positive step count%s", v, "");
            break;
        }
    }
    for (unsigned i = 0; o->snapshot && i < o->ndrives; i++)
        o->drive[i].snapshot = true;
    {
        int r = resolve_chardevs(o);
        if (r != OPT_OK)
            return r;
    }
    if (o->gdb_wait && !o->gdb)
        return fail("-S (start stopped) needs a debugger connection: add -s or -gdb DEV%s%s", "", "");
    if (o->reverse_budget && !o->no_stdin)
        return fail("--reverse-budget: host input to the UART cannot be executed again after going back: "
                    "add --no-stdin, or replay a record (--replay F)%s%s", "", "");
    if (o->reverse_every && !o->reverse_budget)
        return fail("--reverse-every needs --reverse-budget MiB%s%s", "", "");
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

void snapshot_ident(int argc, char **argv, const VirtOptions *o, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 1; i < argc; i++) {
        int nargs;
        bool skip = opt_is_observer(argv[i], &nargs);
        const struct OptSpec *spec = opt_find(argv[i]);
        if (spec && spec->id == O_STOP_AFTER)
            skip = true;   /* where a run stops is not part of the machine */
        if (!skip)
            for (int j = 0; j < nargs && i + j < argc; j++)
                k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "%s%s", k ? " " : "", argv[i + j]);
        i += nargs - 1;
    }
    k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "\n");
    if (k < n)
        record_image_lines(o, buf + k, n - k);
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
    /* Disk images: a replay refuses a changed image (use -snapshot to record
     * a run whose writes leave the file as it was). */
    for (unsigned i = 0; i < o->ndrives; i++)
        if (o->drive[i].file && file_hash(o->drive[i].file, &h))
            k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "image drive %s %016llx\n", o->drive[i].file,
                                  (unsigned long long)h);
}
