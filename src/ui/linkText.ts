/**
 * A link's state in words, with its direction: the text of the cluster view's tooltips and
 * aria-labels and of the network panel's list, so the direction never rests on colour or shape alone.
 */
import type { linkPairState } from '../state/store.ts';

export type PairState = ReturnType<typeof linkPairState>;

/** What a link's state means in words, with its direction: the tooltip's and the screen reader's text. */
export function describeLink(a: string, b: string, state: PairState): { desc: string; next: string; nextShift: string } {
  const [from, to] = state === 'cut-ba' ? [b, a] : [a, b];
  const desc =
    state === 'healthy'
      ? 'healthy'
      : state === 'cut-both'
        ? 'cut both ways'
        : `cut one way: ${from}→${to} blocked (${to} no longer hears ${from}; ${to}→${from} still flows)`;
  const next = state === 'healthy' ? `cut ${a}→${b} one way` : state === 'cut-both' ? 'heal it' : 'cut it both ways';
  return { desc, next, nextShift: state === 'healthy' ? `cut ${b}→${a} one way` : next };
}
