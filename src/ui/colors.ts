/** Colours: calm on a projector, never the only cue (shapes and labels carry the same meaning). */
import type { RoleName } from '../state/types.ts';
import type { GlyphFamily } from './glyphs.ts';

export const roleColor: Record<RoleName, string> = {
  leader: '#1d4ed8',
  follower: '#475569',
  candidate: '#b45309',
  'pre-candidate': '#a16207',
  learner: '#7c3aed',
  crashed: '#9ca3af',
  removed: '#d1d5db',
};

export const familyColor: Record<GlyphFamily, string> = {
  vote: '#d97706',
  append: '#2563eb',
  heartbeat: '#db2777',
  snapshot: '#7c3aed',
  transfer: '#dc2626',
  read: '#0d9488',
  client: '#16a34a',
  watch: '#0891b2',
  other: '#6b7280',
};

const termPalette = ['#93c5fd', '#fcd34d', '#86efac', '#f9a8d4', '#c4b5fd', '#fdba74', '#5eead4', '#fca5a5', '#a5b4fc', '#bef264'];

/** A stable colour per term, cycling through a palette of light tones readable under dark text. */
export function termColor(term: number): string {
  if (term <= 0) return '#e5e7eb';
  return termPalette[(term - 1) % termPalette.length]!;
}
