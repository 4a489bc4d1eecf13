#!/usr/bin/env python3
"""gdb_test.py — drive the real gdb-multiarch (batch mode) against hyperstep
running the 4-core guest smp_guest.S, one scenario per invocation.

usage: gdb_test.py --hyperstep BIN --elf GUEST.elf --scenario NAME

Every hyperstep and gdb process is bounded by a timeout; a free TCP port is
chosen by the script.  A scenario passes when every expected pattern
appears in gdb's output (printed on failure).
"""
import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

GDB = 'gdb-multiarch'


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Hyperstep:
    """hyperstep in the background with -gdb tcp::PORT."""

    def __init__(self, binary, elf, extra=(), smp=4, wait=True, unix=None):
        self.port = free_port()
        self.err = tempfile.NamedTemporaryFile(prefix='hs-gdb-', suffix='.err', delete=False)
        dev = ('unix:' + unix) if unix else ('tcp::%d' % self.port)
        args = [binary, '-M', 'virt,virtualization=on,gic-version=3', '-smp', str(smp), '-kernel', elf,
                '-gdb', dev] + (['-S'] if wait else []) + list(extra)
        self.p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.err)
        deadline = time.time() + 20
        while time.time() < deadline:
            if b'listening on' in open(self.err.name, 'rb').read():
                return
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError('hyperstep did not start listening: ' + open(self.err.name).read())

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait(10)
        log = open(self.err.name).read()
        os.unlink(self.err.name)
        return log


def gdb_args(port, elf, cmds):
    where = port if isinstance(port, str) else '127.0.0.1:%d' % port   # a str is a Unix socket path
    a = [GDB, '-batch', '-nx', '-ex', 'set architecture aarch64', '-ex', 'set pagination off',
         '-ex', 'set confirm off', '-ex', 'set remotetimeout 10', '-ex', 'file ' + elf,
         '-ex', 'target remote ' + where]
    for c in cmds:
        a += ['-ex', c]
    return a


def gdb(port, elf, cmds, timeout=60):
    try:
        p = subprocess.run(gdb_args(port, elf, cmds), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return 'TIMEOUT\n' + (e.stdout or b'').decode(errors='replace')
    return p.stdout.decode(errors='replace')


class BgGdb:
    """gdb in the background (own session), output in a file, so the test
    can wait for a marker before interrupting or killing it."""

    def __init__(self, port, elf, cmds):
        """In CMDS, the word MARK is replaced by a command that creates a
        marker file (gdb's output is block-buffered, so it cannot be watched)."""
        fd, self.marker = tempfile.mkstemp(prefix='hs-gdb-mark-')
        os.close(fd)
        os.unlink(self.marker)
        cmds = ['shell touch ' + self.marker if x == 'MARK' else x for x in cmds]
        self.out = tempfile.TemporaryFile()
        self.p = subprocess.Popen(gdb_args(port, elf, cmds), stdout=self.out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)

    def text(self):
        self.out.seek(0)
        return self.out.read().decode(errors='replace')

    def wait_mark(self, settle=1.0, timeout=30):
        """Wait until gdb ran the MARK command, then SETTLE seconds more (for
        the command after it, e.g. 'continue', to reach the stub)."""
        deadline = time.time() + timeout
        while time.time() < deadline and self.p.poll() is None:
            if os.path.exists(self.marker):
                os.unlink(self.marker)
                time.sleep(settle)
                return True
            time.sleep(0.05)
        return False

    def kill(self):
        try:
            os.killpg(self.p.pid, signal.SIGKILL)   # gdb and any 'shell' child
        except ProcessLookupError:
            pass
        self.p.wait(10)
        return self.text()

    def finish(self, timeout=30):
        try:
            self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            return 'TIMEOUT ' + self.kill()
        return self.text()


class Skip(Exception):
    """A dependency of the scenario is missing from this build (exit 77)."""


class Checker:
    def __init__(self):
        self.problems = []
        self.outputs = []

    def want(self, out, pattern, what=None):
        if not re.search(pattern, out, re.M):
            self.problems.append('missing %s: /%s/' % (what or 'pattern', pattern))
            return None
        return re.search(pattern, out, re.M)

    def ok(self, cond, what):
        if not cond:
            self.problems.append(what)


def pcs(out):
    """Map thread number -> pc from 'thread apply all p/x $pc' output."""
    res = {}
    for m in re.finditer(r'Thread (\d+) \(Thread \d+\b.*?\n(?:.*\n)*?\$\d+ = (0x[0-9a-f]+)', out):
        res[int(m.group(1))] = int(m.group(2), 16)
    return res


# ---- scenarios ----

def sc_threads(o, c):
    hs = Hyperstep(o.hyperstep, o.elf)
    try:
        out = gdb(hs.port, o.elf, ['info threads', 'break after_cpu_on', 'continue', 'next', 'info threads',
                                   'delete', 'break sec_store', 'continue', 'thread', 'info threads',
                                   'delete', 'break store0', 'continue', 'info threads', 'thread 4', 'stepi'])
        c.outputs.append(out)
        # Before CPU_ON: only the boot core runs.
        c.want(out, r'\* 1 +Thread 1 \(CPU#0 \[running\] EL2 Non-secure\)', 'boot core thread name')
        for i in (1, 2, 3):
            c.want(out, r'%d +Thread %d \(CPU#%d \[off: never powered on\] EL2 Non-secure\)' % (i + 1, i + 1, i),
                   'secondary %d before CPU_ON' % i)
        # After CPU_ON (and one more instruction of core 0): secondaries are
        # started (on-pending until scheduled, or already running at EL2).
        after = out[out.find('Breakpoint 1, after_cpu_on'):]
        for i in (1, 2, 3):
            c.want(after, r'Thread %d \(CPU#%d \[(on-pending|running)\] EL2 Non-secure\)' % (i + 1, i),
                   'secondary %d after CPU_ON' % i)
        m = c.want(out, r'Thread (\d+) hit Breakpoint 2, sec_store', 'breakpoint hit by a secondary')
        if m:
            t = int(m.group(1))
            c.ok(t in (2, 3), 'breakpoint in secondary code reported thread %d' % t)
            c.want(out, r'\[Current thread is %d \(Thread %d\)\]' % (t, t),
                   'the thread that hit the breakpoint is selected')
            c.want(out, r'\* %d +Thread %d \(CPU#%d \[running\] EL2 Non-secure\) +sec_store' % (t, t, t - 1),
                   'info threads marks it current, at the breakpoint')
        c.want(out, r'4 +Thread 4 \(CPU#3 \[off: CPU_OFF\] EL2 Non-secure\)', 'core 3 after its CPU_OFF')
        c.want(out, r'CPU#3 \(thread 4\) is off \(powered down, e.g. by PSCI CPU_OFF\): nothing to step',
               'stepping the powered-down core answers at once')
    finally:
        hs.stop()


def sc_secure(o, c):
    # Guest-owned EL3 (-M virt,secure=on): cores are in EL3, Secure state.
    hs = Hyperstep(o.hyperstep, o.elf, extra=['-M', 'virt,secure=on,virtualization=on,gic-version=3'])
    try:
        out = gdb(hs.port, o.elf, ['info threads', 'p $CurrentEL', 'p/x $SCR_EL3'])
        c.outputs.append(out)
        c.want(out, r'\* 1 +Thread 1 \(CPU#0 \[running\] EL3 Secure\)', 'boot core at EL3 Secure')
        for i in (1, 2, 3):
            c.want(out, r'%d +Thread %d \(CPU#%d \[[a-z :-]+\] EL3 Secure\)' % (i + 1, i + 1, i),
                   'secondary %d at EL3 Secure' % i)
        c.want(out, r'^\$1 = 12$', 'CurrentEL = EL3 << 2')
        c.want(out, r'^\$2 = 0x0$', 'SCR_EL3 listed (EL3 implemented), reset value')
    finally:
        hs.stop()


def sc_mmu(o, c):
    # x/4i $pc through an MMU-on mapping: the guest runs at VA 0x8xxxxxxx,
    # an alias of RAM at PA 0x4xxxxxxx (tests/gdb/mmu_guest.S).
    elf = o.mmu_elf
    probe = subprocess.run([o.hyperstep, '-M', 'virt,virtualization=on,gic-version=3', '-kernel', elf, '--stop-after', '100000'],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=30)
    if b'stage-1 translation table walk' in probe.stderr:
        raise Skip('this build has no stage-1 table walker yet (mmu work not merged): cannot map an alias')
    hs = Hyperstep(o.hyperstep, elf, smp=1)
    try:
        out = gdb(hs.port, elf, ['set code-cache off', 'set stack-cache off',
                                 'break *((long)&alias_loop + 0x40000000)', 'continue', 'p/x $pc', 'x/2i $pc',
                                 'p/x $SCTLR_EL2', 'monitor phys on', 'x/2i $pc', 'x/2i &alias_loop',
                                 'monitor phys off', 'x/2x 0xc0000000', 'maint packet Qqemu.PhyMemMode:1',
                                 'x/2x $pc', 'maint packet qqemu.PhyMemMode'], timeout=30)
        c.outputs.append(out)
        c.want(out, r'(Thread 1 hit )?Breakpoint 1, 0x0*8000', 'breakpoint on a virtual alias address')
        c.want(out, r'=> 0x8000[0-9a-f]{4}:\s+add\s+x2, x2, #0x1', 'x/2i $pc reads through the translation')
        c.want(out, r'^\$2 = 0x30c50839$', 'SCTLR_EL2.M set by the guest')
        c.want(out, r'Cannot access memory at address 0x8000', 'phys mode: the VA is no physical RAM')
        c.want(out, r'<alias_loop>:\s+add\s+x2, x2, #0x1', 'phys mode reads RAM by physical address')
        c.want(out, r'Cannot access memory at address 0xc0000000', 'unmapped VA: translation fault -> error')
        c.want(out, r'received: "OK"[\s\S]*Cannot access memory at address 0x8000[\s\S]*received: "1"',
               "QEMU's Qqemu.PhyMemMode packet switches to physical addresses")
    finally:
        hs.stop()


def sc_unix(o, c):
    path = os.path.join(tempfile.mkdtemp(prefix='hs-gdb-'), 'gdb.sock')
    hs = Hyperstep(o.hyperstep, o.elf, unix=path)
    try:
        out = gdb(path, o.elf, ['info threads', 'stepi', 'p/x $pc', 'kill'])
        c.outputs.append(out)
        c.want(out, r'\* 1 +Thread 1 \(CPU#0 \[running\] EL2 Non-secure\)', '-gdb unix:PATH serves gdb')
        c.want(out, r'^\$1 = 0x40000004$', 'stepi over the Unix socket')
        try:
            hs.p.wait(10)
        except subprocess.TimeoutExpired:
            pass
        c.ok(not hs.alive(), 'kill ends hyperstep')
        c.ok(not os.path.exists(path), 'the socket file is removed at exit')
    finally:
        hs.stop()
        try:
            os.rmdir(os.path.dirname(path))
        except OSError:
            pass


def sc_options(o, c):
    # Bad -gdb/-S options: one clear error, exit status 1, no hang.
    busy = socket.socket()
    busy.bind(('127.0.0.1', 0))
    busy.listen(1)
    cases = [
        (['-gdb', 'bogus'], 'expected tcp::PORT, tcp:HOST:PORT or unix:PATH'),
        (['-gdb', 'tcp::99999'], 'bad port'),
        (['-gdb', 'tcp::1234,frob'], "unsupported option 'frob'"),
        (['-gdb', 'tcp::%d' % busy.getsockname()[1]], 'cannot listen'),
        (['-S'], '-S (start stopped) needs a debugger connection'),
        (['-gdb'], 'needs an argument'),
    ]
    for args, msg in cases:
        p = subprocess.run([o.hyperstep, '-M', 'virt,virtualization=on,gic-version=3', '-kernel', o.elf] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=20)
        out = p.stdout.decode(errors='replace')
        c.outputs.append(' '.join(args) + ' -> %d: ' % p.returncode + out)
        c.ok(p.returncode == 1, '%s: exit status %d, expected 1' % (' '.join(args), p.returncode))
        c.ok(msg in out, '%s: message %r' % (' '.join(args), msg))
    busy.close()


def sc_step(o, c):
    # 6 cores: 0-2 count, 3 powers itself off, 4 sleeps in WFI (still
    # on-pending until stepped: its first instruction is the WFI), 5 is never
    # powered on.
    hs = Hyperstep(o.hyperstep, o.elf, smp=6)
    try:
        cmds = ['break sec_loop', 'continue', 'continue', 'continue', 'delete', 'thread apply all p/x $pc',
                'thread 3', 'stepi', 'thread apply all p/x $pc',
                'set scheduler-locking on', 'stepi', 'thread apply all p/x $pc',
                'set scheduler-locking off',
                'thread 5', 'stepi', 'stepi', 'info threads', 'thread 6', 'stepi', 'set scheduler-locking on', 'continue',
                'thread 2', 'break sec_store', 'echo SLOTS0\\n', 'p *(long *)&slots', 'p ((long *)&slots)[1]',
                'continue', 'continue', 'continue', 'echo SLOTS1\\n', 'p *(long *)&slots', 'p ((long *)&slots)[1]',
                'echo DONE\\n']
        out = gdb(hs.port, o.elf, cmds, timeout=60)
        c.outputs.append(out)
        snaps = [pcs(s) for s in re.split(r'(?=\nThread 6 \(Thread 6)', out)]
        snaps = [s for s in snaps if len(s) == 6]
        c.ok(len(snaps) >= 3, 'three pc snapshots of 6 threads (got %d)' % len(snaps))
        if len(snaps) >= 3:
            a, b, d = snaps[0], snaps[1], snaps[2]
            c.ok(b[3] == a[3] + 4, 'stepi on thread 3 advanced core 2 by one instruction (%x -> %x)' % (a[3], b[3]))
            c.ok(d[3] == b[3] + 4, 'stepi with scheduler-locking on advanced core 2 by one instruction '
                 '(%x -> %x)' % (b[3], d[3]))
            for t in (1, 2, 4, 5, 6):
                c.ok(a[t] == b[t] == d[t], 'thread %d did not move while thread 3 stepped (%x %x %x)' %
                     (t, a[t], b[t], d[t]))
        c.want(out, r'5 +Thread 5 \(CPU#4 \[WFI\] EL2 Non-secure\)', 'a core sleeping in WFI is named so')
        c.want(out, r'CPU#4 \(thread 5\) is waiting in WFI \(only an interrupt wakes it\): nothing to step',
               'stepping a core in WFI answers at once')
        c.want(out, r'CPU#5 \(thread 6\) is off \(never powered on\): nothing to step',
               'stepping a powered-off core answers at once')
        c.want(out, r'CPU#5 \(thread 6\) is off \(never powered on\) and no other resumed core can run',
               'continuing only a powered-off core answers at once')
        c.want(out, r'^DONE', 'session ends (no hang)')
        m0 = re.search(r'^SLOTS0\n\$\d+ = (\d+)\n\$\d+ = (\d+)', out, re.M)
        m1 = re.search(r'^SLOTS1\n\$\d+ = (\d+)\n\$\d+ = (\d+)', out, re.M)
        c.ok(m0 and m1, 'counters printed')
        if m0 and m1:
            c.ok(m0.group(1) == m1.group(1), 'scheduler-locking on: continuing thread 2 leaves core 0 stopped '
                 '(slots[0] %s -> %s)' % (m0.group(1), m1.group(1)))
            # Three stops at sec_store (before its store): the first comes
            # from sec_loop without a store, then two stores.
            c.ok(int(m1.group(2)) == int(m0.group(2)) + 2, 'thread 2 stored twice (slots[1] %s -> %s)' %
                 (m0.group(2), m1.group(2)))
    finally:
        hs.stop()


def sc_regs(o, c):
    hs = Hyperstep(o.hyperstep, o.elf)
    try:
        out = gdb(hs.port, o.elf, ['p/x $HCR_EL2', 'p $CurrentEL', 'set $HCR_EL2 = 0x80000000', 'p/x $HCR_EL2',
                                   'set $x0 = 0x1234abcd', 'p/x $x0', 'p/x $MPIDR_EL1', 'p/x $VBAR_EL2',
                                   'stepi', 'stepi', 'p/x $VBAR_EL2', 'p/x $x0', 'p/x $cpsr',
                                   'set $TPIDR_EL2 = 0x55', 'p/x $TPIDR_EL2', 'monitor el',
                                   'p $v0', 'info registers pc', 'p/x $CNTFRQ_EL0', 'p $ICC_IAR1_EL1',
                                   'info registers ICC_SRE_EL2'])
        c.outputs.append(out)
        c.want(out, r'^\$1 = 0x0$', 'HCR_EL2 reads 0 at EL2 boot')
        c.want(out, r'^\$2 = 8$', 'CurrentEL = EL2 << 2')
        c.want(out, r'^\$3 = 0x80000000$', 'HCR_EL2 written through the sysreg table')
        c.want(out, r'^\$4 = 0x1234abcd$', 'x0 written')
        c.want(out, r'^\$5 = 0x80000000$', 'MPIDR_EL1 of core 0')
        c.want(out, r'^\$7 = 0x40000800$', 'VBAR_EL2 after the guest wrote it (two steps)')
        c.want(out, r'^\$8 = 0x1234abcd$', 'x0 kept across steps')
        c.want(out, r'^\$9 = 0x3c9$', 'cpsr = EL2h, DAIF masked')
        c.want(out, r'^\$10 = 0x55$', 'TPIDR_EL2 written')
        c.want(out, r'HCR_EL2=0x80000000: VM=0 .* RW=1', 'monitor el decodes HCR_EL2')
        c.want(out, r'pc +0x40000008', 'info registers pc')
        c.want(out, r'^\$12 = 0x3b9aca0$', 'CNTFRQ_EL0 (timer rows of the sysreg table) listed')
        c.want(out, r'^\$13 = void$', 'ICC_IAR1_EL1 not listed (reading it acknowledges an interrupt)')
        c.want(out, r'^ICC_SRE_EL2 +0x', 'GICv3 ICC_* registers listed')
    finally:
        hs.stop()


def sc_watch(o, c):
    hs = Hyperstep(o.hyperstep, o.elf)
    try:
        out = gdb(hs.port, o.elf, ['watch *(long *)&slots', 'continue', 'p/x $pc', 'info symbol $pc',
                                   'continue', 'delete', 'rwatch *(long *)&slots', 'awatch *(long *)&slots',
                                   'p *(long *)&slots', 'monitor tlb'])
        c.outputs.append(out)
        c.want(out, r'Hardware watchpoint 1: \*\(long \*\)&slots', 'watchpoint set')
        c.want(out, r'Thread 1 hit Hardware watchpoint 1: \*\(long \*\)&slots\s+Old value = 0\s+New value = 1',
               'first write reported with old/new value on thread 1')
        c.want(out, r'Old value = 1\s+New value = 2', 'second write reported')
        c.want(out, r'loop0|store0|after_cpu_on', 'stopped in the store loop')
        c.want(out, r'^  EL2 +\d+ valid', 'monitor tlb')
    finally:
        hs.stop()


def symbols(elf):
    """Symbol name -> address of the guest ELF (aarch64-linux-gnu-nm)."""
    nm = subprocess.run(['aarch64-linux-gnu-nm', elf], stdout=subprocess.PIPE, text=True, timeout=30).stdout
    return {l.split()[2]: int(l.split()[0], 16) for l in nm.splitlines() if len(l.split()) == 3}


def sc_monitor(o, c):
    sym = symbols(o.elf)
    hs = Hyperstep(o.hyperstep, o.elf)
    try:
        out = gdb(hs.port, o.elf, ['monitor help', 'break after_cpu_on', 'continue', 'monitor cores',
                                   'monitor psci', 'monitor el', 'monitor tlb', 'x/4i $pc',
                                   'monitor phys on', 'x/2i 0x40000000', 'monitor phys off',
                                   'monitor trace on exc', 'monitor trace off exc', 'monitor trace on bogus',
                                   'monitor frobnicate', 'x/4x 0x10', 'x/4x 0x09000000'])
        c.outputs.append(out)
        c.want(out, r'cores +every core', 'monitor help')
        c.want(out, r'^0 +1 +running +EL2 +Non-secure +0x%016x +HVC64 #0x42; EL2->EL2 at step \d+, '
                    r'ESR=0x5a000042 ELR=0x%x' % (sym['after_cpu_on'], sym['before_cpu_on']),
               'monitor cores: core 0 state, PC, last exception decoded')
        c.want(out, r'^1 +2 +(on-pending|running)', 'monitor cores: core 1 after CPU_ON')
        c.want(out, r'CPU_ON\(target=0x1, entry=0x%x, context=0x%x\) = SUCCESS' % (sym['secondary'], sym['slots'] + 8),
               'monitor psci history')
        c.want(out, r'CPU_ON\(target=0x3, entry=0x%x' % sym['secondary_off'], 'monitor psci: all three calls')
        c.want(out, r'CPU#0: EL2h Non-secure', 'monitor el')
        c.want(out, r'CPU#0 soft TLB .* current regime: EL2', 'monitor tlb')
        c.want(out, r'=> 0x%x <after_cpu_on>:\s+adr\s+x1' % sym['after_cpu_on'], 'x/4i $pc disassembles at the PC')
        c.want(out, r'memory accesses use physical addresses', 'monitor phys on')
        c.want(out, r'0x40000000 <_start>:\s+adr\s+x1', 'physical-mode read')
        c.want(out, r'trace mask now', 'monitor trace')
        c.want(out, r"unknown trace category 'bogus'", 'bad trace category')
        c.want(out, r"unknown monitor command 'frobnicate'", 'unknown monitor command')
        c.want(out, r'Cannot access memory at address 0x9000000', 'MMIO is not read by the debugger')
    finally:
        hs.stop()


def read_slot(out):
    m = re.findall(r'^\$\d+ = (\d+)$', out, re.M)
    return int(m[-1]) if m else None


def sc_reattach(o, c):
    hs = Hyperstep(o.hyperstep, o.elf, wait=False)
    try:
        out1 = gdb(hs.port, o.elf, ['p *(long *)&slots', 'info threads', 'detach'])
        time.sleep(0.3)
        out2 = gdb(hs.port, o.elf, ['p *(long *)&slots', 'info threads', 'detach'])
        c.outputs += [out1, out2]
        a, b = read_slot(out1), read_slot(out2)
        c.want(out1, r'\[Inferior 1 \(Remote target\) detached\]', 'first session detaches')
        c.want(out2, r'Thread 1 \(CPU#0', 'second session sees the threads')
        c.ok(a is not None and b is not None and b > a, 'guest kept running between sessions (%s -> %s)' % (a, b))
        c.ok(hs.alive(), 'hyperstep still running after detach')
    finally:
        hs.stop()


def sc_killed(o, c):
    hs = Hyperstep(o.hyperstep, o.elf, wait=False)
    try:
        # A gdb that is killed while the guest runs ('continue' never returns).
        g = BgGdb(hs.port, o.elf, ['p *(long *)&slots', 'MARK', 'continue'])
        c.ok(g.wait_mark(), 'first gdb reached continue')
        out0 = g.kill()
        # One killed while the guest is stopped (sitting at a breakpoint).
        g = BgGdb(hs.port, o.elf, ['break sec_store', 'break store0', 'continue', 'MARK', 'shell sleep 60'])
        c.ok(g.wait_mark(settle=0.2), 'second gdb stopped at a breakpoint')
        out1 = g.kill()
        time.sleep(0.3)
        out2 = gdb(hs.port, o.elf, ['p *(long *)&slots', 'info threads', 'shell sleep 0.3', 'detach'])
        out3 = gdb(hs.port, o.elf, ['p *(long *)&slots', 'detach'])
        c.outputs += [out0, out1, out2, out3]
        c.want(out0, r'^\$1 = \d+', 'first gdb connected before being killed')
        c.want(out1, r'hit Breakpoint', 'second gdb stopped at a breakpoint before being killed')
        c.want(out2, r'Thread 1 \(CPU#0', 'a new gdb connects after the others were killed')
        a, b = read_slot(out2), read_slot(out3)
        c.ok(a is not None and b is not None and b > a,
             'guest runs on after a killed gdb (breakpoints dropped): %s -> %s' % (a, b))
        c.ok(hs.alive(), 'hyperstep survived')
    finally:
        hs.stop()


def sc_ctrlc(o, c):
    hs = Hyperstep(o.hyperstep, o.elf, wait=False)
    try:
        g = BgGdb(hs.port, o.elf, ['MARK', 'continue', 'info threads', 'p *(long *)&slots', 'kill'])
        c.ok(g.wait_mark(), 'gdb reached continue')
        g.p.send_signal(signal.SIGINT)
        out = g.finish()
        c.outputs.append(out)
        c.want(out, r'received signal SIGINT', 'Ctrl-C stops the running guest')
        c.want(out, r'^\$1 = \d+', 'registers/memory readable after the interrupt')
        try:
            hs.p.wait(10)
        except subprocess.TimeoutExpired:
            pass
        c.ok(not hs.alive(), 'kill ends hyperstep')
    finally:
        hs.stop()


def regs_by_thread(block):
    """Map thread number -> {register: value} from 'thread apply all info registers' output."""
    res = {}
    cur = None
    for line in block.splitlines():
        m = re.match(r'Thread (\d+) \(', line)
        if m:
            cur = res.setdefault(int(m.group(1)), {})
            continue
        m = re.match(r'(\w+)\s+(0x[0-9a-f]+)', line)
        if m and cur is not None:
            cur[m.group(1)] = int(m.group(2), 16)
    return res


def between(out, a, b='==END=='):
    i = out.find(a)
    if i < 0:
        return ''
    j = out.find(b, i + len(a))
    return out[i + len(a):j if j >= 0 else len(out)]


def sc_reverse(o, c):
    """Reverse execution (--reverse-budget): stop at a breakpoint on core 2,
    reverse-stepi 100 and stepi 100 give the same registers on every core;
    reverse-continue finds the previous hits of a breakpoint on core 0; a
    watchpoint in reverse finds the store that wrote the value; monitor
    when / goto."""
    hs = Hyperstep(o.hyperstep, o.elf, extra=['--no-stdin', '--reverse-budget', '64', '--reverse-every', '2000'])
    regs = 'thread apply all info registers x0 x1 x2 x3 sp pc cpsr'
    try:
        out = gdb(hs.port, o.elf, [
            'break sec_store thread 3 if $x2 == 150', 'continue', 'delete',
            'echo ==A==\n', regs, 'echo ==END==\n',
            'reverse-stepi 100', 'echo ==B==\n', regs, 'echo ==END==\n',
            'stepi 100', 'echo ==C==\n', regs, 'echo ==END==\n',
            'thread 3', 'watch -l *(long *)$x0', 'reverse-continue', 'echo ==F==\n', 'thread',
            'p $pc', 'p $x2', 'p *(long *)$x0', 'echo ==END==\n', 'delete',
            'break store0', 'reverse-continue', 'echo ==D==\n', 'thread', 'p $x2', 'echo ==END==\n',
            'reverse-continue', 'echo ==E==\n', 'thread', 'p $x2', 'echo ==END==\n', 'delete',
            'monitor when', 'monitor goto 2500', 'maint flush register-cache', 'monitor when',
            'echo ==G==\n', regs, 'echo ==END==\n', 'monitor goto 2500', 'maint flush register-cache',
            'echo ==H==\n', regs, 'echo ==END==\n',
            'monitor goto 5', 'maint flush register-cache', 'echo ==I==\n', 'info threads', 'echo ==END==\n',
        ], timeout=120)
        c.outputs.append(out)
        a, b, cc = (regs_by_thread(between(out, x)) for x in ('==A==', '==B==', '==C=='))
        c.ok(len(a) == 4 and a.get(3, {}).get('x2') == 150, 'stopped with core 2 at x2 == 150: %r' % a.get(3))
        c.ok(b.get(3, {}).get('x2', 150) < 150, 'reverse-stepi 100 went back on core 2: %r' % b.get(3))
        c.ok(a == cc, 'registers after reverse-stepi 100 + stepi 100 differ:\n%r\n%r' % (a, cc))
        d, e = between(out, '==D=='), between(out, '==E==')
        c.want(d, r'Current thread is 1 ', 'reverse-continue stops on core 0 (thread 1)')
        c.want(out, r'Thread 1 hit Breakpoint \d+, store0', 'reverse-continue reports the breakpoint')
        xd = re.search(r'\$\d+ = (\d+)', d)
        xe = re.search(r'\$\d+ = (\d+)', e)
        c.ok(xd and xe and int(xe.group(1)) == int(xd.group(1)) - 1,
             'the second reverse-continue finds the hit before (x2 %s then %s)' %
             (xd and xd.group(1), xe and xe.group(1)))
        f = between(out, '==F==')
        # Watchpoints stop before the access, so gdb steps back over the store
        # that wrote 149 and shows the value before it, one instruction earlier.
        c.want(out, r'Thread 3 hit Hardware watchpoint \d+: -location \*\(long \*\)\$x0\s+Old value = 149\s+'
               r'New value = 148\s+sec_loop', 'reverse watchpoint: the store of 149 by core 2 (thread 3)')
        c.want(f, r'Current thread is 3 ', 'reverse watchpoint: core 2 (thread 3) selected')
        c.want(out, r'step \d+: CPU#\d, \d+ instructions into its slot', 'monitor when')
        c.want(out, r'now at step 2500, CPU#0', 'monitor goto 2500 arrives')
        g, h = regs_by_thread(between(out, '==G==')), regs_by_thread(between(out, '==H=='))
        c.ok(g and g == h, 'monitor goto 2500 twice gives the same registers')
        # Back before PSCI CPU_ON: the secondaries were never powered on then.
        i = between(out, '==I==')
        for t in (2, 3, 4):
            c.want(i, r'Thread %d \(CPU#%d \[off: never powered on\]' % (t, t - 1),
                   'after going back before CPU_ON, CPU#%d shows as never powered on' % (t - 1))
    finally:
        log = hs.stop()
        c.outputs.append(log)


SCENARIOS = {
    'reverse': sc_reverse,
    'threads': sc_threads, 'secure': sc_secure, 'mmu': sc_mmu, 'unix': sc_unix, 'options': sc_options, 'step': sc_step, 'regs': sc_regs, 'watch': sc_watch, 'monitor': sc_monitor,
    'reattach': sc_reattach, 'killed': sc_killed, 'ctrlc': sc_ctrlc,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--hyperstep', required=True)
    ap.add_argument('--elf', required=True)
    ap.add_argument('--mmu-elf', help='tests/gdb/mmu_guest.S built (scenario mmu)')
    ap.add_argument('--scenario', required=True, choices=sorted(SCENARIOS))
    o = ap.parse_args()
    c = Checker()
    try:
        SCENARIOS[o.scenario](o, c)
    except Skip as e:
        print('SKIP: %s' % e)
        return 77
    except Exception as e:   # noqa: BLE001 - report any harness failure as a test failure
        c.problems.append('exception: %r' % e)
    if c.problems:
        for out in c.outputs:
            print('---- gdb output ----')
            print(out)
        for p in c.problems:
            print('PROBLEM: ' + p)
        return 1
    print('scenario %s: ok' % o.scenario)
    return 0


if __name__ == '__main__':
    sys.exit(main())
