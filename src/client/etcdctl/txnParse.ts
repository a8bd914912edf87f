/**
 * etcdctl's txn input language: a block of compares, a block of success requests and a block
 * of failure requests, each ended by an empty line (or, for the request blocks, end of input):
 *
 *   mod("key1") > "0"
 *   value("key2") = "v"
 *
 *   put key1 "new value"
 *   get key2 --prefix
 *
 *   del key1
 *
 * Compares follow Go's Sscanf(`%q) %s %q`) rules (so `value("k")="v"` without spaces is
 * malformed, as in etcdctl); request lines are split with etcdctl's own quoting rules.
 */
import type { Compare, CompareResult, CompareTarget } from '../../server/api.ts';
import { bytesFromUtf8 } from '../../server/api.ts';
import { goParseInt } from './flags.ts';
import { goQuoteText } from './flags.ts';

export class TxnInputError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** Go panics print differently: "panic: ..." and exit status 2. */
    readonly panic = false,
    /** Printed before the error (cobra's usage for a request line with a bad flag). */
    readonly usage = '',
  ) {
    super(message);
  }
}

/** Reads lines like bufio.Reader.ReadString('\n'): the last line without '\n' is an EOF error. */
export class LineReader {
  private pos = 0;
  constructor(private readonly text: string) {}
  /** Returns the next line (with its '\n'), or {eof, partial} when the input ends first. */
  next(): { line: string; eof: boolean } {
    const nl = this.text.indexOf('\n', this.pos);
    if (nl < 0) {
      const rest = this.text.slice(this.pos);
      this.pos = this.text.length;
      return { line: rest, eof: true };
    }
    const line = this.text.slice(this.pos, nl + 1);
    this.pos = nl + 1;
    return { line, eof: false };
  }
}

/** Go's strconv.Unquote for a double-quoted literal (text in, byte string out), or null. */
export function goUnquote(q: string): string | null {
  if (q.length < 2) return null;
  if (q[0] === '`') return q[q.length - 1] === '`' ? bytesFromUtf8(q.slice(1, -1)) : null;
  if (q[0] !== '"' || q[q.length - 1] !== '"') return null;
  const body = q.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"' || c === '\n') return null;
    if (c !== '\\') {
      out += bytesFromUtf8(c);
      continue;
    }
    const e = body[++i];
    if (e === undefined) return null;
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
    if (e in simple) {
      out += simple[e];
      continue;
    }
    if (e === 'x') {
      const h = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return null;
      out += String.fromCharCode(parseInt(h, 16));
      i += 2;
      continue;
    }
    if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const h = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) return null;
      const cp = parseInt(h, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
      out += bytesFromUtf8(String.fromCodePoint(cp));
      i += n;
      continue;
    }
    if (/[0-7]/.test(e)) {
      const o = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255) return null;
      out += String.fromCharCode(parseInt(o, 8));
      i += 2;
      continue;
    }
    return null;
  }
  return out;
}

/** Scans a Go %q operand at s[i...] (after skipping spaces): [value bytes, end] or null. */
function scanQuoted(s: string, i: number): [string, number] | null {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  if (s[i] === '`') {
    const end = s.indexOf('`', i + 1);
    if (end < 0) return null;
    return [bytesFromUtf8(s.slice(i + 1, end)), end + 1];
  }
  if (s[i] !== '"') return null;
  let j = i + 1;
  while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
  if (j >= s.length) return null;
  const v = goUnquote(s.slice(i, j + 1));
  return v === null ? null : [v, j + 1];
}

/** A run of spaces in a Sscanf format: one or more spaces, or end of input. */
function scanSpace(s: string, i: number): number | null {
  if (i >= s.length) return i;
  if (s[i] !== ' ' && s[i] !== '\t') return null;
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return i;
}

const resultOf: Record<string, CompareResult> = { '=': 'EQUAL', '!=': 'NOT_EQUAL', '>': 'GREATER', '<': 'LESS' };

/** Parses one compare line (already trimmed). Throws TxnInputError as etcdctl exits. */
export function parseCompare(line: string): Compare {
  const paren = line.indexOf('(');
  if (paren < 0) throw new TxnInputError(`malformed comparison: ${line}`, 3);
  const target = line.slice(0, paren);
  const rest = line.slice(paren + 1);
  let key = '';
  let op = '';
  let val = '';
  let n = 0;
  scan: {
    const k = scanQuoted(rest, 0);
    if (!k) break scan;
    key = k[0];
    n = 1;
    let i = k[1];
    if (rest[i] !== ')') break scan;
    const sp = scanSpace(rest, i + 1);
    if (sp === null) break scan;
    i = sp;
    while (i < rest.length && (rest[i] === ' ' || rest[i] === '\t')) i++;
    const start = i;
    while (i < rest.length && rest[i] !== ' ' && rest[i] !== '\t') i++;
    if (i === start) break scan;
    op = rest.slice(start, i);
    n = 2;
    const sp2 = scanSpace(rest, i);
    if (sp2 === null) break scan;
    const v = scanQuoted(rest, sp2);
    if (!v) break scan;
    val = v[0];
    n = 3;
  }
  if (n !== 3) {
    throw new TxnInputError(
      `malformed comparison: ${line}; got ${target}(${goQuoteBytes(key)}) ${op} ${goQuoteBytes(val)}`,
      3,
    );
  }
  let ct: CompareTarget;
  const cmp: Compare = { key, result: 'EQUAL', target: 'VALUE' };
  const intOperand = () => {
    const v = goParseInt(val, 10);
    if (typeof v === 'string') throw new TxnInputError(`invalid txn compare request: ${line}`, 3);
    return v;
  };
  switch (target) {
    case 'ver':
    case 'version':
      ct = 'VERSION';
      cmp.version = intOperand();
      break;
    case 'c':
    case 'create':
      ct = 'CREATE';
      cmp.create_revision = intOperand();
      break;
    case 'm':
    case 'mod':
      ct = 'MOD';
      cmp.mod_revision = intOperand();
      break;
    case 'val':
    case 'value':
      ct = 'VALUE';
      cmp.value = val;
      break;
    case 'lease':
      // etcdctl 3.4 hands the operand to clientv3 as a string, which panics.
      throw new TxnInputError('bad value', 2, true);
    default:
      throw new TxnInputError(`malformed comparison: ${line} (unknown target ${target})`, 3);
  }
  const r = resultOf[op];
  if (r === undefined) throw new TxnInputError('Unknown result op', 2, true);
  cmp.target = ct;
  cmp.result = r;
  return cmp;
}

function goQuoteBytes(b: string): string {
  // Keys here come from a Go literal; print them back the way %q would for plain text.
  return goQuoteText(b);
}

/**
 * etcdctl's argify: words are "double-quoted Go strings", 'single-quoted strings' or runs of
 * non-space. (etcdctl trims single-quoted words by the number of words, not the word's length;
 * that slip is reproduced, since it decides what a request line means.)
 */
export function argify(line: string): string[] | TxnInputError {
  const re = /"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?/g;
  const words = line.match(re) ?? [];
  const out: string[] = [];
  for (const w of words) {
    if (w[0] === "'") {
      const end = words.length - 1;
      if (end < 1 || end > w.length) return new TxnInputError(`slice bounds out of range [:${end}] with length ${w.length}`, 2, true);
      out.push(w.slice(1, end));
    } else if (w[0] === '"') {
      const v = scanQuoted(w, 0);
      if (!v) return new TxnInputError('expected quoted string', 3);
      // Back to text: the request parser works on typed text like the command line does.
      out.push(new TextDecoder().decode(Uint8Array.from(v[0], (ch) => ch.charCodeAt(0))));
    } else out.push(w);
  }
  return out;
}
