/**
 * DESIGN.md §1: imports only go one way. This test reads every source file and fails on an
 * import that crosses a layer boundary the wrong way, so the rule is checked, not remembered.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
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
  workers: ['runtime', 'server', 'storage', 'raft', 'mvcc', 'lease'],
  /** Scenarios and time travel: recordings of a runtime's run, replayed into runtimes. */
  scenario: ['runtime', 'sim', 'server', 'mvcc'],
  state: ['scenario', 'runtime', 'client', 'server', 'mvcc'],
  ui: ['state', 'server', 'mvcc'],
  main: ['ui', 'state', 'scenario', 'runtime'],
};

/** Finer rules inside a permitted edge. */
function extraViolation(fromLayer: string, fromFile: string, target: string): string | null {
  const isTest = /\.test\.tsx?$/.test(fromFile);
  if (fromLayer === 'server' && !isTest && target.startsWith(`storage${sep}indexeddb`)) {
    return 'server may use storage interfaces only, never the IndexedDB implementation';
  }
  if (fromLayer === 'client' && target.startsWith('server') && target !== join('server', 'api.ts')) {
    return "client may import server's request/response types (server/api.ts) only";
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

describe('architecture (DESIGN.md §1)', () => {
  it('every import goes in an allowed direction', () => {
    expect(violations()).toEqual([]);
  });

  it('every folder under src is a layer with its place in the import order', () => {
    const folders = readdirSync(join(root, 'src')).filter((n) => statSync(join(root, 'src', n)).isDirectory());
    expect(folders.filter((f) => !(f in allowedImports))).toEqual([]);
  });

  it('the checker itself catches a wrong-way import', () => {
    // The rule table must reject what DESIGN.md forbids, or the check above proves nothing.
    expect(allowedImports.raft).not.toContain('server');
    expect(allowedImports.sim).toEqual([]);
    expect(Object.entries(allowedImports).filter(([l, deps]) => l !== 'main' && deps.includes('ui'))).toEqual([]);
    expect(layerOf(join('src', 'raft', 'rawNode.ts'))).toBe('raft');
    expect(extraViolation('client', join('src', 'client', 'x.ts'), join('server', 'member.ts'))).not.toBeNull();
  });
});

/** Deterministic layers read no clock and no ambient randomness (DEVELOPERS.md, DESIGN.md §3). */
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
