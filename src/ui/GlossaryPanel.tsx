/**
 * Every term the lessons use, as a dialog opened from the lesson panel and the lessons menu; the
 * lesson text's term links open the same definitions in place.
 */
import { GLOSSARY } from '../lessons/glossary.ts';
import { usePlayground, useStoreApi } from './hooks.ts';

export function GlossaryDialog() {
  const store = useStoreApi();
  const open = usePlayground((s) => s.lessons.glossaryOpen);
  if (!open) return null;
  const close = (): void => store.getState().openGlossary(false);
  const entries = [...GLOSSARY].sort((a, b) => a.term.localeCompare(b.term));
  return (
    <div className="help-backdrop" onClick={close} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <section className="help lesson-menu" role="dialog" aria-modal="true" aria-label="glossary" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2>Glossary</h2>
          <button type="button" className="icon" onClick={close} aria-label="close the glossary" autoFocus>
            ✕
          </button>
        </header>
        <dl className="glossary">
          {entries.map((e) => (
            <div key={e.term}>
              <dt>{e.term}</dt>
              <dd>
                {e.text}
                {e.see && <span className="muted"> {e.see}</span>}
              </dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
