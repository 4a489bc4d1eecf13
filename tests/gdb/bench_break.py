#!/usr/bin/env python3
"""bench_break.py — wall time of 100M steps of tests/gdb/smp_guest.S with the
gdb stub attached and nothing set / one breakpoint / one watchpoint that are
never hit (the cost of the SLOW_BREAK slow path).  Not part of meson test.

usage: bench_break.py HYPERSTEP GUEST.elf none|bp|wp
"""
import socket
import subprocess
import sys
import time


def frame(b):
    b = b.encode()
    return b'$' + b + b'#%02x' % (sum(b) & 255)


def main():
    hs, elf, kind = sys.argv[1:4]
    s0 = socket.socket()
    s0.bind(('127.0.0.1', 0))
    port = s0.getsockname()[1]
    s0.close()
    p = subprocess.Popen([hs, '-M', 'virt,virtualization=on,gic-version=3', '-smp', '4', '-kernel', elf, '--stop-after',
                          '100000000', '-S', '-gdb', 'tcp::%d' % port],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    s = socket.create_connection(('127.0.0.1', port))
    s.sendall(frame('QStartNoAckMode'))
    time.sleep(0.1)
    s.recv(100)
    if kind != 'none':
        s.sendall(frame('Z0,50000000,4' if kind == 'bp' else 'Z2,50000000,8'))
        time.sleep(0.1)
        s.recv(100)
    t = time.time()
    s.sendall(frame('vCont;c'))
    d = b''
    while b'W' not in d:
        x = s.recv(100)
        if not x:
            break
        d += x
    print('%s: %.2f s (%r)' % (kind, time.time() - t, d))
    p.wait()


if __name__ == '__main__':
    main()
