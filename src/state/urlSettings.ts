/**
 * Cluster settings in the page's URL (`?members=5&seed=42&preVote=0`), so a scenario is a link.
 * Unknown or malformed parameters are reported and ignored; nothing half-applies.
 */
import type { ClusterSettings } from './types.ts';
import { parseUnsafeList } from '../server/unsafeSwitches.ts';

type Field = { key: keyof ClusterSettings; kind: 'int' | 'bool' | 'durability' | 'unsafe'; min?: number; max?: number };

const fields: Field[] = [
  { key: 'members', kind: 'int', min: 1, max: 9 },
  { key: 'seed', kind: 'int', min: 0, max: 2 ** 31 - 1 },
  { key: 'tickMs', kind: 'int', min: 1, max: 10_000 },
  { key: 'electionTicks', kind: 'int', min: 2, max: 1000 },
  { key: 'heartbeatTicks', kind: 'int', min: 1, max: 999 },
  { key: 'preVote', kind: 'bool' },
  { key: 'checkQuorum', kind: 'bool' },
  { key: 'snapshotCount', kind: 'int', min: 1, max: 10_000_000 },
  { key: 'snapshotCatchUpEntries', kind: 'int', min: 1, max: 10_000_000 },
  { key: 'durability', kind: 'durability' },
  { key: 'quotaBackendBytes', kind: 'int', min: 1024, max: 8 * 1024 ** 3 },
  { key: 'requestTimeoutMs', kind: 'int', min: 1, max: 3_600_000 },
  { key: 'walFsyncMs', kind: 'int', min: 0, max: 1000 },
  { key: 'unsafe', kind: 'unsafe' },
];

export const settingsFields: readonly Field[] = fields;

export function parseSettingsQuery(search: string): { settings: Partial<ClusterSettings>; errors: string[] } {
  const params = new URLSearchParams(search);
  const settings: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const f of fields) {
    const raw = params.get(f.key);
    if (raw === null) continue;
    if (f.kind === 'bool') {
      if (/^(1|true|on|yes)$/i.test(raw)) settings[f.key] = true;
      else if (/^(0|false|off|no)$/i.test(raw)) settings[f.key] = false;
      else errors.push(`${f.key}: expected true or false, got "${raw}"`);
    } else if (f.kind === 'unsafe') {
      try {
        settings[f.key] = parseUnsafeList(raw);
      } catch (e) {
        errors.push((e as Error).message);
      }
    } else if (f.kind === 'durability') {
      if (raw === 'strict' || raw === 'relaxed') settings[f.key] = raw;
      else errors.push(`${f.key}: expected strict or relaxed, got "${raw}"`);
    } else {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < (f.min ?? -Infinity) || n > (f.max ?? Infinity)) {
        errors.push(`${f.key}: expected a whole number in [${f.min}, ${f.max}], got "${raw}"`);
      } else settings[f.key] = n;
    }
  }
  return { settings: settings as Partial<ClusterSettings>, errors };
}

/** The query string for settings that differ from `defaults` (members and seed always included). */
export function settingsToQuery(s: ClusterSettings, defaults?: Partial<ClusterSettings>): string {
  const params = new URLSearchParams();
  for (const f of fields) {
    const v = s[f.key];
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      // The safety switches: written when any is on, or when they differ from the defaults.
      const d = defaults?.[f.key];
      if (v.length === 0 && (d === undefined || (Array.isArray(d) && d.length === 0))) continue;
      params.set(f.key, v.join(','));
      continue;
    }
    if (f.key !== 'members' && f.key !== 'seed' && defaults && defaults[f.key] === v) continue;
    params.set(f.key, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  return `?${params.toString()}`;
}

/** How the page is laid out, from `?embed=1&projector=1` (anything but a true value is off). */
export function parseViewQuery(search: string): { embed: boolean; projector: boolean } {
  const params = new URLSearchParams(search);
  const on = (k: string): boolean => /^(1|true|on|yes)$/i.test(params.get(k) ?? '');
  return { embed: on('embed'), projector: on('projector') };
}
