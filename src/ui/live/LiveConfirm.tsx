/** The question a destructive command asks before it runs on a real cluster. */
import { useLive, useLiveApi } from './liveHooks.ts';

export function LiveConfirm() {
  const store = useLiveApi();
  const c = useLive((s) => s.confirm);
  const to = useLive((s) => s.connectedTo);
  if (!c) return null;
  return (
    <div className="help-backdrop" onClick={() => store.getState().cancelConfirm()}>
      <section className="help live-confirm" role="alertdialog" aria-modal="true" aria-label="confirm a destructive command" onClick={(e) => e.stopPropagation()} data-testid="live-confirm">
        <h2>Run this on the real cluster?</h2>
        <p>
          <code>etcdctl {c.line}</code>
        </p>
        <p>
          <strong>{c.path}</strong> {c.effect}. It runs on {to.join(', ')}, and cannot be undone from here.
        </p>
        <div className="row">
          <button type="button" className="danger" onClick={() => void store.getState().confirmRun()} data-testid="live-confirm-run">
            Run it
          </button>
          <button type="button" autoFocus onClick={() => store.getState().cancelConfirm()}>
            Cancel
          </button>
        </div>
      </section>
    </div>
  );
}
