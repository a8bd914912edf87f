/**
 * The lesson being played, above the side panel's tabs: the step's text with its glossary
 * links, then what the step asks (a prediction, a task, or Play), then Back / Reset step / Next.
 * The steps are dots that go to any step directly. Everything it shows comes from the player's
 * progress in the store; everything it does goes through the store's lesson actions.
 */
import { useEffect, useRef } from 'react';
import { usePlayground, useStoreApi } from './hooks.ts';
import { glossaryTerm } from '../lessons/glossary.ts';
import { fillText, textSegments } from '../lessons/lessonText.ts';
import type { LessonStep } from '../lessons/lessonFormat.ts';

/** A lesson text with `{name}` filled and `[[term]]` as buttons that open the term's definition. */
export function LessonText({ text, bindings }: { text: string; bindings: Record<string, string> }) {
  const store = useStoreApi();
  const open = usePlayground((s) => s.lessons.term);
  return (
    <>
      {textSegments(fillText(text, bindings)).map((seg, i) =>
        'term' in seg ? (
          <button key={i} type="button" className={`term${open === seg.term ? ' open' : ''}`} aria-expanded={open === seg.term} onClick={() => store.getState().showTerm(seg.term)} title={`what "${seg.term}" means`}>
            {seg.text}
          </button>
        ) : (
          <span key={i}>{seg.text}</span>
        ),
      )}
    </>
  );
}

function TermBox() {
  const store = useStoreApi();
  const term = usePlayground((s) => s.lessons.term);
  const e = term ? glossaryTerm(term) : undefined;
  if (!e) return null;
  return (
    <aside className="term-box" aria-label={`glossary: ${e.term}`} data-testid="term-box">
      <header>
        <strong>{e.term}</strong>
        <button type="button" className="icon" aria-label="close the definition" onClick={() => store.getState().showTerm(e.term)}>
          ✕
        </button>
      </header>
      <p>{e.text}</p>
      {e.see && <p className="muted">{e.see}</p>}
    </aside>
  );
}

function StepBody({ step }: { step: LessonStep }) {
  const store = useStoreApi();
  const p = usePlayground((s) => s.lessons.progress)!;
  const b = p.bindings;
  const running = p.phase === 'running';
  if (step.kind === 'watch') {
    return (
      <div className="lesson-do">
        {p.phase === 'revealed' ? (
          <p className="lesson-status ok" role="status">
            ✓ Played. Look around, then go on.
          </p>
        ) : (
          <button type="button" className="primary" disabled={p.phase !== 'ready'} onClick={() => void store.getState().lessonPlay()} data-testid="lesson-play">
            {running ? 'Playing…' : `▶ Play${step.speed && step.speed !== 1 ? ` (${step.speed}× speed)` : ''}`}
          </button>
        )}
      </div>
    );
  }
  if (step.kind === 'predict') {
    const revealed = p.phase === 'revealed';
    const chosen = step.choices.find((c) => c.id === p.chosen);
    const happened = step.choices.find((c) => c.id === p.outcome);
    return (
      <div className="lesson-do">
        <p className="question" id="lesson-question">
          <strong>Predict: </strong>
          <LessonText text={step.question} bindings={b} />
        </p>
        <div className="choices" role="group" aria-labelledby="lesson-question">
          {step.choices.map((c) => (
            <button
              key={c.id}
              type="button"
              className={`choice${p.chosen === c.id ? ' chosen' : ''}${revealed && p.outcome === c.id ? ' happened' : ''}`}
              aria-pressed={p.chosen === c.id}
              disabled={p.phase !== 'ready'}
              onClick={() => void store.getState().lessonChoose(c.id)}
              data-choice={c.id}
            >
              <span className="choice-id">{c.id.toUpperCase()}</span>
              <span>
                <LessonText text={c.text} bindings={b} />
              </span>
            </button>
          ))}
        </div>
        {running && <p className="lesson-status">The cluster is running. Watch what happens…</p>}
        {revealed && (
          <div className="reveal" role="status" data-testid="lesson-reveal" data-outcome={p.outcome}>
            <p className={`lesson-status ${p.outcome === p.chosen ? 'ok' : 'miss'}`}>
              {p.outcome === p.chosen ? '✓ You predicted it.' : `✗ You said ${chosen?.id.toUpperCase() ?? '?'}.`} What happened: {happened ? <strong>{happened.id.toUpperCase()}</strong> : 'none of these'}.
            </p>
            {step.explain.map((t, i) => (
              <p key={i}>
                <LessonText text={t} bindings={b} />
              </p>
            ))}
          </div>
        )}
      </div>
    );
  }
  const done = p.phase === 'done';
  return (
    <div className="lesson-do">
      <p className="task" data-testid="lesson-task">
        <strong>Your turn: </strong>
        <LessonText text={step.task} bindings={b} />
      </p>
      <p className={`lesson-status ${done ? 'ok' : ''}`} role="status" data-testid="lesson-task-status" data-done={done}>
        {done ? (p.shown ? '✓ Done (shown).' : '✓ Done. Well done!') : running ? 'Showing you…' : 'Not done yet. The clock is running: act on the cluster or in the console.'}
      </p>
      {step.hints.slice(0, p.hintsShown).map((h, i) => (
        <p key={i} className="hint">
          Hint {i + 1}: <LessonText text={h} bindings={b} />
        </p>
      ))}
      {!done && (
        <div className="lesson-buttons">
          <button type="button" disabled={p.hintsShown >= step.hints.length || running} onClick={() => store.getState().lessonHint()}>
            {p.hintsShown === 0 ? 'Hint' : 'Another hint'}
          </button>
          <button type="button" disabled={running} onClick={() => void store.getState().lessonShowMe()} data-testid="lesson-show-me">
            Show me
          </button>
        </div>
      )}
    </div>
  );
}

export function LessonPanel() {
  const store = useStoreApi();
  const lesson = usePlayground((s) => s.lessons.active);
  const p = usePlayground((s) => s.lessons.progress);
  const completed = usePlayground((s) => (lesson ? s.lessons.course[lesson.id]?.completed : undefined));
  const projector = usePlayground((s) => s.projector);
  const bodyRef = useRef<HTMLDivElement>(null);
  const k = p?.stepIndex ?? 0;
  useEffect(() => {
    bodyRef.current?.scrollTo({ top: 0 });
  }, [k, lesson]);
  if (!lesson || !p) return null;
  const step = lesson.steps[k]!;
  const complete = p.phase === 'revealed' || p.phase === 'done';
  const last = k === lesson.steps.length - 1;
  const busy = p.phase === 'preparing' || p.phase === 'running';
  return (
    <section className="lesson" aria-label={`lesson: ${lesson.title}`} data-testid="lesson" data-lesson={lesson.id} data-step={k + 1} data-phase={p.phase} data-outcome={p.outcome} data-bindings={JSON.stringify(p.bindings)} data-start-hash={p.startHash}>
      <header className="lesson-head">
        <div>
          <button type="button" className="textlink" onClick={() => store.getState().openLessonMenu(true)} title="all lessons">
            Lessons
          </button>
          <span className="muted"> › </span>
          <span className="lesson-title">{lesson.title}</span>
        </div>
        <button type="button" className="textlink" onClick={() => store.getState().openGlossary(true)}>
          Glossary
        </button>
        <button type="button" className="textlink" aria-pressed={projector} onClick={() => store.getState().setPresenter(!projector)} title="large type for a projector; PageDown / PageUp step through the lesson">
          {projector ? 'Exit presenting' : 'Present'}
        </button>
        <button type="button" className="icon" aria-label="leave the lesson" title="leave the lesson (the cluster stays as it is)" onClick={() => store.getState().exitLesson()}>
          ✕
        </button>
      </header>
      <nav className="step-dots" aria-label="steps">
        {lesson.steps.map((s, i) => (
          <button
            key={i}
            type="button"
            className={`dot${i === k ? ' current' : ''}${completed?.includes(i) ? ' complete' : ''}`}
            aria-current={i === k ? 'step' : undefined}
            aria-label={`step ${i + 1}: ${s.title}${completed?.includes(i) ? ' (done)' : ''}`}
            title={`${i + 1}. ${s.title}`}
            disabled={p.phase === 'preparing' && i === k}
            onClick={() => void store.getState().lessonGoTo(i)}
          >
            {completed?.includes(i) ? '✓' : i + 1}
          </button>
        ))}
      </nav>
      <div className="lesson-body" ref={bodyRef}>
        <h3>
          <span className="muted">
            {k + 1}/{lesson.steps.length}
          </span>{' '}
          {step.title}
        </h3>
        {p.phase === 'preparing' ? (
          <div className="preparing" role="status">
            <p>Setting up this step: a fresh cluster replays the lesson so far, so it starts exactly where the lesson says.</p>
            {p.prepared && p.prepared.totalMs > 0 && <progress max={p.prepared.totalMs} value={p.prepared.doneMs} aria-label="setting up the step" />}
          </div>
        ) : (
          <>
            {step.text.map((t, i) => (
              <p key={i}>
                <LessonText text={t} bindings={p.bindings} />
              </p>
            ))}
            <TermBox />
            {p.phase === 'failed' ? (
              <p className="lesson-status miss" role="alert">
                This step could not run: {p.error}
              </p>
            ) : (
              <StepBody step={step} />
            )}
            {p.error && p.phase !== 'failed' && <p className="lesson-status miss">{p.error}</p>}
          </>
        )}
      </div>
      <footer className="lesson-nav">
        <button type="button" disabled={k === 0 || busy} onClick={() => void store.getState().lessonBack()} aria-keyshortcuts="Shift+ArrowLeft">
          ← Back
        </button>
        <button type="button" disabled={p.phase === 'preparing'} onClick={() => void store.getState().lessonResetStep()} title="start this step again from its beginning">
          Reset step
        </button>
        {last ? (
          <button type="button" className={complete ? 'primary' : ''} onClick={() => store.getState().openLessonMenu(true)} disabled={busy}>
            Lessons ›
          </button>
        ) : (
          <button type="button" className={complete ? 'primary' : ''} disabled={busy} onClick={() => void store.getState().lessonNext()} data-testid="lesson-next" aria-keyshortcuts="Shift+ArrowRight">
            Next →
          </button>
        )}
      </footer>
    </section>
  );
}
