/** A watch on a prefix: every event as it arrives, resumed from the next revision if its stream breaks. */
import { useState } from 'react';
import { useLive, useLiveApi } from './liveHooks.ts';

export function LiveWatchFeed() {
  const store = useLiveApi();
  const watch = useLive((s) => s.watch);
  const [prefix, setPrefix] = useState(watch.prefix);
  return (
    <div className="live-watch">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          store.getState().setWatchPrefix(prefix);
        }}
      >
        <label>
          watch prefix <input value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="(all keys)" data-testid="live-watch-prefix" spellCheck={false} />
        </label>
        <button type="submit">Watch</button>
      </form>
      <p className={`muted watch-state-${watch.state?.state ?? 'opening'}`} data-testid="live-watch-state">
        {watch.state === null ? 'opening the watch…' : watch.state.state === 'watching' ? `watching ${watch.prefix ? `"${watch.prefix}"` : 'every key'}` : watch.state.message}
      </p>
      {watch.events.length === 0 ? (
        <p className="muted">No events yet: put a key from the console.</p>
      ) : (
        <ol className="live-feed" data-testid="live-watch-events">
          {[...watch.events].reverse().map((e) => (
            <li key={e.id} data-testid="live-watch-event">
              <span className={`ev ev-${e.type.toLowerCase()}`}>{e.type}</span> <span className="mono">{e.key}</span>
              {e.type === 'PUT' && <span className="mono"> = {e.value.length > 40 ? `${e.value.slice(0, 40)}…` : e.value}</span>} <span className="muted">rev {e.modRevision}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
