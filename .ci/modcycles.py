#!/usr/bin/env python3
"""Lists, for every file of a Rust crate's src/, the crate modules it references, and
reports every pair of modules that reference each other, plus every larger cycle
(strongly connected component), at two granularities:

  * top-level modules (dialogue, digest, report, store, channels, domain, text, ...);
  * file by file inside each top-level directory (dialogue/engine.rs, dialogue/mod.rs, ...).

What counts as a reference of file F to module M:
  * a path `crate::m::...`, `$crate::m::...`, `super::...`, `self::...` anywhere in code
    (use statements, including nested `use a::{b, c::{d}}` groups, types, expressions);
  * a bare path `child::...` (or `use child::...`) where `child` is a module F declares;
  * NOT the declaration `mod child;` / `pub mod child;` itself.
Comments, doc comments, string and char literals are removed first. `super` inside an
inline module (`mod tests { use super::*; }`) resolves to the file itself (ignored).
A path resolves to the deepest module that exists as a file (`crate::store::groups::Group`
-> store/groups.rs; `crate::domain::Category` -> domain/mod.rs).

Usage: modcycles.py SRC_DIR [-v]   (exit status 1 when any cycle is found)
"""
import os
import re
import sys
from collections import defaultdict


def strip(src):
    """Removes comments and string/char literals, keeping line structure."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if src.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif src.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    if src[i] == "\n":
                        out.append("\n")
                    i += 1
        elif c == "r" and re.match(r'r(#*)"', src[i:i + 10]) and not (i and (src[i - 1].isalnum() or src[i - 1] == "_")):
            m = re.match(r'r(#*)"', src[i:])
            end = '"' + m.group(1)
            j = src.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            out.append('""' + "\n" * src[i:j].count("\n"))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            out.append('""' + "\n" * src[i:j].count("\n"))
            i = j + 1
        elif c == "'":
            # A char literal ('a', '\n', '\u{1F4CE}'), or a lifetime ('a) left alone.
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", src[i:])
            if m:
                out.append("' '")
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def module_of(rel):
    """src-relative file path -> module path tuple ('' parts dropped)."""
    parts = rel[:-3].split("/")
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def parse_use_tree(text):
    """`a::{b, c::{d, e}}, f` -> ['a::b', 'a::c::d', 'a::c::e', 'f'] (aliases dropped)."""
    out, buf, depth, items = [], "", 0, []
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(buf)
            buf = ""
        else:
            buf += ch
    items.append(buf)
    for item in items:
        item = item.strip()
        if not item:
            continue
        m = re.match(r"^([\w:$]*?)(::)?\{(.*)\}$", item, re.S)
        if m and "{" in item:
            prefix = m.group(1)
            for sub in parse_use_tree(m.group(3)):
                if sub == "self":
                    out.append(prefix)
                else:
                    out.append(prefix + "::" + sub if prefix else sub)
        else:
            out.append(re.split(r"\s+as\s+", item)[0].strip())
    return out


def scan(path, rel, files):
    src = strip(open(path, encoding="utf-8").read())
    me = module_of(rel)
    children = set(re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", src, re.M))
    paths = []  # (path string, inline module nesting at that point)
    # Inline modules (mod tests { ... }): where each starts and its brace depth.
    inline = []  # stack of brace depths at which an inline module opened
    depth = 0
    events = []
    for m in re.finditer(r"\bmod\s+\w+\s*\{|[{}]", src):
        tok = m.group(0)
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            if inline and inline[-1] == depth:
                inline.pop()
                events.append((m.end(), len(inline)))
        else:
            inline.append(depth)
            depth += 1
            events.append((m.end(), len(inline)))

    def nesting(pos):
        level = 0
        for at, lvl in events:
            if at <= pos:
                level = lvl
            else:
                break
        return level

    # use statements (their trees), then every other path in the code.
    used_spans = []
    for m in re.finditer(r"\buse\s+([^;]+);", src):
        used_spans.append((m.start(), m.end()))
        for p in parse_use_tree(m.group(1)):
            paths.append((p, nesting(m.start())))
    for m in re.finditer(r"(?<![\w:])(\$?crate|super|self|[a-z_][a-z0-9_]*)((?:::\w+)+)", src):
        if any(a <= m.start() < b for a, b in used_spans):
            continue
        paths.append((m.group(1) + m.group(2), nesting(m.start())))

    refs = set()
    for p, level in paths:
        segs = [s for s in p.split("::") if s]
        if not segs:
            continue
        head = segs[0]
        if head in ("crate", "$crate"):
            base, rest = (), segs[1:]
        elif head in ("super", "self"):
            base = list(me) + ["<inline>"] * level
            rest = segs
            while rest and rest[0] in ("super", "self"):
                if rest[0] == "super":
                    base = base[:-1]
                rest = rest[1:]
            base = tuple(b for b in base if b != "<inline>")
        elif head in children:
            base, rest = me, segs
        else:
            continue  # another crate, a local name, a type's associated item
        # Deepest module that exists as a file.
        target, cur = base, base
        for s in rest:
            cur = cur + (s,)
            if cur in files:
                target = cur
            else:
                break
        if target != me and target in files:
            refs.add(target)
    return me, refs


def sccs(nodes, edges):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def name(mod):
    return "::".join(mod) or "crate"


def report(title, edges):
    nodes = set(edges) | {w for ws in edges.values() for w in ws}
    pairs = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, ())})
    comps = sccs(nodes, edges)
    print(f"== {title}: {len(pairs)} mutual pair(s), {len(comps)} cycle(s)")
    for a, b in pairs:
        print(f"   PAIR  {a} <-> {b}")
    for c in comps:
        print(f"   CYCLE {' -> '.join(c)}")
    return len(pairs) + len(comps)


def main():
    root = sys.argv[1]
    verbose = "-v" in sys.argv
    rels = []
    for d, _, fs in os.walk(root):
        for f in fs:
            if f.endswith(".rs"):
                rels.append(os.path.relpath(os.path.join(d, f), root))
    files = {module_of(r): r for r in rels}
    graph = {}
    for rel in sorted(rels):
        me, refs = scan(os.path.join(root, rel), rel, files)
        graph[me] = refs
        if verbose:
            print(f"{rel}: {', '.join(sorted(name(r) for r in refs)) or '-'}")
    bad = 0
    top = defaultdict(set)
    for a, refs in graph.items():
        for b in refs:
            if a and b and a[0] != b[0]:
                top[a[0]].add(b[0])
    bad += report("top-level modules", top)
    for d in sorted({m[0] for m in graph if len(m) >= 1 and files[m].count("/") >= 1}):
        local = defaultdict(set)
        for a, refs in graph.items():
            if a[:1] == (d,):
                local[files[a]]
                for b in refs:
                    if b[:1] == (d,):
                        local[files[a]].add(files[b])
        bad += report(f"files within {d}/", local)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
