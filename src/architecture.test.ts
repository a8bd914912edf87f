/**
 * docs/ARCHITECTURE.md §1: imports only go one way. This test reads every source file and fails on
 * an import that crosses a layer boundary the wrong way, so the rule is checked, not remembered.
 * It also checks that the layer table in docs/ARCHITECTURE.md states exactly these rules.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(__dirname, '..');

/** Which layers each layer may import (besides itself). */
export const allowedImports: Record<string, readonly string[]> = {
  raft: [],
  mvcc: [],
  lease: ['mvcc'],
  storage: ['raft', 'mvcc', 'lease'],
  server: ['raft', 'mvcc', 'lease', 'storage'],
  sim: [],
  client: ['server', 'mvcc'],
  runtime: ['sim', 'server', 'client', 'storage', 'raft', 'mvcc', 'lease'],
  workers: ['scenario', 'runtime', 'server', 'storage', 'raft', 'mvcc', 'lease'],
  /** Scenarios and time travel: recordings of a runtime's run, replayed into runtimes. */
  scenario: ['runtime', 'sim', 'server', 'mvcc'],
  /** Lessons: a course played on a live cluster through the PlaygroundApi and the console. */
  lessons: ['runtime', 'mvcc'],
  /** Live mode: a real etcd reached through its JSON gateway; nothing simulated. */
  live: ['client', 'server'],
  state: ['live', 'lessons', 'scenario', 'runtime', 'client', 'server', 'mvcc'],
  ui: ['state', 'lessons', 'server', 'mvcc'],
  main: ['ui', 'state', 'scenario', 'runtime'],
};

/** Finer rules inside a permitted edge. */
function extraViolation(fromLayer: string, fromFile: string, target: string): string | null {
  const isTest = /\.test\.tsx?$/.test(fromFile);
  if (fromLayer === 'server' && !isTest && target.startsWith(`storage${sep}indexeddb`)) {
    return 'server may use storage interfaces only, never the IndexedDB implementation';
  }
  if (fromLayer === 'live' && target.startsWith('server') && target !== join('server', 'api.ts')) {
    return "live reaches a real etcd through the client; from server it takes the API's shapes (server/api.ts) only";
  }
  if (fromLayer === 'client' && target.startsWith('server') && target !== join('server', 'api.ts')) {
    return "client may import server's request/response types (server/api.ts) only";
  }
  if (fromLayer === 'ui' && target.startsWith('lessons') && ![join('lessons', 'glossary.ts'), join('lessons', 'lessonText.ts'), join('lessons', 'lessonFormat.ts')].includes(target)) {
    return 'ui takes only data and text helpers from lessons (glossary, lessonText, lessonFormat); the player runs in state';
  }
  if (fromLayer === 'ui' && target.startsWith('server') && target !== join('server', 'api.ts')) {
    return 'ui may name server/api.ts types only; it reaches members through state';
  }
  return null;
}

function layerOf(relPath: string): string | null {
  const parts = relPath.split(sep);
  if (parts[0] === 'workers') return 'workers';
  if (parts[0] !== 'src') return null;
  if (parts.length === 2) return parts[1]!.startsWith('main.') ? 'main' : null;
  return parts[1]!;
}

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]/g;

function violations(): string[] {
  const files = [...walk(join(root, 'src'), []), ...walk(join(root, 'workers'), [])];
  const found: string[] = [];
  for (const file of files) {
    const rel = relative(root, file);
    const from = layerOf(rel);
    if (!from) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (!spec.startsWith('.')) {
        if (from !== 'ui' && from !== 'main' && /^d3|^react/.test(spec)) {
          found.push(`${rel}: only ui may import ${spec}`);
        }
        continue;
      }
      const targetRel = relative(root, resolve(dirname(file), spec));
      const to = layerOf(targetRel);
      if (!to || to === from) continue;
      // The runtime starts member workers: it may name the worker entry to spawn it (new URL) and
      // use its API type (import type), never run its code in the page.
      if (from === 'runtime' && to === 'workers' && (m[3] !== undefined || /^\s*import\s+type\s/.test(m[0].trimStart()))) continue;
      // The page starts the bug finder's worker the same way (new URL only).
      if (from === 'main' && to === 'workers' && m[3] !== undefined) continue;
      const targetInLayer = targetRel.split(sep).slice(targetRel.startsWith('src') ? 1 : 0).join(sep);
      if (!(allowedImports[from] ?? []).includes(to)) {
        found.push(`${rel}: ${from} may not import ${to} (${spec})`);
        continue;
      }
      const extra = extraViolation(from, rel, targetInLayer);
      if (extra) found.push(`${rel}: ${extra} (${spec})`);
    }
  }
  return found;
}

describe('architecture (docs/ARCHITECTURE.md §1)', () => {
  it('every import goes in an allowed direction', () => {
    expect(violations()).toEqual([]);
  });

  it('every folder under src is a layer with its place in the import order', () => {
    const folders = readdirSync(join(root, 'src')).filter((n) => statSync(join(root, 'src', n)).isDirectory());
    expect(folders.filter((f) => !(f in allowedImports))).toEqual([]);
  });

  it('the checker itself catches a wrong-way import', () => {
    // The rule table must reject what docs/ARCHITECTURE.md forbids, or the check above proves nothing.
    expect(allowedImports.raft).not.toContain('server');
    expect(allowedImports.sim).toEqual([]);
    expect(Object.entries(allowedImports).filter(([l, deps]) => l !== 'main' && deps.includes('ui'))).toEqual([]);
    expect(layerOf(join('src', 'raft', 'rawNode.ts'))).toBe('raft');
    expect(extraViolation('client', join('src', 'client', 'x.ts'), join('server', 'member.ts'))).not.toBeNull();
  });
});

/** Deterministic layers read no clock and no ambient randomness (docs/ARCHITECTURE.md §3). */
describe('determinism', () => {
  it('no Math.random or Date.now in raft, mvcc, lease, server, sim', () => {
    const bad: string[] = [];
    for (const layer of ['raft', 'mvcc', 'lease', 'server', 'sim']) {
      const dir = join(root, 'src', layer);
      let files: string[] = [];
      try {
        files = walk(dir, []);
      } catch {
        continue;
      }
      for (const f of files) {
        const text = readFileSync(f, 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
        if (/Math\.random\s*\(|Date\.now\s*\(|new Date\s*\(|performance\.now\s*\(/.test(text)) {
          bad.push(relative(root, f));
        }
      }
    }
    expect(bad).toEqual([]);
  });
});

/**
 * The layer table of docs/ARCHITECTURE.md: the rows after the header `| layer | may import | what
 * lives there |`, up to the first line that is not a table row. Each row's first cell is a
 * backticked layer name; its second lists the layers it may import, each in backticks and
 * separated by commas, or `—` for none. Returns the rows in file order, and what is malformed.
 */
export function parseLayerTable(markdown: string): { rows: { layer: string; imports: string[]; line: number }[]; problems: string[] } {
  const lines = markdown.split('\n');
  const cells = (line: string): string[] => line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
  const header = lines.findIndex((l) => l.trim().startsWith('|') && cells(l).join('|') === 'layer|may import|what lives there');
  if (header < 0) return { rows: [], problems: ['docs/ARCHITECTURE.md has no table with the header "| layer | may import | what lives there |"'] };
  const rows: { layer: string; imports: string[]; line: number }[] = [];
  const problems: string[] = [];
  for (let i = header + 1; i < lines.length && lines[i]!.trim().startsWith('|'); i++) {
    const c = cells(lines[i]!);
    if (c.every((x) => /^:?-+:?$/.test(x))) continue;
    const where = `docs/ARCHITECTURE.md line ${i + 1}`;
    const name = /^`([a-z][a-z0-9-]*)`$/.exec(c[0] ?? '');
    if (!name) {
      problems.push(`${where}: the first cell should be a layer name in backticks, got "${c[0] ?? ''}"`);
      continue;
    }
    const cell = c[1] ?? '';
    let imports: string[];
    if (cell === '—') imports = [];
    else if (/^`[a-z][a-z0-9-]*`(\s*,\s*`[a-z][a-z0-9-]*`)*$/.test(cell)) imports = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    else {
      problems.push(`${where}: row \`${name[1]}\`: "may import" should be backticked layers separated by commas, or —, got "${cell}"`);
      continue;
    }
    rows.push({ layer: name[1]!, imports, line: i + 1 });
  }
  return { rows, problems };
}

/** How the table differs from the rules: one line per row that differs (empty when they agree). */
export function layerTableMismatches(markdown: string, rules: Record<string, readonly string[]>): string[] {
  const { rows, problems } = parseLayerTable(markdown);
  const out = [...problems];
  const seen = new Map<string, number>();
  for (const r of rows) {
    const row = `docs/ARCHITECTURE.md line ${r.line}, row \`${r.layer}\``;
    if (seen.has(r.layer)) {
      out.push(`${row}: the layer is listed twice (also line ${seen.get(r.layer)})`);
      continue;
    }
    seen.set(r.layer, r.line);
    const allowed = rules[r.layer];
    if (!allowed) {
      out.push(`${row}: no such layer in allowedImports (src/architecture.test.ts)`);
      continue;
    }
    const want = [...allowed].sort();
    const got = [...r.imports].sort();
    if (want.join(',') !== got.join(',')) {
      const missing = want.filter((l) => !got.includes(l));
      const extra = got.filter((l) => !want.includes(l));
      out.push(
        `${row}: "may import" says ${got.length ? got.join(', ') : '—'} but allowedImports says ${want.length ? want.join(', ') : '—'}` +
          `${missing.length ? ` (missing: ${missing.join(', ')})` : ''}${extra.length ? ` (not allowed: ${extra.join(', ')})` : ''}`,
      );
    }
  }
  for (const layer of Object.keys(rules)) {
    if (!seen.has(layer)) out.push(`docs/ARCHITECTURE.md: the layer table has no row for \`${layer}\` (allowedImports has it)`);
  }
  const order = rows.map((r) => r.layer).filter((l, i, a) => l in rules && a.indexOf(l) === i);
  const keys = Object.keys(rules).filter((l) => order.includes(l));
  if (out.length === 0 && order.join(',') !== keys.join(',')) {
    out.push(`docs/ARCHITECTURE.md: the layer table's rows are in the order ${order.join(', ')}; allowedImports has ${keys.join(', ')}`);
  }
  return out;
}

describe('docs/ARCHITECTURE.md', () => {
  const docPath = join(root, 'docs', 'ARCHITECTURE.md');

  it("docs/ARCHITECTURE.md's layer table matches the import rules", () => {
    expect(existsSync(docPath), 'docs/ARCHITECTURE.md is missing').toBe(true);
    expect(layerTableMismatches(readFileSync(docPath, 'utf8'), allowedImports)).toEqual([]);
  });

  it('the table check catches a row that differs, a missing row, an extra row and a bad cell', () => {
    const rules = { raft: [], lease: ['mvcc'], server: ['raft', 'lease'] };
    const table = (rows: string[]): string => ['# x', '', '| layer | may import | what lives there |', '| --- | --- | --- |', ...rows, '', 'after'].join('\n');
    const good = ['| `raft` | — | raft |', '| `lease` | `mvcc` | leases |', '| `server` | `lease`, `raft` | a member |'];
    expect(layerTableMismatches(table(good), rules)).toEqual([]);
    const wrongEdge = layerTableMismatches(table([good[0]!, '| `lease` | — | leases |', good[2]!]), rules);
    expect(wrongEdge).toHaveLength(1);
    expect(wrongEdge[0]).toMatch(/row `lease`.*missing: mvcc/);
    expect(layerTableMismatches(table([good[0]!, good[2]!]), rules)).toEqual(['docs/ARCHITECTURE.md: the layer table has no row for `lease` (allowedImports has it)']);
    expect(layerTableMismatches(table([...good, '| `lessons` | `runtime` | a room |']), rules)[0]).toMatch(/row `lessons`: no such layer/);
    expect(layerTableMismatches(table([good[0]!, '| `lease` | mvcc | leases |', good[2]!]), rules)[0]).toMatch(/row `lease`: "may import" should be backticked/);
    expect(layerTableMismatches(table([good[1]!, good[0]!, good[2]!]), rules)[0]).toMatch(/order lease, raft, server/);
    expect(layerTableMismatches('no table here', rules)[0]).toMatch(/no table with the header/);
  });
});
