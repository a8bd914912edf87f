// Prints the gzipped size of the JavaScript the page loads first (the entry chunk and its static
// imports, as listed in index.html and Vite's manifest-free output), and of everything else.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = new Set();
for (const m of html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/?([^"]+\.js)"/g)) initial.add(m[1]);

// Follow static imports from the entry chunks (modulepreload links cover most; this catches the rest).
const queue = [...initial];
while (queue.length) {
  const file = queue.pop();
  let text;
  try {
    text = readFileSync(join(dist, file), 'utf8');
  } catch {
    continue;
  }
  for (const m of text.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    const dep = join(file.split('/').slice(0, -1).join('/'), m[1]);
    if (!initial.has(dep)) {
      initial.add(dep);
      queue.push(dep);
    }
  }
}

function walk(dir, out = []) {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (n.endsWith('.js')) out.push(p.slice(dist.length));
  }
  return out;
}

const gz = (f) => gzipSync(readFileSync(join(dist, f))).length;
let initialBytes = 0;
for (const f of initial) initialBytes += gz(f);
let lazyBytes = 0;
for (const f of walk(dist)) if (!initial.has(f)) lazyBytes += gz(f);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const budget = 300 * 1024;
console.log(`bundle: initial JS ${kb(initialBytes)} gzipped (${initial.size} file${initial.size === 1 ? '' : 's'}; budget ${kb(budget)}), other JS (workers, lazy chunks) ${kb(lazyBytes)} gzipped`);
if (initialBytes > budget) {
  console.error(`bundle: initial JS is over the ${kb(budget)} budget`);
  process.exitCode = 1;
}
