/*
 * tests/unit/test_options.c — the option table is the one source of option
 * names: the parser accepts every option it marks as observer-only, a
 * record's command line (record_args_line) leaves exactly those out, and
 * the set of observer-only options is the one records were made with.
 */
#include <string.h>

#include "cpu/cpu_model.h"
#include "machine/virt/options.h"
#include "test.h"

/* Options that only observe a run: left out of a record's "args" line.
 * Changing this set makes existing records fail to replay. */
static const char *const observers[] = {
    "-s", "-S", "-gdb", "-d", "-D", "--trace-file", "--trace", "--digest-every", "--digest-file",
    "--record", "--replay", "--tarmac", "--step-log", "--expect-digests", "--stats",
    "--snapshot-save", "--snapshot-load", "--reverse-budget", "--reverse-every",
};

static bool in_observers(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(observers); i++)
        if (!strcmp(observers[i], name))
            return true;
    return false;
}

TEST(options_observer_set)
{
    unsigned seen = 0;
    bool value, observer;
    const char *name;
    for (unsigned i = 0; (name = opt_name_at(i, &value, &observer)); i++) {
        if (in_observers(name) != observer)
            fprintf(stderr, "  option %s: observer flag %d\n", name, observer);
        ASSERT_EQ(in_observers(name), observer);
        seen += observer;
    }
    ASSERT_EQ(seen, ARRAY_SIZE(observers));
}

TEST(options_is_observer)
{
    int n = 0;
    ASSERT_TRUE(!opt_is_observer("-smp", &n));
    ASSERT_EQ(n, 2);
    ASSERT_TRUE(!opt_is_observer("-semihosting", &n));
    ASSERT_EQ(n, 1);
    ASSERT_TRUE(opt_is_observer("-s", &n));
    ASSERT_EQ(n, 1);
    ASSERT_TRUE(opt_is_observer("-gdb", &n));
    ASSERT_EQ(n, 2);
    ASSERT_TRUE(opt_is_observer("--gdb", &n));   /* QEMU's -x also as --x */
    ASSERT_EQ(n, 2);
    ASSERT_TRUE(opt_is_observer("--stats", &n));
    ASSERT_EQ(n, 1);
    ASSERT_TRUE(!opt_is_observer("guest.elf", &n));
    ASSERT_EQ(n, 1);
    ASSERT_TRUE(!opt_is_observer("-stats", NULL));
}

/* Every option of the table, between two non-observer options: the args
 * line keeps it (and its value) unless it observes. */
TEST(options_record_args_line)
{
    bool value, observer;
    const char *name;
    for (unsigned i = 0; (name = opt_name_at(i, &value, &observer)); i++) {
        char *argv[8] = {"hyperstep", "-smp", "2", (char *)name};
        int argc = 4;
        if (value)
            argv[argc++] = "-s";   /* a value that is spelled like an observer */
        argv[argc++] = "-m";
        argv[argc++] = "256M";
        char want[256], got[256];
        if (observer)
            snprintf(want, sizeof(want), "-smp 2 -m 256M");
        else
            snprintf(want, sizeof(want), "-smp 2 %s%s -m 256M", name, value ? " -s" : "");
        record_args_line(argc, argv, got, sizeof(got));
        if (strcmp(got, want))
            fprintf(stderr, "  option %s: args line '%s', expected '%s'\n", name, got, want);
        ASSERT_TRUE(!strcmp(got, want));
    }
}

/* The parser accepts each observer option (with a valid value). */
TEST(options_parser_accepts_observers)
{
    static const struct { const char *opt, *value; bool needs_trace; } cases[] = {
        {"-s", NULL, false}, {"-gdb", "tcp::1234", false}, {"-d", "int", true},
        {"-D", "/dev/null", false}, {"--trace-file", "/dev/null", false}, {"--trace", "exc", true},
        {"--digest-every", "1000", false}, {"--digest-file", "/dev/null", false},
        {"--record", "/dev/null", false}, {"--replay", "/dev/null", false},
        {"--tarmac", "/dev/null", true}, {"--step-log", "/dev/null", true},
        {"--expect-digests", "/dev/null", false}, {"--stats", NULL, false},
        {"--snapshot-save", "/dev/null@1000", false}, {"--snapshot-load", "/dev/null", false},
    };
    /* --reverse-budget needs --no-stdin, --reverse-every needs --reverse-budget. */
    {
        char *argv[] = {"hyperstep", "--no-stdin", "--reverse-budget", "64", "--reverse-every", "5000"};
        VirtOptions o;
        ASSERT_EQ(opt_parse(6, argv, &o), OPT_OK);
        ASSERT_EQ(o.reverse_budget, 64ull << 20);
        ASSERT_EQ(o.reverse_every, 5000);
        opt_free(&o);
        char *bad[] = {"hyperstep", "--reverse-budget", "64"};
        ASSERT_EQ(opt_parse(3, bad, &o), OPT_ERROR);
        opt_free(&o);
    }
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        if (cases[i].needs_trace && !HS_TRACE_ON)
            continue;
        char *argv[4] = {"hyperstep", (char *)cases[i].opt, (char *)cases[i].value};
        int argc = cases[i].value ? 3 : 2;
        VirtOptions o;
        int r = opt_parse(argc, argv, &o);
        opt_free(&o);
        if (r != OPT_OK)
            fprintf(stderr, "  option %s refused\n", cases[i].opt);
        ASSERT_EQ(r, OPT_OK);
        ASSERT_TRUE(in_observers(cases[i].opt));
    }
    /* -S needs a debugger connection. */
    char *argv[] = {"hyperstep", "-S", "-s"};
    VirtOptions o;
    ASSERT_EQ(opt_parse(3, argv, &o), OPT_OK);
    ASSERT_TRUE(o.gdb_wait && o.gdb);
    opt_free(&o);
    /* Every observer of the list above was tried. */
    ASSERT_EQ(ARRAY_SIZE(cases) + 3, ARRAY_SIZE(observers));
}

/* QEMU's options are accepted as --x too; hyperstep's own only as --x. */
TEST(options_double_dash)
{
    char *ok[] = {"hyperstep", "--smp", "2", "--no-stdin", "--stats"};
    VirtOptions o;
    ASSERT_EQ(opt_parse(5, ok, &o), OPT_OK);
    ASSERT_EQ(o.smp, 2);
    ASSERT_TRUE(o.no_stdin && o.stats);
    opt_free(&o);
    char *bad[] = {"hyperstep", "-no-stdin"};
    ASSERT_EQ(opt_parse(2, bad, &o), OPT_ERROR);
    opt_free(&o);
}

/* -drive, -device DRIVER,PROPS, -global and -snapshot land in VirtOptions
 * as the board reads them. */
TEST(options_drive_device_global)
{
    char *argv[] = {
        "hyperstep", "-drive", "file=a.img,if=none,format=raw,id=hd,readonly=on",
        "-drive", "if=pflash,unit=1,file=vars.fd", "-device", "virtio-blk-device,drive=hd,bus=virtio-mmio-bus.3",
        "-device", "virtio-rng-device", "-snapshot", "-kernel", "x.elf", NULL,
    };
    VirtOptions o;
    ASSERT_EQ(opt_parse(ARRAY_SIZE(argv) - 1, argv, &o), OPT_OK);
    ASSERT_EQ(o.ndrives, 2u);
    const DriveSpec *d = opt_find_drive(&o, "hd");
    ASSERT_TRUE(d == &o.drive[0]);
    ASSERT_TRUE(!strcmp(d->file, "a.img") && d->iface == DRIVE_IF_NONE && d->readonly && d->snapshot);
    ASSERT_TRUE(o.drive[1].iface == DRIVE_IF_PFLASH && o.drive[1].unit == 1 && !o.drive[1].id);
    ASSERT_TRUE(!opt_find_drive(&o, "nope"));
    ASSERT_EQ(o.ndevices, 2u);
    ASSERT_TRUE(!strcmp(o.device[0].driver, "virtio-blk-device"));
    char *cur = o.device[0].props, *k, *v;
    ASSERT_TRUE(opt_next_prop(&cur, &k, &v) && !strcmp(k, "drive") && !strcmp(v, "hd"));
    ASSERT_TRUE(opt_next_prop(&cur, &k, &v) && !strcmp(k, "bus") && !strcmp(v, "virtio-mmio-bus.3"));
    ASSERT_TRUE(!opt_next_prop(&cur, &k, &v));
    ASSERT_TRUE(!strcmp(o.device[1].driver, "virtio-rng-device") && !o.device[1].props);
    ASSERT_TRUE(!opt_global(&o, "virtio-mmio", "force-legacy"));
    opt_free(&o);
}

/* QEMU 7.2's defaults: -M virt without gic-version is a GICv2 board, the
 * CPU a Cortex-A53; -cpu cortex-a57/a72 select those models; any other
 * CPU is refused by name. */
TEST(options_qemu_defaults_and_cpu_models)
{
    char *dflt[] = {"hyperstep", "-M", "virt", "-kernel", "x"};
    VirtOptions o;
    ASSERT_EQ(opt_parse(5, dflt, &o), OPT_OK);
    ASSERT_EQ(o.gic_version, 2);
    ASSERT_TRUE(o.cpu_model == NULL);
    opt_free(&o);
    char *v3[] = {"hyperstep", "-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-kernel", "x"};
    ASSERT_EQ(opt_parse(7, v3, &o), OPT_OK);
    ASSERT_EQ(o.gic_version, 3);
    ASSERT_TRUE(o.cpu_model == &cpu_model_cortex_a57);
    opt_free(&o);
    char *a72[] = {"hyperstep", "-cpu", "cortex-a72", "-kernel", "x"};
    ASSERT_EQ(opt_parse(5, a72, &o), OPT_OK);
    ASSERT_TRUE(o.cpu_model == &cpu_model_cortex_a72);
    ASSERT_EQ(o.cpu_model->midr, 0x410fd083u);
    opt_free(&o);
    char *a53[] = {"hyperstep", "-cpu", "cortex-a53", "-kernel", "x"};
    ASSERT_EQ(opt_parse(5, a53, &o), OPT_OK);
    ASSERT_TRUE(o.cpu_model == &cpu_model_cortex_a53);
    opt_free(&o);
    char *mx[] = {"hyperstep", "-cpu", "max", "-kernel", "x"};
    ASSERT_EQ(opt_parse(5, mx, &o), OPT_ERROR);
    opt_free(&o);
}

/* Parse ARGS (NULL-terminated, after the program name) into *O. */
static int parse_args(VirtOptions *o, const char *const *args)
{
    char *argv[32] = {"hyperstep"};
    int argc = 1;
    while (*args && argc < 31)
        argv[argc++] = (char *)*args++;
    return opt_parse(argc, argv, o);
}

#define PARSE(o, ...) parse_args(o, (const char *const[]){__VA_ARGS__, NULL})

/* -icount shift=N|auto: 2^N virtual ns per instruction; bad values refused. */
TEST(options_icount)
{
    VirtOptions o;
    ASSERT_EQ(PARSE(&o, "-smp", "1"), OPT_OK);
    ASSERT_EQ(o.ns_per_insn, 1);   /* default: 1 ns per instruction */
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-icount", "shift=3"), OPT_OK);
    ASSERT_EQ(o.ns_per_insn, 8);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-icount", "shift=auto,align=off,sleep=off"), OPT_OK);
    ASSERT_EQ(o.ns_per_insn, 8);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-icount", "0"), OPT_OK);
    ASSERT_EQ(o.ns_per_insn, 1);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-icount", "10"), OPT_OK);
    ASSERT_EQ(o.ns_per_insn, 1024);
    opt_free(&o);
    static const char *const bad[] = {"shift=11", "shift=x", "shift=3,align=on", "shift=3,sleep=on",
                                      "shift=3,rr=record", "shift=3,frob=1", "align=off", ""};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        ASSERT_EQ(PARSE(&o, "-icount", bad[i]), OPT_ERROR);
        opt_free(&o);
    }
}

/* -accel tcg and -machine accel=tcg are accepted, anything else refused. */
TEST(options_accel)
{
    VirtOptions o;
    ASSERT_EQ(PARSE(&o, "-accel", "tcg"), OPT_OK);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-accel", "tcg,thread=multi"), OPT_OK);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-machine", "virt,accel=tcg"), OPT_OK);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-accel", "kvm"), OPT_ERROR);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-accel", "tcg,thread=many"), OPT_ERROR);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-accel", "tcg,tb-size=64"), OPT_ERROR);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-machine", "virt,accel=kvm"), OPT_ERROR);
    opt_free(&o);
}

/* Repeated -machine options merge; later properties override. */
TEST(options_machine_merge)
{
    VirtOptions o;
    ASSERT_EQ(PARSE(&o, "-M", "virt", "-M", "gic-version=2,virtualization=on"), OPT_OK);
    ASSERT_EQ(o.gic_version, 2);
    ASSERT_TRUE(o.virtualization);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-M", "virt,gic-version=2,secure=on", "-machine", "virt,gic-version=3"), OPT_OK);
    ASSERT_EQ(o.gic_version, 3);
    ASSERT_TRUE(o.secure);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-M", "virt", "-M", "type=virt,secure=on"), OPT_OK);
    ASSERT_TRUE(o.secure);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-M", "virt", "-M", "sbsa-ref"), OPT_ERROR);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-M", "virt", "-M", "type=raspi3b"), OPT_ERROR);
    opt_free(&o);
}

/* Serial port and monitor: QEMU's defaults, -nodefaults, NuttX's line. */
TEST(options_serial_monitor)
{
    VirtOptions o;
    ASSERT_EQ(PARSE(&o, "-smp", "1"), OPT_OK);   /* default: mon:stdio */
    ASSERT_EQ(o.nchardevs, 1);
    ASSERT_TRUE(!strcmp(o.serial_chardev[0], "serial0") && !strcmp(o.monitor_chardev, "serial0"));
    ASSERT_TRUE(o.chardev[0].mux && o.chardev[0].backend == CHARDEV_STDIO);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-nodefaults"), OPT_OK);
    ASSERT_EQ(o.nchardevs, 0);
    ASSERT_TRUE(!o.serial_chardev[0] && !o.monitor_chardev);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-cpu", "cortex-a53", "-nographic", "-machine", "virt,virtualization=on,gic-version=3",
                    "-net", "none", "-chardev", "stdio,id=con,mux=on", "-serial", "chardev:con", "-mon",
                    "chardev=con,mode=readline"), OPT_OK);
    ASSERT_EQ(o.nchardevs, 1);
    ASSERT_TRUE(!strcmp(o.serial_chardev[0], "con") && !strcmp(o.monitor_chardev, "con"));
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-serial", "file:/tmp/x", "-monitor", "none"), OPT_OK);
    ASSERT_EQ(o.nchardevs, 1);
    ASSERT_TRUE(o.chardev[0].backend == CHARDEV_FILE && !strcmp(o.chardev[0].path, "/tmp/x"));
    ASSERT_TRUE(!o.monitor_chardev);
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-serial", "null"), OPT_OK);   /* the monitor defaults to stdio then */
    ASSERT_TRUE(!strcmp(o.monitor_chardev, "compat_monitor0"));
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-serial", "tcp::4444,server=on,wait=off,telnet=on", "-monitor", "none"), OPT_OK);
    ASSERT_TRUE(o.chardev[0].backend == CHARDEV_SOCKET && o.chardev[0].server && !o.chardev[0].wait &&
                o.chardev[0].telnet && !strcmp(o.chardev[0].port, "4444"));
    opt_free(&o);
    ASSERT_EQ(PARSE(&o, "-chardev", "socket,id=s,port=3450,host=127.0.0.1,server=on,wait=off,telnet=on",
                    "-serial", "chardev:s", "-nodefaults"), OPT_OK);
    ASSERT_TRUE(o.chardev[0].backend == CHARDEV_SOCKET && !strcmp(o.chardev[0].host, "127.0.0.1"));
    opt_free(&o);
    static const char *const bad[][6] = {
        {"-serial", "chardev:nope"},
        {"-mon", "chardev=nope"},
        {"-chardev", "stdio,id=c", "-mon", "chardev=c,mode=control"},
        {"-chardev", "stdio,id=c", "-mon", "mode=readline"},
        {"-chardev", "socket,id=c0"},
        {"-chardev", "socket,id=c0,port=99999"},
        {"-chardev", "socket,id=c0,port=1,path=/tmp/s"},
        {"-chardev", "spice,id=c0"},
        {"-chardev", "stdio"},
        {"-chardev", "file,id=f"},
        {"-chardev", "stdio,id=c,mux=maybe"},
        {"-chardev", "stdio,id=c,logfile=/tmp/l"},
        {"-serial", "vc"},
        {"-serial", "mon:none"},
        {"-monitor", "stdio", "-mon", "chardev=x"},
        {"-chardev", "stdio,id=c", "-serial", "chardev:c", "-serial", "chardev:c"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        const char *args[7] = {bad[i][0], bad[i][1], bad[i][2], bad[i][3], bad[i][4], bad[i][5], NULL};
        int r = parse_args(&o, args);
        if (r != OPT_ERROR)
            fprintf(stderr, "  accepted: %s %s %s %s\n", bad[i][0], bad[i][1], bad[i][2] ? bad[i][2] : "",
                    bad[i][3] ? bad[i][3] : "");
        ASSERT_EQ(r, OPT_ERROR);
        opt_free(&o);
    }
}
