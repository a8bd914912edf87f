/**
 * A scenario in a URL: `#scenario=<base64url of the deflated file>` and optionally `&at=<ms>`, the
 * virtual time to stop at (the author's end when absent). The fragment never reaches a server, so
 * a shared run stays between the people who share it.
 */
import { deflateSync, Inflate, strFromU8, strToU8 } from 'fflate';
import { MAX_SCENARIO_BYTES, parseScenario, ScenarioError, serializeScenario, type Scenario } from './scenarioFormat.ts';

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new ScenarioError('the link\'s scenario is not base64url text (only letters, digits, - and _); was it cut or changed when copied?');
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    throw new ScenarioError('the link\'s scenario is not valid base64url; was it cut short when copied?');
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The fragment (with its leading #) that carries `s`, stopping at `atMs` when given. */
export function shareFragment(s: Scenario, atMs?: number): string {
  const packed = toBase64Url(deflateSync(strToU8(JSON.stringify(JSON.parse(serializeScenario(s)))), { level: 9 }));
  return `#scenario=${packed}${atMs !== undefined ? `&at=${Math.round(atMs)}` : ''}`;
}

/** A full link to `s` on the page at `base` (its fragment replaced). */
export function shareUrl(base: string, s: Scenario, atMs?: number): string {
  return `${base.split('#')[0]}${shareFragment(s, atMs)}`;
}

/**
 * Reads a scenario from a location hash. Returns null when the hash carries none; throws
 * ScenarioError when it carries one that cannot be read or does not check out.
 */
export function readShareFragment(hash: string): { scenario: Scenario; atMs?: number } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const packed = params.get('scenario');
  if (packed === null) return null;
  if (packed === '') throw new ScenarioError('the link\'s scenario is empty');
  const bytes = fromBase64Url(packed);
  let text: string;
  try {
    // Inflated in pieces and stopped at the size limit: a small link must not become gigabytes.
    const parts: Uint8Array[] = [];
    let total = 0;
    const inflater = new Inflate((chunk) => {
      total += chunk.length;
      if (total > MAX_SCENARIO_BYTES) throw new ScenarioError(`the link's scenario inflates to more than ${MAX_SCENARIO_BYTES / 1024 / 1024} MB`);
      parts.push(chunk);
    });
    const piece = 64 * 1024;
    for (let i = 0; i < bytes.length || i === 0; i += piece) inflater.push(bytes.subarray(i, i + piece), i + piece >= bytes.length);
    const all = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    text = strFromU8(all);
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    throw new ScenarioError(`the link's scenario is not compressed data the playground wrote (${e instanceof Error ? e.message : String(e)}); was it cut short when copied?`);
  }
  const scenario = parseScenario(text);
  const at = params.get('at');
  if (at === null) return { scenario };
  if (!/^\d{1,12}$/.test(at)) throw new ScenarioError(`the link's "at" must be a whole number of virtual ms, got ${JSON.stringify(at)}`);
  const atMs = Number(at);
  if (atMs > scenario.endMs) throw new ScenarioError(`the link asks for ${atMs} ms, after the scenario's end (${scenario.endMs} ms)`);
  return { scenario, atMs };
}
