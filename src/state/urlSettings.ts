/**
 * Cluster settings in the page's URL (`?members=5&seed=42&preVote=0`), so a scenario is a link.
 * Malformed parameters are reported and ignored; the table and the parsing are the runtime's
 * (runtime/urlParams.ts), so the page and the runtime read a URL the same way.
 */
import type { ClusterSettings } from './types.ts';
import { parseSettingParam, SETTING_PARAMS } from '../runtime/urlParams.ts';

const keys = Object.keys(SETTING_PARAMS) as (keyof ClusterSettings)[];

/** The runtime's parser, lenient: a bad value is reported and left out, the good ones apply. */
export function parseSettingsQuery(search: string): { settings: Partial<ClusterSettings>; errors: string[] } {
  const params = new URLSearchParams(search);
  const settings: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const key of keys) {
    const raw = params.get(key);
    if (raw === null) continue;
    try {
      settings[key] = parseSettingParam(key, raw);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { settings: settings as Partial<ClusterSettings>, errors };
}

/** The query string for settings that differ from `defaults` (members and seed always included). */
export function settingsToQuery(s: ClusterSettings, defaults?: Partial<ClusterSettings>): string {
  const params = new URLSearchParams();
  for (const key of keys) {
    const v = s[key];
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      // The safety switches: written when any is on, or when they differ from the defaults.
      const d = defaults?.[key];
      if (v.length === 0 && (d === undefined || (Array.isArray(d) && d.length === 0))) continue;
      params.set(key, v.join(','));
      continue;
    }
    if (key !== 'members' && key !== 'seed' && defaults && defaults[key] === v) continue;
    params.set(key, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  return `?${params.toString()}`;
}

/** How the page is laid out, from `?embed=1&projector=1` (anything but a true value is off). */
export function parseViewQuery(search: string): { embed: boolean; projector: boolean } {
  const params = new URLSearchParams(search);
  const on = (k: string): boolean => /^(1|true|on|yes)$/i.test(params.get(k) ?? '');
  return { embed: on('embed'), projector: on('projector') };
}
