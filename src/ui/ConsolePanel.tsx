/**
 * The etcdctl console: type a command as you would in a shell (with or without "etcdctl"),
 * history on the arrow keys, Tab completes commands and flags, `watch` streams until Stop or
 * Ctrl+C, stdout and stderr are told apart by a gutter mark as well as colour, output is
 * selectable and has a copy button. `txn` opens an editor for its stdin (compares, success ops,
 * failure ops, separated by blank lines) as etcdctl reads them.
 */
import { memo, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { browseHistory, complete, needsStdin, type HistoryCursor } from '../state/consoleModel.ts';
import type { ConsoleEntry } from '../state/store.ts';
import { usePlayground, useStoreApi } from './hooks.ts';

/** A long-running watch keeps streaming: only its newest chunks are drawn (Copy takes them all). */
const MAX_CHUNKS_SHOWN = 300;

/** Memoized on the entry: streaming into one entry re-renders that entry alone. */
const Entry = memo(function Entry({ e, pointed, onStop }: { e: ConsoleEntry; pointed?: boolean; onStop: (id: number) => void }) {
  const hidden = Math.max(0, e.chunks.length - MAX_CHUNKS_SHOWN);
  const shown = hidden > 0 ? e.chunks.slice(hidden) : e.chunks;
  return (
    <div className={`console-entry${e.running ? ' running' : ''}${e.exitCode ? ' failed' : ''}${pointed ? ' pointed' : ''}`} data-testid="console-entry" data-exit={e.exitCode ?? ''}>
      <div className="cmd">
        <span className="prompt" aria-hidden="true">
          $
        </span>{' '}
        etcdctl {e.command}
        {e.running && (
          <button type="button" className="stop" onClick={() => onStop(e.id)} data-testid="console-stop">
            ■ Stop (Ctrl+C)
          </button>
        )}
        {e.exitCode !== null && e.exitCode !== 0 && <span className="exit">exit {e.exitCode}</span>}
      </div>
      {hidden > 0 && <p className="muted">{`… ${hidden} earlier output chunks not shown (Copy copies everything)`}</p>}
      {shown.map((c, i) => {
        // etcdctl also writes what is not an error to stderr (endpoint health's healthy lines):
        // once the command has succeeded, its stderr is shown as a note, not as an error.
        const note = c.stream === 'stderr' && e.exitCode === 0;
        return (
          <pre key={hidden + i} className={`${c.stream}${note ? ' note' : ''}`} data-stream={c.stream} title={note ? 'etcdctl wrote this to stderr; the command succeeded' : undefined}>
            {c.stream === 'stderr' &&
              (note ? (
                <span className="gutter" aria-label="written to stderr">
                  ›{' '}
                </span>
              ) : (
                <span className="gutter" aria-label="error output">
                  !{' '}
                </span>
              ))}
            {c.text}
          </pre>
        );
      })}
      {e.file && <SnapshotDownload file={e.file} />}
      {e.tip && (
        <p className="tip" data-testid="console-tip">
          <strong>Tip: </strong>
          {e.tip}
        </p>
      )}
    </div>
  );
});

/** A link that saves the snapshot etcdctl wrote, as the real etcdctl leaves a file on disk. */
function SnapshotDownload({ file }: { file: { path: string; blob: string } }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const bytes = new Uint8Array(file.blob.length);
    for (let i = 0; i < file.blob.length; i++) bytes[i] = file.blob.charCodeAt(i) & 0xff;
    const u = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [file]);
  const name = file.path.split('/').pop() || 'snapshot.db';
  return url ? (
    <a className="download" href={url} download={name} data-testid="console-download">
      ⬇ Download {name} ({file.blob.length} bytes)
    </a>
  ) : null;
}

/**
 * Opens a snapshot file from disk (one downloaded after `snapshot save`) so that `snapshot status`
 * and `snapshot restore` can read it by its name, as they would read a file beside etcdctl.
 */
function OpenSnapshot() {
  const store = useStoreApi();
  const input = useRef<HTMLInputElement>(null);
  const open = async (f: File): Promise<void> => {
    const s = store.getState();
    try {
      if (f.size > 64 * 1024 * 1024) throw new Error(`${f.name} is ${f.size} bytes; a playground snapshot is far smaller`);
      const bytes = new Uint8Array(await f.arrayBuffer());
      let blob = '';
      for (let i = 0; i < bytes.length; i += 8192) blob += String.fromCharCode(...bytes.subarray(i, i + 8192));
      if (!s.api?.addSnapshotFile) throw new Error('this page cannot open snapshot files');
      s.api.addSnapshotFile(f.name, blob);
      s.notify(`opened ${f.name}: try "snapshot status ${f.name} -w table" or "snapshot restore ${f.name}"`, 'info');
    } catch (e) {
      s.notify(`could not open the snapshot: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  };
  return (
    <>
      <button type="button" onClick={() => input.current?.click()} title="open a snapshot file (.db) saved earlier, for snapshot status and snapshot restore">
        Open…
      </button>
      <input
        ref={input}
        type="file"
        accept=".db,application/octet-stream"
        hidden
        data-testid="console-open-snapshot"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void open(f);
        }}
      />
    </>
  );
}

/**
 * What a console runs on: the simulated cluster's store, or live mode's real etcd. The view is
 * the same; only where commands go and which endpoints can be picked differ.
 */
export interface ConsoleSource {
  entries: ConsoleEntry[];
  history: string[];
  /** Commands can be run now. */
  ready: boolean;
  run(line: string, stdin?: string): void;
  /** Stops one running command, or every one. */
  stop(id?: number): void;
  clear(): void;
  endpoint: string;
  endpoints: { value: string; label: string }[];
  setEndpoint(value: string): void;
  /** The entry the lesson points at, if any (the newest). */
  pointLast?: boolean;
  placeholder: string;
  emptyText: ReactNode;
  /** Buttons of this source's own (opening a snapshot file). */
  extraButtons?: ReactNode;
  /** A note above the input line (live mode's read-only switch). */
  banner?: ReactNode;
}

export function ConsolePanel() {
  const store = useStoreApi();
  const allEntries = usePlayground((s) => s.consoleEntries);
  const pointConsole = usePlayground((s) => s.lessons.pointConsole);
  // In the past, the transcript as it stood then.
  const pastMs = usePlayground((s) => (s.travel.view.mode === 'past' ? s.travel.view.targetMs : null));
  const entries = useMemo(() => (pastMs === null ? allEntries : allEntries.filter((e) => (e.atMs ?? 0) <= pastMs)), [allEntries, pastMs]);
  const history = usePlayground((s) => s.consoleHistory);
  const endpoint = usePlayground((s) => s.consoleEndpoint);
  const memberNames = usePlayground((s) => s.members.filter((m) => m.role !== 'removed').map((m) => m.name).join(' '));
  const ready = usePlayground((s) => s.api !== null && s.travel.view.mode === 'live');
  const endpoints = useMemo(
    () => [{ value: '', label: 'all members' }, ...memberNames.split(' ').filter(Boolean).map((n) => ({ value: n, label: n }))],
    [memberNames],
  );
  return (
    <ConsoleView
      entries={entries}
      history={history}
      ready={ready}
      run={(line, stdin) => void store.getState().runConsole(line, stdin)}
      stop={(id) => store.getState().stopConsole(id)}
      clear={() => store.getState().clearConsole()}
      endpoint={endpoint}
      endpoints={endpoints}
      setEndpoint={(v) => store.getState().setConsoleEndpoint(v)}
      pointLast={pointConsole}
      placeholder={pastMs === null ? 'put foo bar' : 'viewing the past: return to the present to run commands'}
      emptyText="Try: put foo bar · get foo · watch foo · lease grant 10 · member list -w table · endpoint status --cluster -w table"
      extraButtons={<OpenSnapshot />}
    />
  );
}

export function ConsoleView(props: ConsoleSource) {
  const { entries, history, ready } = props;
  const [line, setLine] = useState('');
  const [stdin, setStdin] = useState<string | null>(null);
  const [cursor, setCursor] = useState<HistoryCursor>({ index: 0, draft: '' });
  const [hint, setHint] = useState('');
  const [copied, setCopied] = useState(false);
  const outRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const running = entries.some((e) => e.running);

  useEffect(() => {
    const el = outRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [entries]);
  useEffect(() => setCursor({ index: history.length, draft: '' }), [history.length]);

  const submit = (): void => {
    if (!line.trim()) return;
    if (needsStdin(line) && stdin === null) {
      setStdin('');
      return;
    }
    props.run(line, stdin ?? undefined);
    setLine('');
    setStdin(null);
    setHint('');
  };

  const onKey = (e: React.KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      submit();
    } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      const r = browseHistory(history, cursor, line, e.key === 'ArrowUp' ? -1 : 1);
      setLine(r.line);
      setCursor(r.cursor);
    } else if (e.key === 'Tab') {
      if (!line) return;
      e.preventDefault();
      const r = complete(line);
      setLine(r.line);
      setHint(r.candidates.length > 1 ? r.candidates.join('  ') : '');
    } else if (e.key === 'c' && e.ctrlKey) {
      if (running) {
        e.preventDefault();
        props.stop();
      } else if (!window.getSelection()?.toString()) {
        e.preventDefault();
        setLine('');
      }
    } else if (e.key === 'l' && e.ctrlKey) {
      e.preventDefault();
      props.clear();
    }
  };

  const copy = (): void => {
    const text = entries.map((x) => `$ etcdctl ${x.command}\n${x.chunks.map((c) => c.text).join('')}`).join('');
    void navigator.clipboard?.writeText(text).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      () => undefined,
    );
  };

  return (
    <section className="console" aria-label="etcdctl console">
      <header className="panel-head">
        <h3>etcdctl</h3>
        <label>
          endpoint{' '}
          <select value={props.endpoint} onChange={(e) => props.setEndpoint(e.target.value)} data-testid="console-endpoint">
            {props.endpoints.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        {running && (
          <button type="button" className="stop" onClick={() => props.stop()}>
            ■ Stop
          </button>
        )}
        {props.extraButtons}
        <button type="button" onClick={copy} aria-label="copy console output">
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={() => props.clear()} aria-keyshortcuts="Control+L">
          Clear
        </button>
      </header>
      <div className="console-out" ref={outRef} role="log" aria-label="console output" data-testid="console-output" tabIndex={0}>
        {entries.length === 0 && <p className="muted">{props.emptyText}</p>}
        {entries.map((e, i) => (
          <Entry key={e.id} e={e} pointed={props.pointLast === true && i === entries.length - 1} onStop={props.stop} />
        ))}
      </div>
      {stdin !== null && (
        <div className="stdin">
          <label htmlFor="console-stdin">
            txn stdin: compares ⏎⏎ success ops ⏎⏎ failure ops · <kbd>Ctrl+Enter</kbd> runs · <kbd>Esc</kbd> cancels
          </label>
          <textarea
            id="console-stdin"
            data-testid="console-stdin"
            rows={4}
            autoFocus
            value={stdin}
            placeholder={'value("foo") = "bar"\n\nput foo ok\n\nput foo nope'}
            onChange={(e) => setStdin(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                submit();
                inputRef.current?.focus();
              } else if (e.key === 'Escape') {
                setStdin(null);
                inputRef.current?.focus();
              }
            }}
          />
        </div>
      )}
      {props.banner}
      <div className="console-input">
        <label htmlFor="console-line" className="prompt">
          $ etcdctl
        </label>
        <input
          id="console-line"
          ref={inputRef}
          data-testid="console-input"
          value={line}
          disabled={!ready}
          autoComplete="off"
          spellCheck={false}
          aria-describedby="console-hint"
          onChange={(e) => setLine(e.target.value)}
          onKeyDown={onKey}
          placeholder={props.placeholder}
        />
        <button type="button" onClick={submit} disabled={!ready}>
          Run
        </button>
      </div>
      <div id="console-hint" className="hint" aria-live="polite">
        {hint}
      </div>
    </section>
  );
}
