/** The selected message's fields, with the one thing you can do to it: drop it. */
import { glyphFor } from './glyphs.ts';
import { usePlayground, useStoreApi } from './hooks.ts';

export function FlightCard() {
  const store = useStoreApi();
  const f = usePlayground((s) => s.selectedFlight);
  if (!f) return null;
  const g = glyphFor(f.type, f.text);
  return (
    <section className="flight-card" role="dialog" aria-label={`message ${f.id}`} data-testid="flight-card">
      <header>
        <strong>
          {g.name} <span className="muted">#{f.id}</span>
        </strong>
        <button type="button" className="icon" aria-label="close message details" onClick={() => store.getState().selectFlight(null)}>
          ✕
        </button>
      </header>
      <dl>
        <dt>type</dt>
        <dd>{f.type}</dd>
        <dt>from → to</dt>
        <dd>
          {f.from} → {f.to}
        </dd>
        <dt>sent</dt>
        <dd>{f.sentAtMs} ms</dd>
        <dt>arrives</dt>
        <dd>
          {f.deliverAtMs} ms{f.held ? ' (held)' : ''}
        </dd>
        <dt>fields</dt>
        <dd className="mono">{f.text}</dd>
      </dl>
      <button type="button" className="danger" data-testid="drop-message" onClick={() => store.getState().dropFlight(f.id)}>
        Drop this message (d)
      </button>
    </section>
  );
}
