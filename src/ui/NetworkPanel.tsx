/**
 * The network by hand: presets (isolate the leader, split a minority off, heal all), global and
 * per-link latency / jitter / loss, every link's state with a button to cycle it and a choice
 * of exact state (either one-way direction included), and each member's island (the keyboard's
 * way to partition; the mouse drags members instead).
 */
import { useMemo, useState } from 'react';
import { linkPairState } from '../state/store.ts';
import type { LinkSettings } from '../state/types.ts';
import { usePlayground, useStoreApi } from './hooks.ts';
import { describeLink } from './linkText.ts';

function LinkForm({ from, to, onApply }: { from?: string; to?: string; onApply(o: LinkSettings): void }) {
  const [latency, setLatency] = useState('');
  const [jitter, setJitter] = useState('');
  const [loss, setLoss] = useState('');
  const apply = (e: React.FormEvent): void => {
    e.preventDefault();
    const o: LinkSettings = {};
    if (latency !== '') o.latencyMs = Number(latency);
    if (jitter !== '') o.jitterMs = Number(jitter);
    if (loss !== '') o.lossRate = Number(loss) / 100;
    onApply(o);
  };
  const id = `${from ?? 'all'}-${to ?? 'all'}`;
  return (
    <form className="link-form" onSubmit={apply}>
      <label htmlFor={`lat-${id}`}>latency ms</label>
      <input id={`lat-${id}`} type="number" min={0} max={60000} value={latency} onChange={(e) => setLatency(e.target.value)} placeholder="e.g. 20" />
      <label htmlFor={`jit-${id}`}>jitter ms</label>
      <input id={`jit-${id}`} type="number" min={0} max={60000} value={jitter} onChange={(e) => setJitter(e.target.value)} placeholder="e.g. 5" />
      <label htmlFor={`loss-${id}`}>loss %</label>
      <input id={`loss-${id}`} type="number" min={0} max={100} step={0.1} value={loss} onChange={(e) => setLoss(e.target.value)} placeholder="0" />
      <button type="submit">Apply{from ? ` to ${from}→${to}` : ' to all links'}</button>
    </form>
  );
}

export function NetworkPanel() {
  const store = useStoreApi();
  const members = usePlayground((s) => s.members);
  const links = usePlayground((s) => s.links);
  const oneWay = usePlayground((s) => s.oneWay);
  const islands = usePlayground((s) => s.islands);
  const globalLink = usePlayground((s) => s.globalLink);
  const api = usePlayground((s) => s.api);
  // Read back from the network after each change (globalLink changes with every setting).
  const all = useMemo(() => api?.allLinks?.(), [api, globalLink]);
  const names = members.filter((m) => m.role !== 'removed').map((m) => m.name);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const s = store.getState();
  const islandOf = (n: string): number => islands.findIndex((g) => g.includes(n));
  const moveTo = (n: string, target: number): void => {
    const out = islands.map((g) => g.filter((x) => x !== n));
    if (target >= out.length) out.push([n]);
    else out[target]!.push(n);
    s.setIslands(out.filter((g) => g.length));
  };
  const pairs: [string, string][] = [];
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) pairs.push([names[i]!, names[j]!]);
  return (
    <div className="network-panel">
      <h3>Presets</h3>
      <div className="actions">
        <button type="button" onClick={() => s.isolateLeader()} aria-keyshortcuts="i" data-testid="preset-isolate">
          Isolate the leader <kbd>i</kbd>
        </button>
        <button type="button" onClick={() => s.split(Math.floor(names.length / 2))} data-testid="preset-split">
          Split {names.length - Math.floor(names.length / 2)}|{Math.floor(names.length / 2)}
        </button>
        <button type="button" onClick={() => s.heal()} aria-keyshortcuts="h" data-testid="preset-heal">
          Heal all <kbd>h</kbd>
        </button>
      </div>
      <h3>Islands</h3>
      <p className="muted">Drag members in the view, or choose an island here. Members on different islands cannot talk.</p>
      <table className="grid">
        <tbody>
          {names.map((n) => (
            <tr key={n}>
              <th scope="row">{n}</th>
              <td>
                <select aria-label={`island of ${n}`} value={islandOf(n)} onChange={(e) => moveTo(n, Number(e.target.value))} data-testid={`island-${n}`}>
                  {islands.map((_, i) => (
                    <option key={i} value={i}>
                      island {i + 1}
                    </option>
                  ))}
                  <option value={islands.length}>new island</option>
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>All links</h3>
      <p className="muted">
        {allLinksText(all)}
      </p>
      <LinkForm onApply={(o) => s.setLinkSettings(o)} />
      <h3>One link</h3>
      <div className="pair-pick">
        <label>
          from{' '}
          <select value={from} onChange={(e) => setFrom(e.target.value)}>
            <option value="">—</option>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label>
          to{' '}
          <select value={to} onChange={(e) => setTo(e.target.value)}>
            <option value="">—</option>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
      </div>
      {from && to && from !== to && <LinkForm key={`${from}>${to}`} from={from} to={to} onApply={(o) => s.setLinkSettings({ ...o, from, to })} />}
      <h3>Link states</h3>
      <ul className="link-list">
        {pairs.map(([a, b]) => {
          const st = linkPairState(links, a, b, oneWay);
          return (
            <li key={`${a}|${b}`}>
              <span className={`link-state ls-${st}`} title={describeLink(a, b, st).desc} data-testid={`link-state-${a}-${b}`}>
                {a}–{b}: {st === 'healthy' ? '✓ healthy' : st === 'cut-both' ? '✕ cut both ways' : st === 'cut-ab' ? `→ ${a}→${b} cut` : `← ${b}→${a} cut`}
              </span>
              <select
                aria-label={`link ${a}–${b}`}
                value={st}
                onChange={(e) => {
                  const v = e.target.value as typeof st;
                  if (v === 'cut-ba') s.setLinkCut(b, a, 'one-way');
                  else s.setLinkCut(a, b, v === 'healthy' ? 'none' : v === 'cut-ab' ? 'one-way' : 'both');
                }}
                data-testid={`link-set-${a}-${b}`}
              >
                <option value="healthy">healthy</option>
                <option value="cut-ab">{`${a}→${b} cut (one way)`}</option>
                <option value="cut-ba">{`${b}→${a} cut (one way)`}</option>
                <option value="cut-both">cut both ways</option>
              </select>
              <button type="button" onClick={() => s.cycleLink(a, b)} data-testid={`cycle-${a}-${b}`}>
                Cycle
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** The links' settings in words, as the network has them now. */
function allLinksText(l: { latencyMs: number; jitterMs: number; lossRate: number; duplicateRate: number; reorder: boolean } | undefined): string {
  if (!l) return '';
  const parts = [`latency ${l.latencyMs} ms`, l.jitterMs > 0 ? `+ up to ${l.jitterMs} ms jitter` : 'no jitter', l.lossRate > 0 ? `${(l.lossRate * 100).toFixed(1)}% lost` : 'nothing lost'];
  if (l.duplicateRate > 0) parts.push(`${(l.duplicateRate * 100).toFixed(1)}% duplicated`);
  parts.push(l.reorder ? 'may reorder' : 'in order');
  return `now: ${parts.join(', ')} (one way, virtual time)`;
}

