/**
 * The narration as a caption line over the cluster view: the same sentence the live region reads
 * to screen readers, visible to everyone (a projector's audience too). It fades after a while.
 */
import { useEffect, useState } from 'react';
import { usePlayground } from './hooks.ts';

export function Caption() {
  const n = usePlayground((s) => s.narration);
  const [shownId, setShownId] = useState(0);
  useEffect(() => {
    if (!n.text) return;
    setShownId(n.id);
    const h = setTimeout(() => setShownId((id) => (id === n.id ? 0 : id)), 8000);
    return () => clearTimeout(h);
  }, [n]);
  if (!n.text || shownId !== n.id) return null;
  return (
    <p className="caption" aria-hidden="true" data-testid="caption">
      {n.text}
    </p>
  );
}
