/**
 * A lesson text as the page shows it: `{name}` filled with the member a binding names, and
 * `[[term]]` / `[[shown words|term]]` split out as glossary links.
 */
import { glossaryTerm } from './glossary.ts';

export type TextSegment = { text: string } | { text: string; term: string };

/** Fills `{name}` placeholders; an unbound name stays visible as `{name}`. */
export function fillText(s: string, bindings: Readonly<Record<string, string>>): string {
  return s.replace(/\{([a-zA-Z][a-zA-Z0-9]*)\}/g, (whole, name: string) => bindings[name] ?? whole);
}

/** Splits a filled text into plain runs and glossary links (unknown terms stay plain text). */
export function textSegments(s: string): TextSegment[] {
  const out: TextSegment[] = [];
  let last = 0;
  for (const m of s.matchAll(/\[\[([^\]]+)\]\]/g)) {
    if (m.index! > last) out.push({ text: s.slice(last, m.index) });
    const inner = m[1]!;
    const bar = inner.indexOf('|');
    const shown = bar >= 0 ? inner.slice(0, bar) : inner;
    const term = bar >= 0 ? inner.slice(bar + 1) : inner;
    const entry = glossaryTerm(term);
    out.push(entry ? { text: shown, term: entry.term } : { text: shown });
    last = m.index! + m[0].length;
  }
  if (last < s.length) out.push({ text: s.slice(last) });
  return out;
}

/** The text without link markup, for captions and screen readers. */
export function plainText(s: string): string {
  return textSegments(s)
    .map((x) => x.text)
    .join('');
}
