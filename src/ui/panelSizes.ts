/**
 * The sizes a person gave the page's panels by dragging their splitters, kept in this browser.
 * A size never set is null: the stylesheet's default for the screen (and projector mode) applies.
 * Stored values are checked on load; anything else is ignored, never trusted.
 */
import { useCallback, useState } from 'react';

export interface PanelSizes {
  /** Width of the side panel (inspector, network, ...), px. */
  sidePx: number | null;
  /** Height of the console and timeline row, scrubber included, px. */
  bottomPx: number | null;
  /** Width of the console beside the timeline, px. */
  consolePx: number | null;
}

const KEY = 'etcd-playground.panel-sizes';
const NONE: PanelSizes = { sidePx: null, bottomPx: null, consolePx: null };

function load(): PanelSizes {
  try {
    const v: unknown = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? 'null');
    if (!v || typeof v !== 'object') return NONE;
    const px = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) && x > 0 && x < 10_000 ? Math.round(x) : null);
    const o = v as Record<string, unknown>;
    return { sidePx: px(o.sidePx), bottomPx: px(o.bottomPx), consolePx: px(o.consolePx) };
  } catch {
    return NONE;
  }
}

function save(s: PanelSizes): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(s));
  } catch {
    // Storage may be full or off (private windows): the sizes then last for this page only.
  }
}

export function usePanelSizes(): [PanelSizes, (k: keyof PanelSizes, px: number | null) => void] {
  const [sizes, setSizes] = useState<PanelSizes>(load);
  const set = useCallback((k: keyof PanelSizes, px: number | null) => {
    setSizes((s) => {
      const next = { ...s, [k]: px === null ? null : Math.round(px) };
      save(next);
      return next;
    });
  }, []);
  return [sizes, set];
}

/** The CSS variables that carry the set sizes (unset ones keep the stylesheet's defaults). */
export function panelVars(s: PanelSizes): Record<string, string> {
  const v: Record<string, string> = {};
  if (s.sidePx !== null) v['--side-w'] = `${s.sidePx}px`;
  if (s.bottomPx !== null) v['--bottom-h'] = `${s.bottomPx}px`;
  if (s.consolePx !== null) v['--console-w'] = `${s.consolePx}px`;
  return v;
}
