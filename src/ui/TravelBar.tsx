/**
 * Time travel: the scrubber over the whole run (drag it, or `[` `]` Home End), the "viewing the
 * past" banner with Continue from here, the progress of a long replay, the branches, and Share,
 * Export and Import. What the page shows in the past is the cluster replayed to that time.
 */
import { useRef, useState } from 'react';
import { usePlayground, useStoreApi } from './hooks.ts';
import { formatVirtualTime } from './speedScale.ts';
import { download, svgDocument, svgToPng } from './exportImage.ts';

/** The live end of the run, or the time the past view is at, rounded so the bar re-renders a few times a second. */
function useRunTimes(): { endMs: number; atMs: number; past: boolean } {
  const past = usePlayground((s) => s.travel.view.mode === 'past');
  const endMs = usePlayground((s) => (s.travel.view.mode === 'past' ? s.travel.view.endMs : Math.floor(s.nowMs / 250) * 250));
  const atMs = usePlayground((s) => (s.travel.view.mode === 'past' ? s.travel.view.targetMs : Math.floor(s.nowMs / 250) * 250));
  return { endMs, atMs, past };
}

export function PastBanner() {
  const store = useStoreApi();
  const view = usePlayground((s) => s.travel.view);
  if (view.mode !== 'past') return null;
  return (
    <div className="past-banner" role="status" data-testid="past-banner">
      <strong>Viewing the past</strong>
      <span data-testid="past-time">
        {formatVirtualTime(view.targetMs)} of {formatVirtualTime(view.endMs)}
        {view.seeking ? ' · replaying…' : ''}
      </span>
      <span className="muted">The cluster replayed to that moment: look, nothing changes.</span>
      <button type="button" className="primary" data-testid="continue-here" onClick={() => void store.getState().continueFromHere()}>
        Continue from here
      </button>
      <button type="button" data-testid="back-to-present" onClick={() => store.getState().present()} aria-keyshortcuts="End">
        Back to the present <kbd>End</kbd>
      </button>
    </div>
  );
}

export function ReplayProgress() {
  const p = usePlayground((s) => s.travel.progress);
  if (!p) return null;
  const pct = p.totalMs > 0 ? Math.min(100, Math.round((p.doneMs / p.totalMs) * 100)) : 0;
  return (
    <div className="replay-progress" role="status" aria-live="polite" data-testid="replay-progress">
      <span>{p.label}…</span>
      <progress max={100} value={pct} aria-label={`${p.label}: ${pct}%`} />
      <span>
        {formatVirtualTime(p.doneMs)} / {formatVirtualTime(p.totalMs)}
      </span>
    </div>
  );
}

/** An iframe of the same link in embed mode. */
function embedCode(url: string): string {
  const u = new URL(url);
  u.searchParams.set('embed', '1');
  const attr = u.toString().replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<iframe src="${attr}" width="960" height="540" title="etcd playground" style="border:0"></iframe>`;
}

function ShareDialog({ url, onClose }: { url: string; onClose(): void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="help-backdrop" onClick={onClose}>
      <section className="help share" role="dialog" aria-modal="true" aria-label="share this run" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2>Share this run</h2>
          <button type="button" className="icon" onClick={onClose} aria-label="close">
            ✕
          </button>
        </header>
        <p>Anyone who opens this link gets the same run, replayed in their own browser to where you are now.</p>
        <input type="text" readOnly value={url} data-testid="share-url" aria-label="link to this run" onFocus={(e) => e.currentTarget.select()} autoFocus />
        <p className="muted">{url.length.toLocaleString()} characters</p>
        <label className="embed-code">
          <span>To put it in a slide or a page (the cluster, the time controls and the scrubber only):</span>
          <input type="text" readOnly value={embedCode(url)} data-testid="share-embed" aria-label="embed code for this run" onFocus={(e) => e.currentTarget.select()} />
        </label>
        <button
          type="button"
          className="primary"
          onClick={() => {
            void navigator.clipboard?.writeText(url).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {copied ? 'Copied' : 'Copy link'}
        </button>
      </section>
    </div>
  );
}

const pictureOf = (which: 'cluster' | 'timeline'): SVGSVGElement[] => {
  if (which === 'timeline') return [...document.querySelectorAll<SVGSVGElement>('[data-testid="timeline"]')];
  return [...document.querySelectorAll<SVGSVGElement>('[data-testid="cluster-svg"], .flight-overlay')];
};

export function TravelBar() {
  const store = useStoreApi();
  const { endMs, atMs, past } = useRunTimes();
  const branches = usePlayground((s) => s.travel.branches);
  const ready = usePlayground((s) => s.travel.machine !== null && s.status === 'ready');
  const busy = usePlayground((s) => s.travel.progress !== null);
  const embed = usePlayground((s) => s.embed);
  const [share, setShare] = useState('');
  const fileRef = useRef<HTMLInputElement>(null);
  const current = branches.find((b) => b.current);
  const fail = (what: string) => (e: unknown) => store.getState().notify(`${what} failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
  const picture = (which: 'cluster' | 'timeline', kind: 'svg' | 'png'): void => {
    try {
      const doc = svgDocument(pictureOf(which));
      const name = `etcd-playground-${which}-${Math.round(atMs)}ms.${kind}`;
      if (kind === 'svg') download(name, doc.text, 'image/svg+xml');
      else void svgToPng(doc).then((b) => download(name, b), fail('PNG export'));
    } catch (e) {
      fail(`${kind.toUpperCase()} export`)(e);
    }
  };
  return (
    <div className={`travel-bar${past ? ' past' : ''}`} role="group" aria-label="time travel" data-testid="travel-bar">
      <button type="button" disabled={!ready || busy} onClick={() => store.getState().seek(0)} aria-label="go to the start" aria-keyshortcuts="Home" title="go to the start (Home)">
        Start <kbd>Home</kbd>
      </button>
      <button type="button" disabled={!ready || busy} onClick={() => store.getState().seekBy(-1000)} aria-label="one second back" aria-keyshortcuts="[" title="one second back ([)">
        ◂ <kbd>[</kbd>
      </button>
      <input
        type="range"
        className="scrubber"
        min={0}
        max={Math.max(endMs, 1)}
        step={100}
        value={Math.min(atMs, endMs)}
        disabled={!ready || busy}
        data-testid="scrubber"
        aria-label="time travel: drag to see the run at an earlier time"
        aria-valuetext={past ? `viewing ${formatVirtualTime(atMs)} of ${formatVirtualTime(endMs)}` : `live, ${formatVirtualTime(endMs)}`}
        onChange={(e) => store.getState().seek(Number(e.target.value))}
      />
      <button type="button" disabled={!ready || busy || !past} onClick={() => store.getState().seekBy(1000)} aria-label="one second forward" aria-keyshortcuts="]" title="one second forward (])">
        <kbd>]</kbd> ▸
      </button>
      <button type="button" disabled={!ready || !past} onClick={() => store.getState().present()} aria-label="back to the present" aria-keyshortcuts="End" title="back to the present (End)">
        Now <kbd>End</kbd>
      </button>
      <output className="travel-time" data-testid="travel-time">
        {past ? `${formatVirtualTime(atMs)} / ${formatVirtualTime(endMs)}` : `live · ${formatVirtualTime(endMs)}`}
      </output>
      {branches.length > 1 && (
        <label className="branches">
          <span>Branch</span>
          <select
            data-testid="branch-select"
            value={current?.id ?? 1}
            disabled={busy}
            onChange={(e) => void store.getState().switchBranch(Number(e.target.value))}
          >
            {branches.map((b) => (
              <option key={b.id} value={b.id}>
                {b.label}
                {b.parent !== undefined ? ` (from run ${b.parent} at ${formatVirtualTime(b.forkedAtMs ?? 0)})` : ''}
                {b.current ? '' : ` · ends ${formatVirtualTime(b.endMs)}`}
              </option>
            ))}
          </select>
        </label>
      )}
      <span className="travel-spacer" />
      <button
        type="button"
        disabled={!ready || busy}
        data-testid="share"
        onClick={() => void store.getState().shareLink(location.href).then(setShare, fail('Share'))}
      >
        Share
      </button>
      {!embed && (<>
      <details
        className="export-menu"
        onKeyDown={(e) => {
          if (e.key === 'Escape') e.currentTarget.open = false;
        }}
      >
        <summary data-testid="export-menu">Export</summary>
        {/* A choice closes the menu (the click reaches here after the item's own handler). */}
        <div className="menu" role="menu" onClick={(e) => ((e.currentTarget.parentElement as HTMLDetailsElement).open = false)}>
          <button
            type="button"
            role="menuitem"
            data-testid="export-scenario"
            disabled={!ready || busy}
            onClick={() => void store.getState().exportScenario().then((f) => download(f.name, f.text), fail('Scenario export'))}
          >
            Scenario (.json)
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="export-trace"
            disabled={!ready}
            onClick={() => {
              const f = store.getState().exportTrace();
              download(f.name, f.text);
            }}
          >
            Trace (.json)
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="export-history"
            disabled={!ready}
            title="every client call with its answer and virtual times, and every watch stream (etcd-playground-history), for the checkers"
            onClick={() => {
              const f = store.getState().exportHistory();
              download(f.name, f.text);
            }}
          >
            Client history (.json)
          </button>
          <button type="button" role="menuitem" data-testid="export-cluster-svg" onClick={() => picture('cluster', 'svg')}>
            Cluster view (.svg)
          </button>
          <button type="button" role="menuitem" data-testid="export-cluster-png" onClick={() => picture('cluster', 'png')}>
            Cluster view (.png)
          </button>
          <button type="button" role="menuitem" data-testid="export-timeline-svg" onClick={() => picture('timeline', 'svg')}>
            Timeline (.svg)
          </button>
          <button type="button" role="menuitem" data-testid="export-timeline-png" onClick={() => picture('timeline', 'png')}>
            Timeline (.png)
          </button>
        </div>
      </details>
      <button type="button" disabled={!ready || busy} data-testid="import-scenario" onClick={() => fileRef.current?.click()}>
        Import
      </button>
      <input
        ref={fileRef}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-file"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (!f) return;
          if (f.size > 5 * 1024 * 1024) {
            store.getState().notify(`this scenario cannot be opened: the file is ${(f.size / 1024 / 1024).toFixed(1)} MB; at most 5 MB is accepted`, 'error');
            return;
          }
          void f.text().then((t) => store.getState().importScenario(t), fail('Import'));
        }}
      />
      </>)}
      {share && <ShareDialog url={share} onClose={() => setShare('')} />}
    </div>
  );
}
