#!/usr/bin/env python3
"""rsp_fuzz.py — property test of the gdb stub's packet layer: malformed,
truncated, oversized, NUL-carrying, random and out-of-order packets get an
error reply (or a NAK, or are ignored), never a crash or a hang, and the
guest state (registers of every thread, guest memory) is unchanged.  Also
checks the raw stop replies of a watchpoint (watch:ADDR) and of Ctrl-C.

usage: rsp_fuzz.py --hyperstep BIN --elf GUEST.elf
"""
import argparse
import random
import socket
import subprocess
import sys
import tempfile
import time
import traceback


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def frame(body):
    if isinstance(body, str):
        body = body.encode('latin-1')
    return b'$' + body + b'#%02x' % (sum(body) & 0xff)


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(('127.0.0.1', port), timeout=10)
        self.buf = b''

    def send(self, raw):
        self.s.sendall(raw)

    def _fill(self, deadline):
        self.s.settimeout(max(0.01, deadline - time.time()))
        d = self.s.recv(65536)
        if not d:
            raise EOFError('stub closed the connection')
        self.buf += d

    def reply(self, timeout=10):
        """Next packet body (acks '+' / NAKs '-' returned as such)."""
        deadline = time.time() + timeout
        while True:
            while self.buf[:1] in (b'+',):
                self.buf = self.buf[1:]
            if self.buf[:1] == b'-':
                self.buf = self.buf[1:]
                return b'-'
            i = self.buf.find(b'$')
            j = self.buf.find(b'#', i + 1) if i >= 0 else -1
            if i >= 0 and j >= 0 and len(self.buf) >= j + 3:
                body = self.buf[i + 1:j]
                cs = int(self.buf[j + 1:j + 3], 16)
                self.buf = self.buf[j + 3:]
                assert cs == sum(body) & 0xff, 'bad checksum from stub'
                self.send(b'+')
                return body
            if time.time() > deadline:
                raise TimeoutError('no reply within %ss (buffer %r)' % (timeout, self.buf[:80]))
            self._fill(deadline)

    def cmd(self, body, timeout=10):
        self.send(frame(body))
        r = self.reply(timeout)
        while r.startswith(b'O') and r != b'OK':   # console output
            r = self.reply(timeout)
        return r


def snapshot(c, ncpu):
    regs = []
    for t in range(1, ncpu + 1):
        assert c.cmd('Hg%x' % t) == b'OK'
        regs.append(c.cmd('g'))
        regs.append(c.cmd('p44'))   # a system register (first of the sysreg feature)
    mem = c.cmd('m40000000,200')
    return regs, mem


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--hyperstep', required=True)
    ap.add_argument('--elf', required=True)
    ap.add_argument('--seed', type=int, default=1234)
    ap.add_argument('--random', type=int, default=400)
    o = ap.parse_args()
    port = free_port()
    err = tempfile.TemporaryFile()
    hs = subprocess.Popen([o.hyperstep, '-M', 'virt,virtualization=on,gic-version=3', '-smp', '4', '-kernel', o.elf,
                           '-S', '-gdb', 'tcp::%d' % port], stdout=subprocess.DEVNULL, stderr=err)
    problems = []
    try:
        c = None
        for _ in range(200):
            try:
                c = Conn(port)
                break
            except OSError:
                time.sleep(0.05)
        assert c, 'cannot connect'
        assert b'PacketSize' in c.cmd('qSupported:swbreak+;hwbreak+')
        assert c.cmd('?').startswith(b'T05thread:1;')
        before = snapshot(c, 4)
        # A second debugger is refused with a reason and closed; the first
        # keeps its connection.
        c2 = Conn(port)
        try:
            r2 = c2.reply(10)
            if b'another debugger is connected' not in r2:
                problems.append('second connection: unexpected reply %r' % r2[:80])
            try:
                c2.reply(2)
                problems.append('second connection: not closed')
            except (EOFError, ConnectionResetError):
                pass
        except Exception as e:   # noqa: BLE001
            problems.append('second connection: %r' % e)
        c2.s.close()
        assert c.cmd('?').startswith(b'T05'), 'first connection lost after a refused second one'

        def expect(raw, accept, what):
            c.send(raw)
            try:
                r = c.reply(10)
                while r.startswith(b'O') and r != b'OK':
                    r = c.reply(10)
            except Exception as e:   # noqa: BLE001
                problems.append('%s: %r' % (what, e))
                return
            if not accept(r):
                problems.append('%s: unexpected reply %r' % (what, r[:80]))

        def sync(what):
            # Replies to a broken stream may be several (NAK + answer): read
            # until the answer to a marker packet.
            c.send(frame('qC'))
            deadline = time.time() + 10
            try:
                while not c.reply(max(0.1, deadline - time.time())).startswith(b'QC'):
                    pass
            except Exception as e:   # noqa: BLE001
                problems.append('%s: no answer (%r)' % (what, e))

        def is_err(r):
            return r.startswith(b'E') or r == b'' or r == b'-'

        # Bad checksums and broken framing.
        expect(b'$g#00', lambda r: r == b'-', 'bad checksum is NAKed')
        expect(b'$g#zz', lambda r: r == b'-', 'non-hex checksum is NAKed')
        expect(b'$m4000' + frame('?'), lambda r: r.startswith(b'T05'), 'truncated packet then a new one')
        expect(b'garbage\x01\x02\xff' + frame('?'), lambda r: r.startswith(b'T05'), 'noise between packets')
        expect(frame(''), lambda r: r == b'', 'empty packet')
        expect(frame('A' * 40000), is_err, 'oversized packet')
        expect(b'$' + b'B' * 40000 + b'#00', lambda r: r in (b'-', b'E22'), 'oversized packet, bad checksum')
        expect(frame(b'm40000000\x00,4'), is_err, 'NUL inside a packet')
        bad = ['m', 'mZZ,10', 'm40000000', 'm40000000,', 'm40000000,zz', 'mffffffffffffffff,10',
               'm0,ffffffffffffffff', 'm123456789abcdef01,4', 'M40000000,4:zz', 'M40000000,4:0011',
               'M40000000,2:001122', 'X40000000,10:ab', 'X40000000,1:}', 'p', 'pzz', 'pfffff', 'p1ffffffffffffffff',
               'P0=12', 'P0=zz00000000000000', 'Pfff=00', 'P21=', 'Hgzz', 'Hg99', 'Hx1', 'Hc', 'T99', 'Tzz', 'T0',
               'Z9,0,0', 'Z0,zz', 'Z0,0', 'Z2,40000000,0', 'Z2,ffffffffffffffff,10', 'z2,0,0', 'vCont;x',
               'vCont;s:99', 'vCont;c:zz', 'vCont;C', 'vCont;cc', 'vBogus', 'qXfer:features:read:target.xml:zz',
               'qXfer:features:read:target.xml:100000,10', 'qXfer:features:read:bogus.xml:0,10',
               'qXfer:threads:read::zz', 'qRcmd,zz', 'qRcmd,6', 'qRcmd,' + ('78' * 1000),
               'qThreadExtraInfo,99', 'qThreadExtraInfo,', 'G00', 'Gzz', 'Cxx', 'Sxx', 'czz', 'sq', 'c;zz',
               'QBogus', 'Qqemu.PhyMemMode:7', 'Hgp1.zz', 'vCont;s:p1.99', 'gx']
        for b in bad:
            expect(frame(b), lambda r: is_err(r) or r.startswith(b'T') or r == b'OK' or r == b'l' or
                   all(ch in b'0123456789abcdef' for ch in r), 'malformed %r' % b[:40])
            sync('after %r' % b[:40])
        # Random packets (no resume/kill/detach/write commands: they would
        # legitimately change the state).
        rnd = random.Random(o.seed)
        alphabet = '0123456789abcdefxyz,;:=-.#$}*pPmgqQHTzZv?'
        for i in range(o.random):
            head = rnd.choice(['m', 'p', 'H', 'T', 'q', 'z', 'qXfer:', 'qRcmd,', 'qThreadExtraInfo,', 'g', '?', 'x'])
            body = head + ''.join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 40)))
            body = body.replace('#', '').replace('$', '')
            if body.startswith('zz') or body.startswith('Hc'):
                continue
            raw = frame(body)
            if rnd.random() < 0.2:
                raw = raw[:rnd.randrange(1, len(raw))] + frame('?')   # truncated, then a sane packet
            c.send(raw)
            sync('random packet %d %r' % (i, body))
            if hs.poll() is not None:
                problems.append('hyperstep died on random packet %r' % body)
                break
        # vCont with only 't' (stop) actions resumes nothing: answered at once.
        expect(frame('vCont;t:1'), lambda r: r.startswith(b'T00thread:'), 'vCont;t only')
        expect(frame('vCont?'), lambda r: r == b'vCont;c;C;s;S;t', 'vCont? lists the actions')
        expect(frame('qC'), lambda r: r.startswith(b'QC'), 'qC')
        expect(frame('qAttached'), lambda r: r == b'1', 'qAttached')
        expect(frame('qfThreadInfo'), lambda r: r == b'm1,2,3,4', 'qfThreadInfo lists one thread per core')
        expect(frame('qsThreadInfo'), lambda r: r == b'l', 'qsThreadInfo ends the list')
        expect(frame('T4'), lambda r: r == b'OK', 'thread 4 alive')
        expect(frame('T5'), lambda r: r.startswith(b'E'), 'thread 5 does not exist')
        # Still answering, nothing changed.
        assert c.cmd('?').startswith(b'T05'), 'stub answers after the fuzzing'
        after = snapshot(c, 4)
        if before != after:
            problems.append('guest state changed by malformed packets')
        # Out of order: packets while the guest runs are answered E16; only
        # Ctrl-C stops it.  Then a watchpoint reports the data address.
        c.send(frame('vCont;c'))
        time.sleep(0.3)
        r = c.cmd('g')
        if r != b'E16':
            problems.append('packet while running: expected E16, got %r' % r[:40])
        c.send(b'\x03')
        r = c.reply(10)
        if not r.startswith(b'T02thread:'):
            problems.append('Ctrl-C: expected T02 stop reply, got %r' % r)
        nm = subprocess.run(['aarch64-linux-gnu-nm', o.elf], stdout=subprocess.PIPE, text=True).stdout
        slots = [int(l.split()[0], 16) for l in nm.splitlines() if l.endswith(' slots')][0]
        assert c.cmd('Z2,%x,8' % slots) == b'OK'
        assert c.cmd('Hc-1') == b'OK'
        r = c.cmd('vCont;c', timeout=20)
        want = b'watch:%x;' % slots
        if not r.startswith(b'T05') or want not in r:
            problems.append('watchpoint stop reply: expected %r in %r' % (want, r))
        assert c.cmd('z2,%x,8' % slots) == b'OK'
        # Access watch on a byte inside the word: the reported address is
        # inside the watched range.
        assert c.cmd('Z4,%x,1' % (slots + 2)) == b'OK'
        r = c.cmd('vCont;c', timeout=20)
        if b'awatch:%x;' % (slots + 2) not in r:
            problems.append('access watchpoint stop reply: %r' % r)
        assert c.cmd('z4,%x,1' % (slots + 2)) == b'OK'
        # A breakpoint on a watched store: continuing from the breakpoint
        # (not removed, as a plain RSP client may do) runs the store, which
        # must then report the watchpoint, not be skipped with the breakpoint.
        store0 = [int(l.split()[0], 16) for l in nm.splitlines() if l.endswith(' store0')][0]
        assert c.cmd('Z0,%x,4' % store0) == b'OK'
        r = c.cmd('vCont;c', timeout=20)
        if b'swbreak' not in r:
            problems.append('breakpoint at store0: %r' % r)
        assert c.cmd('Z2,%x,8' % slots) == b'OK'
        r = c.cmd('vCont;c', timeout=20)
        if (b'watch:%x;' % slots) not in r:
            problems.append('continuing from a breakpoint on a watched store: expected the watchpoint, got %r' % r)
        r = c.cmd('vCont;c', timeout=20)
        if b'swbreak' not in r:
            problems.append('continuing from the watchpoint: expected the breakpoint next iteration, got %r' % r)
        c.send(frame('k'))
        try:
            hs.wait(10)
        except subprocess.TimeoutExpired:
            problems.append('k did not end hyperstep')
    except Exception as e:   # noqa: BLE001
        traceback.print_exc()
        problems.append("exception: %r" % e)
    finally:
        if hs.poll() is None:
            hs.kill()
            hs.wait()
        if hs.returncode is not None and hs.returncode < 0 and hs.returncode != -9:
            problems.append('hyperstep crashed: signal %d' % -hs.returncode)
    if problems:
        err.seek(0)
        print(err.read().decode(errors='replace')[-3000:])
        for p in problems:
            print('PROBLEM: ' + p)
        return 1
    print('rsp fuzz: ok (%d random packets)' % o.random)
    return 0


if __name__ == '__main__':
    sys.exit(main())
