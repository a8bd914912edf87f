/**
 * A bar between two panels that resizes one of them: drag it, or focus it and use the arrow keys
 * (Shift for bigger steps); a double click or Enter gives the panel back its default size.
 * `size` measures the panel now (its default may come from the stylesheet), and `grows` says
 * which way of pointer movement makes it larger.
 */
import { useRef } from 'react';

export interface SplitterProps {
  /** 'col' sits between columns and moves sideways; 'row' sits between rows and moves up and down. */
  axis: 'col' | 'row';
  label: string;
  testId: string;
  size(): number;
  min: number;
  max(): number;
  /** +1 when moving right/down enlarges the panel, -1 when moving left/up does. */
  grows: 1 | -1;
  onResize(px: number | null): void;
}

export function Splitter({ axis, label, testId, size, min, max, grows, onResize }: SplitterProps) {
  const drag = useRef<{ start: number; from: number } | null>(null);
  const clamp = (px: number): number => Math.max(min, Math.min(Math.max(min, max()), px));
  const pos = (e: React.PointerEvent): number => (axis === 'col' ? e.clientX : e.clientY);
  const now = typeof document === 'undefined' ? 0 : Math.round(size());
  return (
    <div
      className={`splitter ${axis}`}
      role="separator"
      aria-orientation={axis === 'col' ? 'vertical' : 'horizontal'}
      aria-label={label}
      aria-valuenow={now}
      aria-valuemin={min}
      aria-valuemax={Math.round(max())}
      tabIndex={0}
      data-testid={testId}
      title={`${label}: drag, or use the arrow keys; double-click for the default size`}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.preventDefault();
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = { start: pos(e), from: size() };
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (!d) return;
        onResize(clamp(d.from + grows * (pos(e) - d.start)));
      }}
      onPointerUp={(e) => {
        drag.current = null;
        e.currentTarget.releasePointerCapture(e.pointerId);
      }}
      onPointerCancel={() => (drag.current = null)}
      onDoubleClick={() => onResize(null)}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 80 : 20;
        const keys = axis === 'col' ? { less: 'ArrowLeft', more: 'ArrowRight' } : { less: 'ArrowUp', more: 'ArrowDown' };
        let delta = 0;
        if (e.key === keys.more) delta = step * grows;
        else if (e.key === keys.less) delta = -step * grows;
        else if (e.key === 'Enter') {
          e.preventDefault();
          onResize(null);
          return;
        } else return;
        e.preventDefault();
        e.stopPropagation();
        onResize(clamp(size() + delta));
      }}
    />
  );
}
