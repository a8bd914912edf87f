/**
 * The store's lesson slice: the course menu, the lesson being played (its player's progress
 * mirrored here), what the page points at, the glossary entry shown, and the learner's progress
 * kept in the browser. The player (src/lessons/lessonPlayer.ts) is the source of truth for a
 * step; this slice connects it to the page: the console runs its commands, the store's reset
 * clears the views when a step is rebuilt, and a task is checked a few times a second.
 */
import type { StoreApi } from 'zustand/vanilla';
import { COURSE, courseLesson } from '../lessons/course.ts';
import { LessonError, parseLessonText, type Lesson } from '../lessons/lessonFormat.ts';
import { LessonPlayer, type LessonHost, type LessonProgress } from '../lessons/lessonPlayer.ts';
import { resolveRef } from '../lessons/lessonChecks.ts';
import { fillText, plainText } from '../lessons/lessonText.ts';
import { lessonFromRun } from '../lessons/lessonFromRun.ts';
import type { Store } from './store.ts';

const PROGRESS_KEY = 'etcd-playground.lessons';
const WELCOME_KEY = 'etcd-playground.welcome-dismissed';

/** Per lesson: the steps completed (0-based) and the step last shown. */
export type CourseProgress = Record<string, { completed: number[]; last: number }>;

export interface LessonState {
  lessons: {
    menuOpen: boolean;
    /** Lessons loaded from a file or link this session, after the course's own. */
    imported: Lesson[];
    active: Lesson | null;
    progress: LessonProgress | null;
    /** Members the current step points at (resolved names). */
    pointed: string[];
    /** The step points at the console's last command. */
    pointConsole: boolean;
    /** The glossary entry open in the lesson panel ('' = none). */
    term: string;
    course: CourseProgress;
    /** The newcomer's offer of the course was dismissed (kept in the browser). */
    welcomeDismissed: boolean;
    presenter: boolean;
    glossaryOpen: boolean;
  };
}

export interface LessonActions {
  openLessonMenu(open: boolean): void;
  /** Opens a lesson at a step (from 0); a demo opened with `play` runs at once. */
  startLesson(id: string, step?: number, opts?: { play?: boolean }): Promise<void>;
  exitLesson(): void;
  lessonGoTo(step: number): Promise<void>;
  lessonNext(): Promise<void>;
  lessonBack(): Promise<void>;
  lessonResetStep(): Promise<void>;
  lessonChoose(choice: string): Promise<void>;
  lessonPlay(): Promise<void>;
  lessonShowMe(): Promise<void>;
  lessonHint(): void;
  showTerm(term: string): void;
  /** Checks a lesson file and adds it to the menu; a refused file is reported and changes nothing. */
  importLesson(text: string): boolean;
  dismissWelcome(): void;
  setPresenter(on: boolean): void;
  /** The run so far as a lesson file: a teacher's starting point. */
  exportRunAsLesson(): { name: string; text: string };
  openGlossary(open: boolean): void;
  /** Every lesson the menu offers: the course's, then the imported ones. */
  allLessons(): readonly Lesson[];
}

type Set = StoreApi<Store>['setState'];
type Get = StoreApi<Store>['getState'];

function readJson<T>(key: string, fallback: T): T {
  try {
    const raw = globalThis.localStorage?.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

function writeJson(key: string, v: unknown): void {
  try {
    globalThis.localStorage?.setItem(key, JSON.stringify(v));
  } catch {
    // Private mode or a full quota: progress is then kept for this session only.
  }
}

/** Stored progress, with anything malformed dropped. */
export function readCourseProgress(raw: unknown): CourseProgress {
  const out: CourseProgress = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [id, v] of Object.entries(raw as Record<string, unknown>)) {
    const p = v as { completed?: unknown; last?: unknown };
    if (!p || !Array.isArray(p.completed) || typeof p.last !== 'number') continue;
    out[id] = { completed: p.completed.filter((x): x is number => Number.isInteger(x) && x >= 0), last: Math.max(0, Math.floor(p.last)) };
  }
  return out;
}

function frame(): Promise<number> {
  const t0 = performance.now();
  return new Promise((r) => {
    if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) requestAnimationFrame(() => r(performance.now() - t0));
    else setTimeout(() => r(performance.now() - t0), 16);
  });
}

export function lessonSlice(set: Set, get: Get): LessonState & LessonActions {
  let player: LessonPlayer | null = null;
  let unsub: (() => void) | null = null;
  let poll: ReturnType<typeof setInterval> | null = null;

  const patch = (p: Partial<LessonState['lessons']>): void => set((s) => ({ lessons: { ...s.lessons, ...p } }));
  const failed = (label: string, e: unknown): void => get().notify(`${label}: ${e instanceof Error ? e.message : String(e)}`, 'error');

  const host = (): LessonHost => ({
    get api() {
      const a = get().api;
      if (!a) throw new Error('the cluster is not ready yet');
      return a;
    },
    async reset(settings) {
      get().clearConsole();
      await get().reset(settings);
      if (get().status !== 'ready') throw new Error('the cluster did not start');
    },
    runEtcdctl: (command, stdin) => get().runConsole(command, stdin, { endpoint: '' }),
    consoleEntries: () => get().consoleEntries,
    stopConsole: () => get().stopConsole(),
    frame,
    present: () => {
      if (get().travel.view.mode === 'past') get().present();
    },
  });

  const saveProgress = (p: LessonProgress): void => {
    const course = { ...get().lessons.course };
    const cur = course[p.lessonId] ?? { completed: [], last: 0 };
    const complete = p.phase === 'revealed' || p.phase === 'done';
    const completed = complete && !cur.completed.includes(p.stepIndex) ? [...cur.completed, p.stepIndex].sort((a, b) => a - b) : cur.completed;
    if (completed === cur.completed && cur.last === p.stepIndex) return;
    course[p.lessonId] = { completed, last: p.stepIndex };
    writeJson(PROGRESS_KEY, course);
    patch({ course });
  };

  /** What the step points at, and the inspector it opens, once it is shown. */
  const applyPointer = (p: LessonProgress): void => {
    const l = get().lessons.active;
    const s = l?.steps[p.stepIndex];
    if (!s || p.phase === 'preparing') {
      patch({ pointed: [], pointConsole: false });
      return;
    }
    const names: string[] = [];
    for (const r of s.point?.members ?? []) {
      try {
        names.push(resolveRef(r, p.bindings));
      } catch {
        // Not bound yet (a failed step): point at nothing rather than at the wrong member.
      }
    }
    patch({ pointed: names, pointConsole: !!s.point?.console });
    const insp = s.point?.inspector;
    if (insp && p.phase === 'ready') {
      try {
        get().select(resolveRef(insp.member, p.bindings));
        get().setInspectorTab(insp.tab);
      } catch {
        // As above.
      }
    }
  };

  const narrateStep = (p: LessonProgress, prev: LessonProgress | null): void => {
    const l = get().lessons.active;
    const s = l?.steps[p.stepIndex];
    if (!l || !s) return;
    if (p.phase === 'ready' && (prev?.phase !== 'ready' || prev.stepIndex !== p.stepIndex)) get().narrate(`${l.title}, step ${p.stepIndex + 1} of ${l.steps.length}: ${plainText(fillText(s.title, p.bindings))}`);
    if (p.phase === 'revealed' && prev?.phase !== 'revealed' && s.kind === 'predict') {
      const c = s.choices.find((x) => x.id === p.outcome);
      get().narrate(c ? `what happened: ${plainText(fillText(c.text, p.bindings))}` : 'what happened matches none of the choices');
    }
    if (p.phase === 'done' && prev?.phase !== 'done') get().narrate(`task done: ${plainText(fillText(s.kind === 'task' ? s.task : s.title, p.bindings))}`);
  };

  const stopPoll = (): void => {
    if (poll) clearInterval(poll);
    poll = null;
  };

  const follow = (p: LessonProgress, prev: LessonProgress | null): void => {
    patch({ progress: p });
    if (p.phase !== prev?.phase || p.stepIndex !== prev?.stepIndex) {
      applyPointer(p);
      narrateStep(p, prev);
      if (p.phase !== 'preparing' && p.phase !== 'failed') saveProgress(p);
    }
    const s = get().lessons.active?.steps[p.stepIndex];
    // A task is checked on the cluster as the learner works, a few times a second.
    if (s?.kind === 'task' && p.phase === 'ready') {
      if (!poll) poll = setInterval(() => void player?.checkTask().catch(() => undefined), 250);
    } else stopPoll();
  };

  const run = async (label: string, f: (pl: LessonPlayer) => Promise<void>): Promise<void> => {
    if (!player) return;
    try {
      await f(player);
    } catch (e) {
      failed(label, e);
    }
  };

  return {
    lessons: {
      menuOpen: false,
      imported: [],
      active: null,
      progress: null,
      pointed: [],
      pointConsole: false,
      term: '',
      course: readCourseProgress(readJson(PROGRESS_KEY, {})),
      welcomeDismissed: readJson<unknown>(WELCOME_KEY, false) === true,
      presenter: false,
      glossaryOpen: false,
    },
    allLessons: () => [...COURSE, ...get().lessons.imported],
    openLessonMenu(open) {
      patch({ menuOpen: open });
    },
    async startLesson(id, step, opts) {
      const lesson = courseLesson(id) ?? get().lessons.imported.find((l) => l.id === id);
      if (!lesson) {
        get().notify(`there is no lesson "${id}"`, 'error');
        return;
      }
      if (get().workload.running) get().stopWorkload();
      player?.stop();
      unsub?.();
      stopPoll();
      const pl = new LessonPlayer(host(), lesson);
      player = pl;
      let prev: LessonProgress | null = null;
      unsub = pl.onChange((p) => {
        if (player !== pl) return;
        follow(p, prev);
        prev = p;
      });
      patch({ active: lesson, progress: pl.state(), menuOpen: false, term: '', welcomeDismissed: true });
      writeJson(WELCOME_KEY, true);
      const k = Math.min(Math.max(0, step ?? 0), lesson.steps.length - 1);
      await run('the lesson could not start', (p) => p.goTo(k));
      if (opts?.play && player === pl && pl.state().phase === 'ready' && pl.step().kind === 'watch') await run('the demo could not play', (p) => p.play());
    },
    exitLesson() {
      player?.stop();
      unsub?.();
      unsub = null;
      stopPoll();
      player = null;
      patch({ active: null, progress: null, pointed: [], pointConsole: false, term: '' });
    },
    lessonGoTo: (step) => run('going to that step failed', (p) => p.goTo(step)),
    lessonNext: () => run('the next step could not start', (p) => p.next()),
    lessonBack: () => run('the step before could not start', (p) => p.back()),
    lessonResetStep: () => run('resetting the step failed', (p) => p.resetStep()),
    lessonChoose: (choice) => run('the reveal failed', (p) => p.choose(choice)),
    lessonPlay: () => run('playing the step failed', (p) => p.play()),
    lessonShowMe: () => run('"show me" failed', (p) => p.showMe()),
    lessonHint() {
      player?.hint();
    },
    showTerm(term) {
      patch({ term: get().lessons.term === term ? '' : term });
    },
    importLesson(text) {
      let lesson: Lesson;
      try {
        lesson = parseLessonText(text);
      } catch (e) {
        get().notify(`this lesson file was not loaded: ${e instanceof LessonError ? e.message : String(e)}`, 'error');
        return false;
      }
      if (courseLesson(lesson.id)) {
        get().notify(`this lesson file was not loaded: lesson.id "${lesson.id}" is a lesson of the course; give it another id`, 'error');
        return false;
      }
      patch({ imported: [...get().lessons.imported.filter((l) => l.id !== lesson.id), lesson] });
      get().notify(`lesson "${lesson.title}" loaded: it is in the lessons menu`);
      return true;
    },
    dismissWelcome() {
      writeJson(WELCOME_KEY, true);
      patch({ welcomeDismissed: true });
    },
    exportRunAsLesson() {
      const m = get().travel.machine;
      const a = get().api;
      if (!m || !a) throw new Error('the cluster is not ready yet');
      const source = lessonFromRun({ settings: a.settings(), console: get().consoleEntries, actions: m.recordedActions(), endMs: a.now() });
      return { name: `${source.id}.json`, text: `${JSON.stringify(source, null, 2)}\n` };
    },
    openGlossary(open) {
      patch({ glossaryOpen: open, ...(open ? { menuOpen: false } : {}) });
    },
    setPresenter(on) {
      patch({ presenter: on });
      get().setProjector(on);
    },
  };
}
