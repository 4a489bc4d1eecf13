#!/usr/bin/env python3
"""check_layers_selftest.py — check_layers.py on tiny fake source trees.

usage: check_layers_selftest.py

Each case writes a few C files into a fresh temporary folder (not a git
checkout, so the checker walks the folders), runs check_layers.py on it and
checks the exit status and the loops it reports:
  1. upward include: cpu/ includes a devices/ header -> rule b, exit 1.
  2. call loop through machine/: cpu/run.c and machine/board.c call each
     other -> one loop of those 2 files, rule a, exit 1 (0 with
     --report-only).
  3. clean tree: machine/ calls down into cpu/ and a static inline of a
     cpu/ header, same-named static helpers in two files -> exit 0, no loop.
  4. hook: cpu/run.c reaches machine/'s board_tick() only through function
     pointers named like it (`m->hooks.board_tick(m)`, `m->hp->board_tick(m)`)
     and through the name in a comment and a string -> not an arrow, exit 0,
     no loop.
"""
import os
import re
import subprocess
import sys
import tempfile

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'check_layers.py')

CPU_H = '''#ifndef CPU_H
#define CPU_H
typedef struct Machine Machine;
struct Hooks { void (*board_tick)(Machine *m); };
struct Machine { struct Hooks hooks; struct Hooks *hp; int n; };
void cpu_run(Machine *m);
int cpu_step(Machine *m);
static inline int cpu_count(const Machine *m)
{
    return m->n;
}
#endif
'''

CASES = {
    'upward_include': {
        'cpu/cpu.h': CPU_H,
        'cpu/run.c': '#include "cpu/cpu.h"\n#include "devices/uart.h"\n\n'
                     'void cpu_run(Machine *m)\n{\n    m->n++;\n}\n',
        'devices/uart.h': '#ifndef UART_H\n#define UART_H\nvoid uart_put(int ch);\n#endif\n',
        'devices/uart.c': '#include "devices/uart.h"\n\nvoid uart_put(int ch)\n{\n    (void)ch;\n}\n',
    },
    'call_loop': {
        'cpu/cpu.h': CPU_H,
        'cpu/run.c': '#include "cpu/cpu.h"\n\nvoid board_tick(Machine *m);\n\n'
                     'void cpu_run(Machine *m)\n{\n    board_tick(m);\n}\n',
        'machine/board.c': '#include "cpu/cpu.h"\n\n'
                           'void board_tick(Machine *m)\n{\n    if (m->n-- > 0)\n        cpu_run(m);\n}\n',
    },
    'clean': {
        'cpu/cpu.h': CPU_H,
        'cpu/run.c': '#include "cpu/cpu.h"\n\nstatic int helper(int x)\n{\n    return x + 1;\n}\n\n'
                     'int cpu_step(Machine *m)\n{\n    return helper(m->n);\n}\n\n'
                     'void cpu_run(Machine *m)\n{\n    while (cpu_step(m) < 10)\n        m->n++;\n}\n',
        'machine/board.c': '#include "cpu/cpu.h"\n\nstatic int helper(int x)\n{\n    return x * 2;\n}\n\n'
                           'int board_main(Machine *m)\n{\n    cpu_run(m);\n'
                           '    return helper(cpu_count(m));\n}\n',
    },
    'hook_only': {
        'cpu/cpu.h': CPU_H,
        'cpu/run.c': '#include <stdio.h>\n#include "cpu/cpu.h"\n\n'
                     '/* not an arrow: board_tick(m) is reached through the hook */\n'
                     'void cpu_run(Machine *m)\n{\n    m->hooks.board_tick(m);\n    m->hp -> board_tick (m);\n'
                     '    puts("board_tick(m)");\n}\n',
        'machine/board.c': '#include "cpu/cpu.h"\n\n'
                           'void board_tick(Machine *m)\n{\n    m->n++;\n}\n\n'
                           'void board_init(Machine *m)\n{\n    m->hooks.board_tick = board_tick;\n    cpu_run(m);\n}\n',
    },
}


def make_tree(base, files):
    for rel, text in files.items():
        path = os.path.join(base, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as fh:
            fh.write(text)


def run(root, *opts):
    r = subprocess.run([sys.executable, CHECKER] + list(opts) + [root],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return r.returncode, r.stdout.decode()


def loops_of(out):
    """The loops the checker printed: list of member lists."""
    loops, cur = [], None
    for line in out.splitlines():
        if re.match(r'\s+loop \d+: \d+ files', line):
            cur = []
            loops.append(cur)
        elif cur is not None and re.match(r'    \S', line):
            cur.append(line.strip())
        else:
            cur = None
    return loops


def main():
    fails = []

    def expect(cond, what, out):
        if not cond:
            fails.append('%s\n--- checker output ---\n%s' % (what, out))

    with tempfile.TemporaryDirectory() as tmp:
        roots = {}
        for name, files in CASES.items():
            roots[name] = os.path.join(tmp, name)
            make_tree(roots[name], files)

        rc, out = run(roots['upward_include'])
        expect(rc == 1, 'upward_include: exit %d, expected 1' % rc, out)
        expect(re.search(r'rule b: cpu/run\.c:2 includes "devices/uart\.h"', out),
               'upward_include: no rule b message for cpu/run.c -> devices/uart.h', out)
        expect(loops_of(out) == [], 'upward_include: unexpected loops %s' % loops_of(out), out)
        expect('core file -> upper file: 1' in out, 'upward_include: core -> upper count is not 1', out)

        rc, out = run(roots['call_loop'])
        expect(rc == 1, 'call_loop: exit %d, expected 1' % rc, out)
        expect(loops_of(out) == [['cpu/run.c', 'machine/board.c']],
               'call_loop: loops %s, expected [[cpu/run.c, machine/board.c]]' % loops_of(out), out)
        expect('rule a: loop 1 (2 files)' in out, 'call_loop: no rule a message', out)
        expect('rule b' not in out, 'call_loop: unexpected rule b message', out)
        rc, out = run(roots['call_loop'], '--report-only')
        expect(rc == 0, 'call_loop --report-only: exit %d, expected 0' % rc, out)
        rc, out = run(roots['call_loop'], '--verbose')
        expect('cpu/run.c -> machine/board.c  [call board_tick]' in out,
               'call_loop --verbose: the upward call arrow is not listed with its function', out)

        rc, out = run(roots['clean'])
        expect(rc == 0, 'clean: exit %d, expected 0' % rc, out)
        expect(loops_of(out) == [] and 'loops (strongly connected groups of more than one file): 0' in out,
               'clean: unexpected loops %s' % loops_of(out), out)
        expect('2 call pairs' in out,
               'clean: expected 2 call arrows (board.c -> run.c for cpu_run, board.c -> cpu.h for the '
               'static inline cpu_count; the static helpers are file-local)', out)
        rc, out = run(roots['clean'], '--verbose')
        expect('upward arrows against the folder order' in out and ': 0 of' in out,
               'clean: upward arrows reported', out)

        rc, out = run(roots['hook_only'])
        expect(rc == 0, 'hook_only: exit %d, expected 0 (a call through m->hooks is no arrow)' % rc, out)
        expect(loops_of(out) == [], 'hook_only: unexpected loops %s' % loops_of(out), out)
        expect('core file -> upper file: 0' in out, 'hook_only: an upward arrow was counted', out)
        expect('1 call pairs' in out, 'hook_only: expected exactly the board.c -> run.c call arrow', out)

    for f in fails:
        print('FAIL: ' + f)
    print('check_layers_selftest: %d failure(s)' % len(fails))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
