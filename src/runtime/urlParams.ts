/**
 * The runtime's URL parameters (`?members=5&seed=42&speed=max&paused=1`): cluster settings plus
 * how the clock starts. Strict: an unknown or malformed parameter is an error naming it, and
 * nothing starts half-configured.
 */
import type { ClusterSettings, Speed } from './playgroundApi.ts';
import { MAX_SPEED, MIN_SPEED } from './timeController.ts';
import { parseUnsafeList } from '../server/unsafeSwitches.ts';

export interface RuntimeParams {
  settings: Partial<ClusterSettings>;
  speed?: Speed;
  paused?: boolean;
  /** How the page is laid out; checked here so a bad value is reported with the others. */
  embed?: boolean;
  projector?: boolean;
  /** A lesson to open, and its step (from 1). */
  lesson?: string;
  lessonStep?: number;
}

type Kind = 'int' | 'bool' | 'durability' | 'unsafe';
/** Every cluster setting a URL may carry, in the order a URL writes them (one table for the page and the runtime). */
export const SETTING_PARAMS: Readonly<Record<keyof ClusterSettings, { kind: Kind; min?: number; max?: number }>> = {
  members: { kind: 'int', min: 1, max: 9 },
  seed: { kind: 'int', min: 0, max: 2 ** 31 - 1 },
  tickMs: { kind: 'int', min: 1, max: 10_000 },
  electionTicks: { kind: 'int', min: 2, max: 1000 },
  // Below electionTicks too: checked with the other settings when the cluster starts.
  heartbeatTicks: { kind: 'int', min: 1, max: 999 },
  preVote: { kind: 'bool' },
  checkQuorum: { kind: 'bool' },
  snapshotCount: { kind: 'int', min: 1, max: 10_000_000 },
  snapshotCatchUpEntries: { kind: 'int', min: 1, max: 10_000_000 },
  durability: { kind: 'durability' },
  quotaBackendBytes: { kind: 'int', min: 1024, max: 8 * 1024 ** 3 },
  requestTimeoutMs: { kind: 'int', min: 1, max: 3_600_000 },
  walFsyncMs: { kind: 'int', min: 0, max: 1000 },
  unsafe: { kind: 'unsafe' },
};

function parseBool(key: string, raw: string): boolean {
  if (/^(1|true|on|yes)$/i.test(raw)) return true;
  if (/^(0|false|off|no)$/i.test(raw)) return false;
  throw new Error(`URL parameter ${key}: expected true or false, got "${raw}"`);
}

/** One cluster setting's value from its URL text; throws an error naming the parameter. */
export function parseSettingParam(key: keyof ClusterSettings, raw: string): unknown {
  const f = SETTING_PARAMS[key];
  if (f.kind === 'bool') return parseBool(key, raw);
  if (f.kind === 'unsafe') return parseUnsafeList(raw);
  if (f.kind === 'durability') {
    if (raw !== 'strict' && raw !== 'relaxed') throw new Error(`URL parameter durability: expected strict or relaxed, got "${raw}"`);
    return raw;
  }
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < f.min! || n > f.max!) throw new Error(`URL parameter ${key}: expected a whole number in [${f.min}, ${f.max}], got "${raw}"`);
  return n;
}

/** Parses a query string; throws one error listing every bad parameter. */
export function parseRuntimeParams(search: string): RuntimeParams {
  const params = new URLSearchParams(search);
  const settings: Record<string, unknown> = {};
  const out: RuntimeParams = { settings: settings as Partial<ClusterSettings> };
  const errors: string[] = [];
  for (const [key, raw] of params) {
    try {
      if (key === 'speed') {
        if (raw === 'max') out.speed = 'max';
        else {
          const n = Number(raw);
          if (!(raw.trim() !== '' && Number.isFinite(n) && n >= MIN_SPEED && n <= MAX_SPEED)) throw new Error(`URL parameter speed: expected a number in [${MIN_SPEED}, ${MAX_SPEED}] or "max", got "${raw}"`);
          out.speed = n;
        }
      } else if (key === 'paused') out.paused = parseBool(key, raw);
      else if (key === 'embed') out.embed = parseBool(key, raw);
      else if (key === 'projector') out.projector = parseBool(key, raw);
      // A lesson link (?lesson=quorum&step=3): checked here, opened by the page once the cluster is up.
      else if (key === 'lesson') {
        if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(raw)) throw new Error(`URL parameter lesson: expected a lesson id (lower-case letters, digits and dashes), got "${raw}"`);
        out.lesson = raw;
      } else if (key === 'step') {
        const n = Number(raw);
        if (raw.trim() === '' || !Number.isInteger(n) || n < 1 || n > 30) throw new Error(`URL parameter step: expected a step number in [1, 30], got "${raw}"`);
        out.lessonStep = n;
      } else if (Object.hasOwn(SETTING_PARAMS, key)) settings[key] = parseSettingParam(key as keyof ClusterSettings, raw);
      else throw new Error(`unknown URL parameter "${key}" (known: ${[...Object.keys(SETTING_PARAMS), 'speed', 'paused', 'embed', 'projector', 'lesson', 'step'].join(', ')})`);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (errors.length > 0) throw new Error(errors.join('; '));
  return out;
}
