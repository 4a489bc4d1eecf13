#!/usr/bin/env python3
"""chardev_socket.py — the serial port on a socket chardev.

usage: chardev_socket.py HYPERSTEP UART_PROMPT_ELF

Runs tests/guests/uart_prompt.c (prompt, read a line, answer "got: LINE";
"quit" ends it) with its serial port on
  1. -chardev socket,port=P,host=127.0.0.1,server=on,wait=on,telnet=on: the
     run waits for the client; the client gets the telnet negotiation, the
     prompt, and its input (with telnet commands mixed in, which must be
     removed) reaches the guest;
  2. a TCP server with wait=off: the guest starts at once (its first prompt
     has nobody to go to); a client connecting later talks to it;
  3. -serial unix:PATH,server=on,wait=off (QEMU's short form) and -monitor none.
Every run must end with status 0 when the guest reads "quit".
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

WAIT = 10.0


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def connect(family, addr):
    end = time.monotonic() + WAIT
    while True:
        c = socket.socket(family, socket.SOCK_STREAM)
        try:
            c.connect(addr)
            c.settimeout(WAIT)
            return c
        except OSError:
            c.close()
            if time.monotonic() > end:
                raise SystemExit('FAIL: cannot connect to %r' % (addr,))
            time.sleep(0.05)


def read_until(c, data, text, what):
    end = time.monotonic() + WAIT
    while text not in data:
        if time.monotonic() > end:
            raise SystemExit('FAIL: %s: %r not received; got %r' % (what, text, data))
        chunk = c.recv(4096)
        if not chunk:
            raise SystemExit('FAIL: %s: connection closed; got %r' % (what, data))
        data += chunk
    print('ok: %s' % what)
    return data


def finish(p, what):
    try:
        out, err = p.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        p.kill()
        raise SystemExit('FAIL: %s: the run did not end' % what)
    if p.returncode != 0:
        raise SystemExit('FAIL: %s: exit %d, stderr %r' % (what, p.returncode, err))
    print('ok: %s: exit status 0' % what)


def main():
    hs, elf = sys.argv[1], sys.argv[2]
    base = [hs, '-semihosting', '-M', 'virt,virtualization=on,gic-version=3', '-kernel', elf]
    # 1. telnet server, wait=on
    port = free_port()
    p = subprocess.Popen(base + ['-chardev', 'socket,id=s0,port=%d,host=127.0.0.1,server=on,wait=on,telnet=on'
                                 % port, '-serial', 'chardev:s0', '-monitor', 'none'],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    c = connect(socket.AF_INET, ('127.0.0.1', port))
    data = read_until(c, b'', b'poll> ', 'telnet: prompt after the negotiation')
    if not data.startswith(b'\xff\xfb\x01'):
        raise SystemExit('FAIL: telnet: no IAC WILL ECHO first: %r' % data[:12])
    c.sendall(b'\xff\xfd\x03he\xff\xfa\x18\x00xterm\xff\xf0llo\n')   # DO SGA, a subnegotiation
    data = read_until(c, data, b'got: hello\n', 'telnet: input with IAC commands removed reaches the guest')
    data = read_until(c, data, b'wfi> ', 'telnet: prompt of a guest in WFI')
    c.sendall(b'quit\n')
    read_until(c, data, b'got: quit\n', 'telnet: quit')
    c.close()
    finish(p, 'telnet wait=on')
    # 2. TCP server, wait=off: the guest runs before anyone connects
    port = free_port()
    p = subprocess.Popen(base + ['-nodefaults', '-chardev', 'socket,id=s1,port=%d,server=on,wait=off' % port,
                                 '-serial', 'chardev:s1'],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.3)
    c = connect(socket.AF_INET, ('127.0.0.1', port))
    c.sendall(b'late\n')
    data = read_until(c, b'', b'got: late\nwfi> ', 'wait=off: a late client talks to the guest')
    c.sendall(b'quit\n')
    read_until(c, data, b'got: quit\n', 'wait=off: quit')
    c.close()
    finish(p, 'tcp wait=off')
    # 3. Unix socket through -serial's short form
    d = tempfile.mkdtemp()
    path = os.path.join(d, 'serial.sock')
    p = subprocess.Popen(base + ['-serial', 'unix:%s,server=on,wait=off' % path, '-monitor', 'none'],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    c = connect(socket.AF_UNIX, path)
    c.sendall(b'unix\n')
    data = read_until(c, b'', b'got: unix\n', 'unix socket: input and output')
    c.sendall(b'quit\n')
    read_until(c, data, b'got: quit\n', 'unix socket: quit')
    c.close()
    finish(p, 'unix wait=off')
    return 0


if __name__ == '__main__':
    sys.exit(main())
