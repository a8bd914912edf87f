/**
 * Flag definitions and a parser with pflag's syntax and pflag's error messages: `--name=value`,
 * `--name value`, `-n value`, `-nvalue`, boolean flags that take no value (or `=true|false`),
 * flags anywhere among the arguments, and `--` ending flags.
 *
 * The definitions are read from the recorded help screens (helpText.ts): each OPTIONS line
 * names a flag, its shorthand and its default, and the default's form gives its type
 * (`[=false]` bool, `"..."` string, `[...]` list, digits int, digits with a unit duration).
 */
import { GLOBAL_BLOCKS, HELP } from './helpText.ts';

export type FlagType = 'bool' | 'string' | 'int' | 'uint' | 'duration' | 'stringSlice';

export interface FlagSpec {
  name: string;
  shorthand?: string;
  type: FlagType;
  /** Default as printed in help (without quotes/brackets). */
  defValue: string;
}

export type FlagValue = string | boolean | number | string[];

const lineRe = /^ {2}(?:-(\w), )?(?: {4})?--([\w-]+)(?:\[=(true|false)\]|=(.*?))?\t/;

function parseSpecs(block: string): FlagSpec[] {
  const specs: FlagSpec[] = [];
  for (const line of block.split('\n')) {
    const m = lineRe.exec(line);
    if (!m) continue;
    const [, shorthand, name, boolDef, other] = m;
    let type: FlagType;
    let defValue: string;
    if (boolDef !== undefined) {
      type = 'bool';
      defValue = boolDef;
    } else if (other === undefined) {
      type = 'string';
      defValue = '';
    } else if (other.startsWith('"')) {
      type = 'string';
      defValue = other.slice(1, -1);
    } else if (other.startsWith('[')) {
      type = 'stringSlice';
      defValue = other.slice(1, -1);
    } else if (/^-?\d+$/.test(other)) {
      type = name === 'hash' ? 'uint' : 'int';
      defValue = other;
    } else {
      type = 'duration';
      defValue = other;
    }
    specs.push({ name: name!, shorthand, type, defValue });
  }
  return specs;
}

const specCache = new Map<string, FlagSpec[]>();

/** Every flag a command accepts: its own OPTIONS and the GLOBAL OPTIONS it inherits. */
export function flagSpecsFor(path: string): FlagSpec[] {
  const hit = specCache.get(path);
  if (hit) return hit;
  const entry = HELP[path];
  if (!entry) return [];
  const [body, g] = entry;
  const opts = body.slice(body.indexOf('OPTIONS:\n'));
  const specs = [...parseSpecs(opts), ...(g >= 0 ? parseSpecs(GLOBAL_BLOCKS[g]!) : [])];
  specCache.set(path, specs);
  return specs;
}

export class FlagError extends Error {}

export interface ParsedFlags {
  values: Map<string, FlagValue>;
  /** Names set explicitly on the command line. */
  changed: Set<string>;
  args: string[];
  /** Arguments after `--` (cobra's ArgsLenAtDash), -1 if no `--`. */
  argsLenAtDash: number;
}

function defaultOf(spec: FlagSpec): FlagValue {
  switch (spec.type) {
    case 'bool':
      return spec.defValue === 'true';
    case 'int':
    case 'uint':
      return Number(spec.defValue);
    case 'stringSlice':
      return spec.defValue === '' ? [] : spec.defValue.split(',');
    default:
      return spec.defValue;
  }
}

/** Go's strconv.ParseInt(s, 0, 64) as pflag's int64 flags use it. */
export function goParseInt(s: string, base = 0, bits = 64, unsigned = false): number | string {
  const fn = unsigned ? 'strconv.ParseUint' : 'strconv.ParseInt';
  const syntax = `${fn}: parsing ${goQuoteText(s)}: invalid syntax`;
  let t = s;
  let neg = false;
  if (!unsigned && (t.startsWith('-') || t.startsWith('+'))) {
    neg = t[0] === '-';
    t = t.slice(1);
  }
  let b = base;
  let underscores = false;
  if (base === 0) {
    b = 10;
    if (/^0[xX]/.test(t)) {
      b = 16;
      t = t.slice(2);
    } else if (/^0[bB]/.test(t)) {
      b = 2;
      t = t.slice(2);
    } else if (/^0[oO]/.test(t)) {
      b = 8;
      t = t.slice(2);
    } else if (/^0./.test(t)) {
      b = 8;
      t = t.slice(1);
    }
    underscores = true;
  }
  if (underscores) {
    if (/^_|_$|__/.test(t) && t.includes('_')) return syntax;
    t = t.replace(/_/g, '');
  }
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
  if (t === '' || ![...t.toLowerCase()].every((ch) => digits.includes(ch))) return syntax;
  let v = 0n;
  for (const ch of t.toLowerCase()) v = v * BigInt(b) + BigInt(digits.indexOf(ch));
  if (neg) v = -v;
  const max = unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = unsigned ? 0n : -(1n << BigInt(bits - 1));
  if (v > max || v < min) return `${fn}: parsing ${goQuoteText(s)}: value out of range`;
  return Number(v);
}

/** Like goParseInt but returns the exact value as a bigint (for 64-bit IDs). */
export function goParseBig(s: string, base: number, unsigned: boolean): bigint | string {
  const fn = unsigned ? 'strconv.ParseUint' : 'strconv.ParseInt';
  let t = s;
  let neg = false;
  if (!unsigned && (t.startsWith('-') || t.startsWith('+'))) {
    neg = t[0] === '-';
    t = t.slice(1);
  }
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
  if (t === '' || ![...t.toLowerCase()].every((ch) => digits.includes(ch))) {
    return `${fn}: parsing ${goQuoteText(s)}: invalid syntax`;
  }
  let v = 0n;
  for (const ch of t.toLowerCase()) v = v * BigInt(base) + BigInt(digits.indexOf(ch));
  if (neg) v = -v;
  const max = unsigned ? (1n << 64n) - 1n : (1n << 63n) - 1n;
  const min = unsigned ? 0n : -(1n << 63n);
  if (v > max || v < min) return `${fn}: parsing ${goQuoteText(s)}: value out of range`;
  return v;
}

/** %q of typed text (flag values are text, quoted as Go quotes them). */
export function goQuoteText(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
}

function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

const durationUnits: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration; returns milliseconds or an error string. */
export function goParseDuration(s: string): number | string {
  const bad = `time: invalid duration ${goQuoteText(s)}`;
  let t = s;
  let sign = 1;
  if (t.startsWith('-') || t.startsWith('+')) {
    if (t[0] === '-') sign = -1;
    t = t.slice(1);
  }
  if (t === '0') return 0;
  if (t === '') return bad;
  let ns = 0;
  const re = /^(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/;
  while (t !== '') {
    const m = re.exec(t);
    if (!m || m[1] === '' || m[1] === '.') {
      const numOnly = /^(\d*\.?\d*)/.exec(t)![1]!;
      if (numOnly !== '' && numOnly !== '.' && t.length > numOnly.length) {
        return `time: unknown unit ${goQuoteText(t.slice(numOnly.length).replace(/[\d.].*$/, ''))} in duration ${goQuoteText(s)}`;
      }
      if (numOnly !== '' && numOnly === t) return `time: missing unit in duration ${goQuoteText(s)}`;
      return bad;
    }
    ns += Number(m[1]) * durationUnits[m[2]!]!;
    t = t.slice(m[0].length);
  }
  return (sign * ns) / 1e6;
}

function flagLabel(spec: FlagSpec): string {
  return spec.shorthand ? `-${spec.shorthand}, --${spec.name}` : `--${spec.name}`;
}

function setValue(spec: FlagSpec, raw: string, out: ParsedFlags): void {
  const invalid = (why: string) =>
    new FlagError(`invalid argument ${goQuoteText(raw)} for ${goQuoteText(flagLabel(spec)).replace(/\\"/g, '"')} flag: ${why}`);
  let v: FlagValue;
  switch (spec.type) {
    case 'bool': {
      const b = parseBool(raw);
      if (b === undefined) throw invalid(`strconv.ParseBool: parsing ${goQuoteText(raw)}: invalid syntax`);
      v = b;
      break;
    }
    case 'int':
    case 'uint': {
      const n = goParseInt(raw, 0, 64, spec.type === 'uint');
      if (typeof n === 'string') throw invalid(n);
      v = n;
      break;
    }
    case 'duration': {
      const d = goParseDuration(raw);
      if (typeof d === 'string') throw invalid(d);
      v = raw;
      break;
    }
    case 'stringSlice': {
      const prev = out.changed.has(spec.name) ? (out.values.get(spec.name) as string[]) : [];
      v = [...prev, ...(raw === '' ? [] : raw.split(','))];
      break;
    }
    default:
      v = raw;
  }
  out.values.set(spec.name, v);
  out.changed.add(spec.name);
}

/** Parses argv against specs (pflag semantics, interspersed flags). Throws FlagError. */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.shorthand).map((s) => [s.shorthand!, s]));
  const out: ParsedFlags = {
    values: new Map(specs.map((s) => [s.name, defaultOf(s)])),
    changed: new Set(),
    args: [],
    argsLenAtDash: -1,
  };
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    i++;
    if (a === '--') {
      out.argsLenAtDash = out.args.length;
      out.args.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const body = a.slice(2);
      if (body.startsWith('-') || body.startsWith('=')) throw new FlagError(`bad flag syntax: ${a}`);
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const spec = byName.get(name);
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      if (eq >= 0) setValue(spec, body.slice(eq + 1), out);
      else if (spec.type === 'bool') setValue(spec, 'true', out);
      else if (i < argv.length) setValue(spec, argv[i++]!, out);
      else throw new FlagError(`flag needs an argument: ${a}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      let shorts = a.slice(1);
      while (shorts.length > 0) {
        const ch = shorts[0]!;
        const spec = byShort.get(ch);
        if (!spec) throw new FlagError(`unknown shorthand flag: '${ch}' in -${shorts}`);
        if (shorts.length > 2 && shorts[1] === '=') {
          setValue(spec, shorts.slice(2), out);
          shorts = '';
        } else if (spec.type === 'bool') {
          setValue(spec, 'true', out);
          shorts = shorts.slice(1);
        } else if (shorts.length > 1) {
          setValue(spec, shorts.slice(1), out);
          shorts = '';
        } else if (i < argv.length) {
          setValue(spec, argv[i++]!, out);
          shorts = '';
        } else {
          throw new FlagError(`flag needs an argument: '${ch}' in -${ch}`);
        }
      }
      continue;
    }
    out.args.push(a);
  }
  return out;
}
