/**
 * The scenario file: a run written down so anyone can replay it to the same trace hash. It holds
 * how the cluster booted (settings with the seed, and a snapshot image when it booted from one)
 * and every action that changed the world, each at the virtual time it happened (see
 * RecordedAction for what "at" means, and `pending`).
 *
 *   {
 *     "format": "etcd-playground-scenario", "version": 1,
 *     "title": "optional", "description": "optional",
 *     "settings": { "members": 3, "seed": 42, ... },
 *     "snapshot": "optional: base64 snapshot image the cluster booted from",
 *     "actions": [ { "type": "crash", "member": "m1", "atMs": 5200 }, ... ],
 *     "endMs": 30000,
 *     "traceHash": "3f2a...",
 *     "checksum": "crc32:1a2b3c4d"
 *   }
 *
 * The checksum is a CRC-32 of everything else, written canonically (keys sorted), so a file that
 * was cut short or edited by hand is refused with a clear error instead of replaying something
 * else. Parsing never touches a cluster: a refused file changes nothing.
 */
import CRC32 from 'crc-32';
import { defaultClusterSettings, validateClusterSettings } from '../runtime/playground.ts';
import type { ClusterSettings } from '../runtime/playgroundApi.ts';
import { WORLD_ACTION_TYPES, type RecordedAction, type WorldActionType } from '../runtime/worldActions.ts';
import { CLOCK_RATE_MAX, CLOCK_RATE_MIN, isClockRate } from '../runtime/clockDrift.ts';

export const SCENARIO_FORMAT = 'etcd-playground-scenario';
export const SCENARIO_VERSION = 1;
/** Files (and decoded links) larger than this are refused before parsing. */
export const MAX_SCENARIO_BYTES = 5 * 1024 * 1024;
export const MAX_SCENARIO_ACTIONS = 500_000;

/**
 * A parsed, checked scenario. Invariants: settings are valid cluster settings; actions are known
 * types with well-typed fields, in non-decreasing atMs order; endMs is at or after the
 * last action; traceHash is what a replay to endMs must produce.
 */
export interface Scenario {
  format: typeof SCENARIO_FORMAT;
  version: typeof SCENARIO_VERSION;
  title?: string;
  description?: string;
  settings: ClusterSettings;
  snapshot?: string;
  actions: RecordedAction[];
  endMs: number;
  traceHash: string;
}

/** Why a scenario was refused; the message says what is wrong and where. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

/** The checksum over a scenario's content (everything but the checksum itself). */
export function scenarioChecksum(s: Scenario): string {
  const { checksum: _c, ...content } = s as Scenario & { checksum?: unknown };
  return `crc32:${(CRC32.str(canonical(content)) >>> 0).toString(16).padStart(8, '0')}`;
}

/** The scenario as the file's text (pretty, with its checksum). */
export function serializeScenario(s: Scenario): string {
  return JSON.stringify({ ...s, checksum: scenarioChecksum(s) }, null, 1);
}

/** Makes a scenario from what a playground captured. */
export function makeScenario(c: { settings: ClusterSettings; snapshot?: string; actions: RecordedAction[]; endMs: number; traceHash: string }, meta: { title?: string; description?: string } = {}): Scenario {
  return {
    format: SCENARIO_FORMAT,
    version: SCENARIO_VERSION,
    ...(meta.title ? { title: meta.title } : {}),
    ...(meta.description ? { description: meta.description } : {}),
    settings: { ...c.settings },
    ...(c.snapshot !== undefined ? { snapshot: c.snapshot } : {}),
    actions: c.actions.map((a) => ({ ...a })),
    endMs: c.endMs,
    traceHash: c.traceHash,
  };
}

// ---- checking ----

type Kind = 'member' | 'name' | 'bool' | 'int' | 'groups' | 'link' | 'fsync' | 'rate' | 'options' | 'request' | 'watchRequest' | 'id';
/** Each action type's own fields (besides type, atMs, step, deferred); `?` marks optional ones. */
const actionFields: Record<WorldActionType, Record<string, Kind | `${Kind}?`>> = {
  crash: { member: 'member' },
  kill: { member: 'member' },
  restart: { member: 'member' },
  wipe: { member: 'member' },
  partition: { groups: 'groups' },
  heal: {},
  cut: { from: 'member', to: 'member', oneWay: 'bool' },
  restore: { from: 'member', to: 'member' },
  setLink: { link: 'link', from: 'member?', to: 'member?' },
  setDisk: { member: 'member', fsyncMs: 'fsync' },
  setClock: { member: 'member', rate: 'rate' },
  dropMessage: { envelopeId: 'int' },
  launch: { member: 'member', id: 'id' },
  stopMember: { member: 'member' },
  campaign: { member: 'member' },
  wait: { untilMs: 'int' },
  clientOpen: { client: 'name', options: 'options' },
  clientClose: { client: 'name' },
  request: { client: 'name', request: 'request', endpoint: 'member?' },
  watch: { client: 'name', watch: 'int', request: 'watchRequest' },
  watchProgress: { client: 'name', watch: 'int' },
  watchCancel: { client: 'name', watch: 'int' },
};

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
/** Operations that carry no request body. */
const bodyless = new Set(['leaseLeases', 'memberList', 'status', 'defragment', 'snapshot']);
const withBody = new Set(['range', 'put', 'deleteRange', 'txn', 'compact', 'hashKV', 'leaseGrant', 'leaseRevoke', 'leaseKeepAlive', 'leaseTimeToLive', 'memberAdd', 'memberRemove', 'memberPromote', 'alarm', 'moveLeader']);
/** Request fields whose type the members rely on, wherever they appear in a request. */
const stringFields = new Set(['key', 'range_end', 'value', 'ID', 'lease', 'targetID']);
const numberFields = new Set(['revision', 'limit', 'TTL', 'create_revision', 'mod_revision', 'version', 'start_revision', 'min_mod_revision', 'max_mod_revision', 'min_create_revision', 'max_create_revision']);
const arrayFields = new Set(['compare', 'success', 'failure', 'peerURLs', 'filters']);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Walks a request body and checks the fields members read by name. Returns the first problem. */
function checkBody(v: unknown, path: string, depth = 0): string | null {
  if (depth > 12) return `${path} is nested too deeply`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = checkBody(v[i], `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (!isObj(v)) return null;
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined || x === null) continue;
    if (stringFields.has(k) && typeof x !== 'string') return `${path}.${k} must be a string, got ${typeof x}`;
    if (numberFields.has(k) && (typeof x !== 'number' || !Number.isFinite(x))) return `${path}.${k} must be a number, got ${typeof x}`;
    if (arrayFields.has(k) && !Array.isArray(x)) return `${path}.${k} must be an array`;
    const p = checkBody(x, `${path}.${k}`, depth + 1);
    if (p) return p;
  }
  return null;
}

function checkField(kind: Kind, v: unknown, where: string): string | null {
  switch (kind) {
    case 'member':
    case 'name':
      return typeof v === 'string' && NAME_RE.test(v) ? null : `${where} must be a ${kind === 'member' ? 'member' : 'client'} name (letters, digits, - _ . :), got ${JSON.stringify(v)}`;
    case 'id':
      return typeof v === 'string' && /^[0-9a-f]{1,16}$/.test(v) ? null : `${where} must be a member ID (up to 16 hex digits in a string), got ${JSON.stringify(v)}`;
    case 'bool':
      return typeof v === 'boolean' ? null : `${where} must be true or false, got ${JSON.stringify(v)}`;
    case 'int':
      return isInt(v) && v >= 0 ? null : `${where} must be a whole number ≥ 0, got ${JSON.stringify(v)}`;
    case 'fsync':
      return v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 10_000) ? null : `${where} must be null or a number of ms in [0, 10000], got ${JSON.stringify(v)}`;
    case 'rate':
      return v === null || isClockRate(v) ? null : `${where} must be null or a clock rate in [${CLOCK_RATE_MIN}, ${CLOCK_RATE_MAX}], got ${JSON.stringify(v)}`;
    case 'groups':
      if (!Array.isArray(v) || v.length === 0) return `${where} must be a non-empty list of member groups`;
      for (let i = 0; i < v.length; i++) {
        const g = v[i] as unknown;
        if (!Array.isArray(g)) return `${where}[${i}] must be a list of member names`;
        for (let j = 0; j < g.length; j++) {
          const p = checkField('member', g[j], `${where}[${i}][${j}]`);
          if (p) return p;
        }
      }
      return null;
    case 'link': {
      if (!isObj(v)) return `${where} must be an object of link settings`;
      const known: Record<string, 'n' | 'rate' | 'b'> = { latencyMs: 'n', jitterMs: 'n', lossRate: 'rate', duplicateRate: 'rate', reorder: 'b' };
      for (const [k, x] of Object.entries(v)) {
        const t = known[k];
        if (!t) return `${where} has an unknown link setting ${JSON.stringify(k)} (known: ${Object.keys(known).join(', ')})`;
        if (t === 'b' ? typeof x !== 'boolean' : typeof x !== 'number' || !Number.isFinite(x) || x < 0 || (t === 'rate' && x > 1)) return `${where}.${k} has a bad value ${JSON.stringify(x)}`;
      }
      return null;
    }
    case 'options': {
      if (!isObj(v)) return `${where} must be an object of client options`;
      const eps = v.endpoints;
      if (!Array.isArray(eps) || eps.length === 0 || eps.some((e) => typeof e !== 'string' || !NAME_RE.test(e))) return `${where}.endpoints must be a non-empty list of member names`;
      for (const k of ['commandTimeoutMs', 'keepaliveTimeMs', 'keepaliveTimeoutMs', 'reconnectBackoffMs']) {
        if (v[k] !== undefined && !(typeof v[k] === 'number' && Number.isFinite(v[k]) && (v[k] as number) >= 0)) return `${where}.${k} must be a number of ms ≥ 0`;
      }
      for (const k of Object.keys(v)) if (!['endpoints', 'commandTimeoutMs', 'keepaliveTimeMs', 'keepaliveTimeoutMs', 'reconnectBackoffMs'].includes(k)) return `${where} has an unknown client option ${JSON.stringify(k)}`;
      return null;
    }
    case 'request': {
      if (!isObj(v) || typeof v.op !== 'string') return `${where} must be a client request ({ op, req })`;
      const op = v.op;
      if (!bodyless.has(op) && !withBody.has(op)) return `${where}.op ${JSON.stringify(op)} is not a client operation (known: ${[...withBody, ...bodyless].join(', ')})`;
      if (withBody.has(op) && !isObj(v.req)) return `${where}.req must be an object for ${op}`;
      return checkBody(v.req, `${where}.req`);
    }
    case 'watchRequest':
      if (!isObj(v) || typeof v.key !== 'string') return `${where} must be a watch request with a string key`;
      return checkBody(v, where);
  }
}

function checkAction(raw: unknown, i: number): RecordedAction {
  const where = `actions[${i}]`;
  if (!isObj(raw)) throw new ScenarioError(`${where} must be an object, got ${Array.isArray(raw) ? 'an array' : JSON.stringify(raw)}`);
  const type = raw.type;
  if (typeof type !== 'string' || !(WORLD_ACTION_TYPES as readonly string[]).includes(type)) {
    throw new ScenarioError(`${where}.type ${JSON.stringify(type)} is not an action this version knows (known: ${WORLD_ACTION_TYPES.join(', ')})`);
  }
  if (!isInt(raw.atMs) || raw.atMs < 0) throw new ScenarioError(`${where} (${type}).atMs must be a whole number of virtual ms ≥ 0, got ${JSON.stringify(raw.atMs)}`);
  if (raw.pending !== undefined && raw.pending !== true) throw new ScenarioError(`${where} (${type}).pending must be true or absent`);
  const spec = actionFields[type as WorldActionType];
  for (const [name, k] of Object.entries(spec)) {
    const optional = k.endsWith('?');
    const kind = (optional ? k.slice(0, -1) : k) as Kind;
    const v = raw[name];
    if (v === undefined) {
      if (optional) continue;
      throw new ScenarioError(`${where} (${type}) is missing its field ${name}`);
    }
    const p = checkField(kind, v, `${where} (${type}).${name}`);
    if (p) throw new ScenarioError(p);
  }
  for (const k of Object.keys(raw)) {
    if (k !== 'type' && k !== 'atMs' && k !== 'pending' && !(k in spec)) throw new ScenarioError(`${where} (${type}) has an unknown field ${JSON.stringify(k)}`);
  }
  return raw as unknown as RecordedAction;
}

/**
 * Parses and checks a scenario from a file's text (or an already-parsed value). Throws
 * ScenarioError naming the first problem; never returns a scenario it did not fully check.
 */
export function parseScenario(input: string | unknown): Scenario {
  let v: unknown = input;
  if (typeof input === 'string') {
    if (input.length > MAX_SCENARIO_BYTES) throw new ScenarioError(`the scenario is ${(input.length / 1024 / 1024).toFixed(1)} MB; at most ${MAX_SCENARIO_BYTES / 1024 / 1024} MB is accepted`);
    if (input.trim() === '') throw new ScenarioError('the scenario is empty');
    try {
      v = JSON.parse(input);
    } catch (e) {
      throw new ScenarioError(`this is not a scenario: it is not valid JSON (${e instanceof Error ? e.message : String(e)}); was the file cut short?`);
    }
  }
  if (!isObj(v)) throw new ScenarioError(`this is not a scenario: expected a JSON object, got ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}`);
  if (v.format !== SCENARIO_FORMAT) {
    if (v.format === 'etcd-playground-history') throw new ScenarioError('this is a client history file (etcd-playground-history), not a scenario; a scenario can be exported from the Share menu');
    throw new ScenarioError(`this is not a scenario: "format" must be "${SCENARIO_FORMAT}", got ${JSON.stringify(v.format)}`);
  }
  if (v.version === undefined) throw new ScenarioError('the scenario has no "version"');
  if (!isInt(v.version) || v.version < 1) throw new ScenarioError(`the scenario's version must be a whole number ≥ 1, got ${JSON.stringify(v.version)}`);
  if (v.version > SCENARIO_VERSION) throw new ScenarioError(`the scenario is version ${v.version}, newer than this playground reads (version ${SCENARIO_VERSION}); open it in a newer playground`);
  for (const k of ['title', 'description'] as const) {
    if (v[k] !== undefined && (typeof v[k] !== 'string' || (v[k] as string).length > 10_000)) throw new ScenarioError(`the scenario's ${k} must be a string of at most 10000 characters`);
  }
  if (!isObj(v.settings)) throw new ScenarioError('the scenario has no "settings" object');
  const settings = { ...defaultClusterSettings, ...v.settings } as ClusterSettings;
  try {
    validateClusterSettings(settings);
  } catch (e) {
    throw new ScenarioError(`the scenario's settings are not valid: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (v.snapshot !== undefined && (typeof v.snapshot !== 'string' || !/^[A-Za-z0-9+/=\s]*$/.test(v.snapshot) || v.snapshot.length === 0)) {
    throw new ScenarioError('the scenario\'s "snapshot" must be a base64 snapshot image');
  }
  if (!Array.isArray(v.actions)) throw new ScenarioError('the scenario\'s "actions" must be a list');
  if (v.actions.length > 0 && isObj(v.actions[0]) && v.actions[0].pending === true) throw new ScenarioError('actions[0] is marked pending, but there is no action before it');
  if (v.actions.length > MAX_SCENARIO_ACTIONS) throw new ScenarioError(`the scenario has ${v.actions.length} actions; at most ${MAX_SCENARIO_ACTIONS} are accepted`);
  const actions = v.actions.map((a, i) => checkAction(a, i));
  for (let i = 1; i < actions.length; i++) {
    const p = actions[i - 1]!;
    const a = actions[i]!;
    if (a.atMs < p.atMs) {
      throw new ScenarioError(`actions[${i}] (${a.type} at ${a.atMs} ms) comes before actions[${i - 1}] (${p.atMs} ms): actions must be in the order they happened`);
    }
    if (a.pending && a.atMs !== p.atMs) throw new ScenarioError(`actions[${i}] (${a.type}) is marked pending (straight after the action before it) but is at ${a.atMs} ms, not ${p.atMs} ms`);
  }
  if (!isInt(v.endMs) || v.endMs < 0) throw new ScenarioError(`the scenario's "endMs" must be a whole number of virtual ms ≥ 0, got ${JSON.stringify(v.endMs)}`);
  const last = actions[actions.length - 1];
  if (last && v.endMs < last.atMs) throw new ScenarioError(`the scenario ends at ${v.endMs} ms, before its last action (${last.atMs} ms)`);
  if (typeof v.traceHash !== 'string' || !/^[0-9a-f]{1,64}$/.test(v.traceHash)) throw new ScenarioError(`the scenario's "traceHash" must be a hex string, got ${JSON.stringify(v.traceHash)}`);
  const s: Scenario = {
    format: SCENARIO_FORMAT,
    version: SCENARIO_VERSION,
    ...(typeof v.title === 'string' ? { title: v.title } : {}),
    ...(typeof v.description === 'string' ? { description: v.description } : {}),
    settings,
    ...(typeof v.snapshot === 'string' ? { snapshot: v.snapshot } : {}),
    actions,
    endMs: v.endMs,
    traceHash: v.traceHash,
  };
  if (v.checksum === undefined) throw new ScenarioError('the scenario has no "checksum"; it was not written by the playground');
  if (typeof v.checksum !== 'string' || !/^crc32:[0-9a-f]{8}$/.test(v.checksum)) throw new ScenarioError(`the scenario's "checksum" must look like crc32:0123abcd, got ${JSON.stringify(v.checksum)}`);
  // Over the file as given (settings as written, not with defaults filled in).
  const given = { ...v, checksum: undefined };
  const want = scenarioChecksum(given as unknown as Scenario);
  if (want !== v.checksum) throw new ScenarioError(`the scenario's checksum does not match its content (${v.checksum} written, ${want} computed): it was changed after it was exported`);
  return s;
}
