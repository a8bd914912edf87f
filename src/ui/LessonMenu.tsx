/**
 * The lessons menu: every lesson with its goal, its concepts and how far the learner got, the
 * lessons still to come, and loading a lesson file. A modal dialog; Escape or the backdrop closes it.
 */
import { useRef } from 'react';
import { usePlayground, useStoreApi } from './hooks.ts';
import { plainText } from '../lessons/lessonText.ts';
import { download } from './exportImage.ts';

/** Lessons the menu names before they exist, so the course's shape is visible. */
const COMING = ['Kubernetes on etcd: the apiserver, the registry keys, and a write that is "done"', 'Six members in three regions: a 4-of-6 quorum under a region outage'];

export function LessonMenu() {
  const store = useStoreApi();
  const open = usePlayground((s) => s.lessons.menuOpen);
  const course = usePlayground((s) => s.lessons.course);
  const imported = usePlayground((s) => s.lessons.imported);
  const active = usePlayground((s) => s.lessons.active?.id);
  const fileRef = useRef<HTMLInputElement>(null);
  if (!open) return null;
  const all = store.getState().allLessons();
  const lessons = all.filter((l) => !l.demo);
  const demos = all.filter((l) => l.demo);
  const close = (): void => store.getState().openLessonMenu(false);
  return (
    <div className="help-backdrop" onClick={close} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <section className="help lesson-menu" role="dialog" aria-modal="true" aria-label="lessons" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2>Lessons</h2>
          <button type="button" className="icon" onClick={close} aria-label="close the lessons" autoFocus>
            ✕
          </button>
        </header>
        <p className="muted">Each lesson runs on the real cluster on this page. You predict what it will do, then watch it happen, then try things yourself.</p>
        <ol className="lesson-list">
          {lessons.map((l, i) => {
            const done = course[l.id]?.completed.length ?? 0;
            const finished = done >= l.steps.length;
            const resume = course[l.id]?.last ?? 0;
            return (
              <li key={l.id} data-lesson={l.id}>
                <div className="lesson-item-head">
                  <strong>
                    {i + 1}. {l.title}
                  </strong>
                  <span className={`mark${finished ? ' complete' : ''}`} aria-label={finished ? 'completed' : `${done} of ${l.steps.length} steps done`}>
                    {finished ? '✓ done' : `${done}/${l.steps.length}`}
                  </span>
                </div>
                <p>{plainText(l.goal)}</p>
                <p className="concepts">{l.concepts.map((c) => <span key={c}>{c}</span>)}</p>
                <div className="lesson-buttons">
                  <button type="button" className={i === 0 && done === 0 ? 'primary' : ''} onClick={() => void store.getState().startLesson(l.id, 0)} data-testid={`start-${l.id}`}>
                    {active === l.id ? 'Restart' : done > 0 ? 'Start again' : 'Start'}
                  </button>
                  {done > 0 && !finished && resume > 0 && (
                    <button type="button" className="primary" onClick={() => void store.getState().startLesson(l.id, resume)}>
                      Continue at step {resume + 1}
                    </button>
                  )}
                  {imported.some((x) => x.id === l.id) && <span className="muted">loaded from a file</span>}
                </div>
              </li>
            );
          })}
          {COMING.map((t) => (
            <li key={t} className="coming" aria-disabled="true">
              <strong>{t}</strong>
              <p className="muted">Coming with the Kubernetes and multi-region rooms.</p>
            </li>
          ))}
        </ol>
        <h3>Classic demos</h3>
        <p className="muted">One click: a fresh cluster plays one classic event while you watch.</p>
        <ul className="demo-list">
          {demos.map((d) => (
            <li key={d.id} data-lesson={d.id}>
              <button type="button" onClick={() => void store.getState().startLesson(d.id, 0, { play: true })} data-testid={`start-${d.id}`} title={plainText(d.goal)}>
                ▶ {d.title.replace(/^Demo: /, '')}
              </button>
              {(course[d.id]?.completed.length ?? 0) > 0 && <span className="mark complete" aria-label="watched"> ✓</span>}
            </li>
          ))}
        </ul>
        <footer className="lesson-buttons">
          <button type="button" onClick={() => fileRef.current?.click()}>
            Load a lesson file…
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".json,application/json"
            hidden
            data-testid="lesson-file"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) store.getState().importLesson(await f.text());
            }}
          />
          <button
            type="button"
            title="the console's commands and your actions so far, as a lesson file to edit"
            onClick={() => {
              try {
                const f = store.getState().exportRunAsLesson();
                download(f.name, f.text);
              } catch (e) {
                store.getState().notify(`export failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
              }
            }}
          >
            Export this run as a lesson
          </button>
          <button type="button" onClick={() => store.getState().openGlossary(true)}>
            Glossary
          </button>
          <span className="muted">The lesson format is in the README ("Writing a lesson").</span>
        </footer>
      </section>
    </div>
  );
}
