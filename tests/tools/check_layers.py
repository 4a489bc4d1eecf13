#!/usr/bin/env python3
"""check_layers.py — file-level dependency graph of the emulator's C sources,
with the layering rules checked on it.

usage: check_layers.py [--report-only] [--verbose] REPO_ROOT

Files read
  Every C source and header (.c, .h) under common/, decoder/, cpu/, mmu/,
  exceptions/, trace/, devices/, firmware/, gdbstub/ and machine/.  In a git
  checkout the list comes from `git ls-files` (tracked files only, so build
  output and generated headers are left out); otherwise the folders are
  walked.  Nothing under tests/, bench/ or examples/ is read.

Arrows (one graph node per file; a header and its .c are separate nodes)
  include  A -> B when A has `#include "B"` (quoted includes only).  The path
           is resolved relative to the repository root, then relative to A's
           folder; includes of files outside the list (generated headers,
           system headers) give no arrow.
  call     A -> B when code in A calls by name a function whose body is in
           B, A != B.  A definition is a line starting at column 0 with a
           return type and `name(`, whose balanced parameter list is
           followed by `{`.  `static` definitions in a .c file are private to
           it and never targets; `static` (usually `static inline`)
           definitions in a header are targets, the arrow going to the
           header.  A call is an identifier followed by `(` inside braces (a
           function body or an initializer) or in a #define body, not a C
           keyword, not a function defined in A itself, and not preceded by
           `.` or `->`: a call through a function pointer (a hook such as
           `m->hooks.irq(...)`) is deliberately not an arrow.  Comments and
           string/character literals are removed first.  When a name is
           defined in several candidate files, the headers A includes
           (directly or not) are preferred; if that does not leave exactly
           one, the call gives no arrow (listed with --verbose).
  An include and a call between the same two files are one arrow of the
  graph; the report counts include pairs and call pairs separately too.
  Because a header and its .c are separate nodes, a header whose inline
  function or macro calls into the .c that includes it forms a 2-file loop
  (e.g. common/common.h's emu_assert() -> hs_fatal() in common/log.c); such
  loops are reported, and break rule a only in the upper folders.

Layers and folder order
  core  = common, decoder, cpu, mmu, exceptions, trace
  upper = devices, firmware, gdbstub, machine
  order: common < decoder < cpu < mmu < exceptions < trace < devices
         < firmware < gdbstub < machine (the first path component).
  An arrow between two folders is "upward" when it runs from a folder to
  one later in that order; "core -> upper" is the subset leaving the core
  for the upper layer.  Arrows inside one folder are never upward.

Rules (exit status 1, one message per violation, when broken)
  a. No loop (strongly connected component of more than one file, found
     with Tarjan's algorithm) contains a file of devices/, firmware/,
     gdbstub/ or machine/.  A loop made only of upper files breaks it too.
  b. No core file includes a file of devices/, firmware/, gdbstub/ or
     machine/ (checked on the include path as written, found or not).

Output: the report (files, arrows, upward counts with the folder pairs, each
loop with its members) always, then the violations.  --report-only always
exits 0; --verbose also lists every upward arrow with the functions called.

Limits (the scan is textual, not a C parser; it prefers missing an arrow to
inventing one)
  - A function whose name is hidden by a macro, or whose return type is on
    its own line with a keyword in it, is not seen as a definition.
  - Taking a function's address (tables of handlers, hook registration) is
    not a call; neither is a call through a macro defined in another file
    unless the macro body itself names the function (then the arrow starts
    at the macro's file).
  - #if branches are all read, whichever the configuration.
  - Generated code (the decoder dispatcher) is not tracked, so its calls
    into cpu/exec_*.c are not arrows.
"""
import argparse
import os
import re
import subprocess
import sys
from collections import defaultdict, deque

FOLDERS = ['common', 'decoder', 'cpu', 'mmu', 'exceptions', 'trace',
           'devices', 'firmware', 'gdbstub', 'machine']
CORE = ['common', 'decoder', 'cpu', 'mmu', 'exceptions', 'trace']
UPPER = ['devices', 'firmware', 'gdbstub', 'machine']
RANK = {f: i for i, f in enumerate(FOLDERS)}
SKIP_DIRS = {'tests', 'bench', 'examples'}

C_KEYWORDS = set('''
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
    _Static_assert _Thread_local __attribute__ __typeof__ typeof asm __asm__
    __extension__ __builtin_expect defined alignof offsetof
'''.split())

# Words that cannot appear in the return type of a definition.
NOT_IN_RETURN_TYPE = {'return', 'else', 'typedef', 'if', 'while', 'for', 'do',
                      'switch', 'case', 'goto', 'sizeof', 'break', 'continue'}

IDENT = re.compile(r'[A-Za-z_]\w*')
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.M)
# A definition's head on one line: return type (words and '*'), then name(.
DEF_HEAD = re.compile(r'^([A-Za-z_][\w \t*]*?[ \t*])([A-Za-z_]\w*)[ \t]*\(', re.M)
# The same with the return type alone on the line before.
DEF_HEAD_SPLIT = re.compile(r'^([A-Za-z_][\w \t*]*)\n([A-Za-z_]\w*)[ \t]*\(', re.M)
CALL = re.compile(r'([A-Za-z_]\w*)\s*\(')


def strip_c(text, keep_strings):
    """Comments become spaces (newlines kept, so line numbers hold).  String
    and character literals keep their quotes; their contents become spaces
    unless KEEP_STRINGS."""
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '/' and i + 1 < n and text[i + 1] == '*':
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif ch == '/' and i + 1 < n and text[i + 1] == '/':
            j = i
            while j < n and text[j] != '\n':
                # A line comment continues over backslash-newline.
                if text[j] == '\\' and j + 1 < n and text[j + 1] == '\n':
                    j += 2
                    continue
                j += 1
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif ch == '"' or ch == "'":
            j = i + 1
            while j < n and text[j] != ch and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            j = min(j + 1, n)
            lit = text[i:j]
            if not keep_strings:
                lit = lit[0] + re.sub(r'[^\n]', ' ', lit[1:-1]) + lit[-1] if len(lit) >= 2 else lit
            out.append(lit)
            i = j
        else:
            out.append(ch)
            i += 1
    return ''.join(out)


def blank_balanced(text, start):
    """Index just past the ')' matching the '(' at START, or -1."""
    depth = 0
    for k in range(start, len(text)):
        c = text[k]
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0:
                return k + 1
    return -1


def split_directives(code):
    """Return (code with every preprocessor directive blanked, list of
    #define bodies).  Continuation lines are part of their directive."""
    lines = code.split('\n')
    macros = []
    i = 0
    while i < len(lines):
        if lines[i].lstrip().startswith('#'):
            first = i
            logical = lines[i]
            while logical.endswith('\\') and i + 1 < len(lines):
                i += 1
                logical = logical[:-1] + ' ' + lines[i]
            m = re.match(r'\s*#\s*define\s+([A-Za-z_]\w*)(\([^)]*\))?(.*)$', logical, re.S)
            if m:
                macros.append((m.group(1), m.group(3), first + 1))
            for k in range(first, i + 1):
                lines[k] = ''
        i += 1
    return '\n'.join(lines), macros


def blank_attributes(code):
    """__attribute__((...)) becomes spaces, so it does not hide a name."""
    out = code
    for m in reversed(list(re.finditer(r'__attribute__\s*\(', code))):
        end = blank_balanced(code, m.end() - 1)
        if end > 0:
            out = out[:m.start()] + ' ' * (end - m.start()) + out[end:]
    return out


def brace_depths(code):
    """Brace depth before each character of CODE."""
    depths = [0] * (len(code) + 1)
    d = 0
    for k, c in enumerate(code):
        depths[k] = d
        if c == '{':
            d += 1
        elif c == '}':
            d = max(d - 1, 0)
    depths[len(code)] = d
    return depths


class SourceFile:
    def __init__(self, path, text):
        self.path = path
        self.is_header = path.endswith('.h')
        self.folder = path.split('/', 1)[0]
        self.includes = []        # (written path, line number)
        self.defs = {}            # name -> 'global' | 'static'
        self.calls = defaultdict(set)   # name -> line numbers
        self.parse(text)

    def parse(self, text):
        with_strings = strip_c(text, keep_strings=True)
        for m in INCLUDE.finditer(with_strings):
            self.includes.append((m.group(1), with_strings.count('\n', 0, m.start()) + 1))
        code, macros = split_directives(strip_c(text, keep_strings=False))
        code = blank_attributes(code)
        depths = brace_depths(code)
        for regex in (DEF_HEAD, DEF_HEAD_SPLIT):
            for m in regex.finditer(code):
                self.consider_definition(code, depths, m)
        for m in CALL.finditer(code):
            if depths[m.start()] > 0 and not self.member_access(code, m.start()):
                self.add_call(m.group(1), code.count('\n', 0, m.start()) + 1)
        for _name, body, line in macros:
            for m in CALL.finditer(body):
                if not self.member_access(body, m.start()):
                    self.add_call(m.group(1), line)

    def consider_definition(self, code, depths, m):
        words = IDENT.findall(m.group(1))
        if not words or depths[m.start()] != 0 or NOT_IN_RETURN_TYPE & set(words):
            return
        name = m.group(2)
        if name in C_KEYWORDS:
            return
        end = blank_balanced(code, m.end() - 1)
        if end < 0:
            return
        rest = code[end:end + 200].lstrip()
        if not rest.startswith('{'):
            return
        kind = 'static' if 'static' in words else 'global'
        if self.defs.get(name) != 'global':
            self.defs[name] = kind

    @staticmethod
    def member_access(code, pos):
        k = pos - 1
        while k >= 0 and code[k] in ' \t\n':
            k -= 1
        return k >= 0 and (code[k] == '.' or (code[k] == '>' and k > 0 and code[k - 1] == '-'))

    def add_call(self, name, line):
        if name not in C_KEYWORDS:
            self.calls[name].add(line)


def list_files(root):
    root = os.path.realpath(root)
    try:
        top = subprocess.run(['git', '-C', root, 'rev-parse', '--show-toplevel'],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             check=True).stdout.decode().strip()
        if os.path.realpath(top) != root:
            raise ValueError('not the top of a git checkout')
        out = subprocess.run(['git', '-C', root, 'ls-files', '-z', '--'] + FOLDERS,
                             stdout=subprocess.PIPE, check=True).stdout.decode()
        paths = [p for p in out.split('\0') if p]
        how = 'git ls-files'
    except (OSError, subprocess.CalledProcessError, ValueError):
        paths = []
        for folder in FOLDERS:
            for dirpath, dirnames, filenames in os.walk(os.path.join(root, folder)):
                dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith('.'))
                for f in filenames:
                    paths.append(os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, '/'))
        how = 'walking the folders'
    keep = []
    for p in paths:
        parts = p.split('/')
        if not p.endswith(('.c', '.h')) or SKIP_DIRS & set(parts[:-1]):
            continue
        if os.path.isfile(os.path.join(root, p)):
            keep.append(p)
    return sorted(set(keep)), how


class Graph:
    def __init__(self, root):
        self.root = root
        paths, self.how = list_files(root)
        self.files = {}
        for p in paths:
            with open(os.path.join(root, p), encoding='utf-8', errors='replace') as fh:
                self.files[p] = SourceFile(p, fh.read())
        self.include_arrows = {}                # (a, b) -> line
        self.call_arrows = defaultdict(set)     # (a, b) -> {function names}
        self.ambiguous = []                     # (file, name, candidates)
        self.build()

    def resolve_include(self, src, written):
        for cand in (written, os.path.normpath(os.path.join(os.path.dirname(src), written)).replace(os.sep, '/')):
            if cand in self.files:
                return cand
        return None

    def build(self):
        for f in self.files.values():
            f.resolved = []
            for written, line in f.includes:
                tgt = self.resolve_include(f.path, written)
                f.resolved.append((written, tgt, line))
                if tgt and tgt != f.path:
                    self.include_arrows.setdefault((f.path, tgt), line)
        defined_in = defaultdict(list)
        for f in self.files.values():
            for name, kind in f.defs.items():
                if kind == 'global' or f.is_header:
                    defined_in[name].append(f.path)
        for f in self.files.values():
            reach = self.included_closure(f.path)
            for name in sorted(f.calls):
                if name in f.defs or name not in defined_in:
                    continue
                cands = defined_in[name]
                if len(cands) > 1:
                    seen = [c for c in cands if c in reach]
                    cands = seen if seen else cands
                if len(cands) != 1:
                    self.ambiguous.append((f.path, name, defined_in[name]))
                    continue
                self.call_arrows[(f.path, cands[0])].add(name)
        self.arrows = defaultdict(set)
        for a, b in list(self.include_arrows) + list(self.call_arrows):
            self.arrows[a].add(b)

    def included_closure(self, path):
        seen, todo = set(), [path]
        while todo:
            p = todo.pop()
            for _w, tgt, _l in self.files[p].resolved:
                if tgt and tgt not in seen:
                    seen.add(tgt)
                    todo.append(tgt)
        return seen

    def edge_label(self, a, b, max_names=None):
        """'include', 'call f, g' or both; at most MAX_NAMES function names."""
        parts = []
        if (a, b) in self.include_arrows:
            parts.append('include')
        if (a, b) in self.call_arrows:
            names = sorted(self.call_arrows[(a, b)])
            if max_names is not None and len(names) > max_names:
                names = names[:max_names] + ['+%d more' % (len(names) - max_names)]
            parts.append('call ' + ', '.join(names))
        return '; '.join(parts)

    def sccs(self):
        """Tarjan's algorithm, iterative; components in a stable order."""
        index, low, on_stack = {}, {}, set()
        stack, result, counter = [], [], [0]
        nodes = sorted(self.files)
        succ = {v: sorted(self.arrows.get(v, ())) for v in nodes}
        for start in nodes:
            if start in index:
                continue
            work = [(start, 0)]
            while work:
                v, i = work.pop()
                if i == 0:
                    index[v] = low[v] = counter[0]
                    counter[0] += 1
                    stack.append(v)
                    on_stack.add(v)
                recurse = False
                for k in range(i, len(succ[v])):
                    w = succ[v][k]
                    if w not in index:
                        work.append((v, k + 1))
                        work.append((w, 0))
                        recurse = True
                        break
                    if w in on_stack:
                        low[v] = min(low[v], index[w])
                if recurse:
                    continue
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    result.append(sorted(comp))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
        return sorted(result, key=lambda c: (-len(c), c))

    def shortest_cycle(self, start, members):
        """Shortest arrow path from START back to itself inside MEMBERS."""
        members = set(members)
        prev = {}
        queue = deque([start])
        while queue:
            v = queue.popleft()
            for w in sorted(self.arrows.get(v, ())):
                if w not in members:
                    continue
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    path.reverse()
                    return path + [start]
                if w not in prev:
                    prev[w] = v
                    queue.append(w)
        return [start]


def is_upper(path):
    return path.split('/', 1)[0] in UPPER


def main():
    ap = argparse.ArgumentParser(description='Check the layering of the C sources.')
    ap.add_argument('root', help='repository root')
    ap.add_argument('--report-only', action='store_true', help='report only; always exit 0')
    ap.add_argument('--verbose', action='store_true', help='list every upward arrow')
    args = ap.parse_args()
    if not os.path.isdir(args.root):
        print('check_layers: %s is not a directory' % args.root, file=sys.stderr)
        return 2

    g = Graph(args.root)
    out = print
    all_pairs = set(g.include_arrows) | set(g.call_arrows)
    out('check_layers: %d files (%s)' % (len(g.files), g.how))
    out('arrows: %d between files (%d include pairs, %d call pairs; an include and a call '
        'between the same two files are one arrow)' % (len(all_pairs), len(g.include_arrows), len(g.call_arrows)))

    cross = [(a, b) for a, b in sorted(all_pairs) if a.split('/', 1)[0] != b.split('/', 1)[0]]
    upward = [(a, b) for a, b in cross if RANK[a.split('/', 1)[0]] < RANK[b.split('/', 1)[0]]]
    core_up = [(a, b) for a, b in cross if not is_upper(a) and is_upper(b)]
    out('arrows between folders: %d' % len(cross))
    out('upward arrows, core file -> upper file: %d' % len(core_up))
    out('upward arrows against the folder order (%s): %d of %d between folders'
        % (' < '.join(FOLDERS), len(upward), len(cross)))
    pairs = defaultdict(lambda: [0, 0, 0])
    for a, b in upward:
        key = (a.split('/', 1)[0], b.split('/', 1)[0])
        pairs[key][0] += 1
        pairs[key][1] += (a, b) in g.include_arrows
        pairs[key][2] += (a, b) in g.call_arrows
    out('upward folder pairs: %d' % len(pairs))
    for (fa, fb), (n, ni, nc) in sorted(pairs.items(), key=lambda kv: (RANK[kv[0][0]], RANK[kv[0][1]])):
        tag = ' core->upper' if fa in CORE and fb in UPPER else ''
        out('  %-10s -> %-10s %3d  (%d include, %d call)%s' % (fa, fb, n, ni, nc, tag))
    if args.verbose:
        out('upward arrows:')
        for a, b in upward:
            out('  %s -> %s  [%s]' % (a, b, g.edge_label(a, b)))
        if g.ambiguous:
            out('calls left out (name defined in several files):')
            for f, name, cands in g.ambiguous:
                out('  %s: %s() in %s' % (f, name, ', '.join(cands)))

    loops = [c for c in g.sccs() if len(c) > 1]
    out('loops (strongly connected groups of more than one file): %d' % len(loops))
    for i, comp in enumerate(loops, 1):
        folders = sorted({p.split('/', 1)[0] for p in comp}, key=RANK.get)
        out('  loop %d: %d files (%s)' % (i, len(comp), ', '.join(folders)))
        for p in comp:
            out('    %s' % p)

    violations = []
    for i, comp in enumerate(loops, 1):
        ups = [p for p in comp if is_upper(p)]
        if not ups:
            continue
        where = 'crosses the core/upper boundary' if len(ups) < len(comp) else 'lies inside the upper layer'
        msg = ['rule a: loop %d (%d files) %s and contains %d file(s) of devices/, firmware/, '
               'gdbstub/ or machine/: %s' % (i, len(comp), where, len(ups), ', '.join(ups))]
        for u in ups:
            cyc = g.shortest_cycle(u, comp)
            steps = [cyc[0]] + ['-(%s)-> %s' % (g.edge_label(a, b, 3), b) for a, b in zip(cyc, cyc[1:])]
            msg.append('    cycle: ' + ' '.join(steps))
        violations.append('\n'.join(msg))
    for p in sorted(g.files):
        f = g.files[p]
        if is_upper(p):
            continue
        for written, tgt, line in f.resolved:
            target = tgt or written
            if target.split('/', 1)[0] in UPPER:
                violations.append('rule b: %s:%d includes "%s": a core file must not include %s/'
                                  % (p, line, written, target.split('/', 1)[0]))
    if violations:
        out('VIOLATIONS: %d' % len(violations))
        for v in violations:
            out('  ' + v)
    else:
        out('layering rules a and b hold')
    if args.report_only:
        return 0
    return 1 if violations else 0


if __name__ == '__main__':
    sys.exit(main())
