/** Keys under a prefix, a page at a time, with their revisions, version and lease. */
import { useState } from 'react';
import { utf8FromBytes } from '../../server/api.ts';
import { useLive, useLiveApi } from './liveHooks.ts';

const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…` : s);

export function LiveKeys() {
  const store = useLiveApi();
  const keys = useLive((s) => s.keys);
  const [prefix, setPrefix] = useState(keys.prefix);
  const page = keys.page;
  return (
    <div className="live-keys">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void store.getState().loadKeys(prefix);
        }}
      >
        <label>
          prefix <input value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="(all keys)" data-testid="live-keys-prefix" spellCheck={false} />
        </label>
        <button type="submit">Show</button>
      </form>
      {keys.error && <p className="live-error">{keys.error}</p>}
      {page && (
        <>
          <p className="muted" data-testid="live-keys-summary">
            {page.count} key{page.count === 1 ? '' : 's'}
            {page.prefix ? ` under "${page.prefix}"` : ''} at revision {page.revision}
            {page.kvs.length < page.count ? `; showing ${page.kvs.length} from #${keys.starts.length * 50 + 1}` : ''}
          </p>
          <table className="grid" data-testid="live-keys">
            <thead>
              <tr>
                <th>key</th>
                <th>value</th>
                <th title="create revision">create</th>
                <th title="mod revision">mod</th>
                <th>version</th>
                <th>lease</th>
              </tr>
            </thead>
            <tbody>
              {page.kvs.map((kv) => (
                <tr key={kv.key} data-testid="live-key-row">
                  <td className="mono">{cut(utf8FromBytes(kv.key), 60)}</td>
                  <td className="mono">{cut(utf8FromBytes(kv.value), 40)}</td>
                  <td>{kv.create_revision}</td>
                  <td>{kv.mod_revision}</td>
                  <td>{kv.version}</td>
                  <td className="mono">{kv.lease === '0' ? '' : kv.lease}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            <button type="button" disabled={keys.starts.length === 0} onClick={() => void store.getState().prevKeys()}>
              ‹ Previous
            </button>
            <button type="button" disabled={!page.more} onClick={() => void store.getState().nextKeys()} data-testid="live-keys-next">
              Next ›
            </button>
          </div>
        </>
      )}
    </div>
  );
}
