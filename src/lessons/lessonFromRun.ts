/**
 * "Export this run as a lesson": a starting point for a teacher, written from what happened in
 * the playground. The console's commands and the operator's actions (crash, restart, partition,
 * heal, cuts, disks, latency, campaigns) become one watch step's script at the same virtual
 * times, after a setup with the run's settings. The text is left for the teacher to write.
 * Client calls from the workload panel or scripts are not console commands and are left out.
 */
import type { ClusterSettings } from '../runtime/playgroundApi.ts';
import type { RecordedAction } from '../runtime/worldActions.ts';
import { LESSON_FORMAT, LESSON_VERSION, MAX_SCRIPT_MS, type LessonAction, type LessonSource } from './lessonFormat.ts';

export interface RunForLesson {
  settings: ClusterSettings;
  /** Console commands with the virtual time they ran at. */
  console: readonly { command: string; atMs?: number }[];
  actions: readonly RecordedAction[];
  endMs: number;
}

function lessonAction(a: RecordedAction): LessonAction | null {
  switch (a.type) {
    case 'crash':
    case 'kill':
      return { do: 'crash', member: a.member };
    case 'restart':
      return { do: 'restart', member: a.member };
    case 'campaign':
      return { do: 'campaign', member: a.member };
    case 'partition':
      return { do: 'partition', groups: a.groups };
    case 'heal':
      return { do: 'heal' };
    case 'cut':
      return { do: 'cut', from: a.from, to: a.to, ...(a.oneWay ? { oneWay: true } : {}) };
    case 'setDisk':
      return { do: 'setDisk', member: a.member, fsyncMs: a.fsyncMs };
    case 'setClock':
      return { do: 'setClock', member: a.member, rate: a.rate };
    case 'setLink':
      return a.from === undefined && a.link.latencyMs !== undefined ? { do: 'setLatency', latencyMs: a.link.latencyMs } : null;
    default:
      return null;
  }
}

export function lessonFromRun(run: RunForLesson): LessonSource {
  const timed: { atMs: number; action: LessonAction }[] = [];
  for (const a of run.actions) {
    const la = lessonAction(a);
    if (la) timed.push({ atMs: a.atMs, action: la });
  }
  for (const c of run.console) {
    const command = c.command.trim().replace(/^etcdctl\s+/, '');
    // txn -i reads an editor's text the console does not keep: the teacher adds it as stdin.
    if (command && c.atMs !== undefined) timed.push({ atMs: c.atMs, action: { do: 'etcdctl', command } });
  }
  timed.sort((x, y) => x.atMs - y.atMs);
  const firstMs = Math.max(1, Math.min(timed[0]?.atMs ?? run.endMs, MAX_SCRIPT_MS));
  const script: LessonAction[] = [];
  let now = firstMs;
  for (const t of timed) {
    if (t.atMs > now) {
      script.push({ do: 'wait', ms: t.atMs - now });
      now = t.atMs;
    }
    script.push(t.action);
  }
  if (run.endMs > now) script.push({ do: 'wait', ms: Math.max(1, run.endMs - now) });
  // A script longer than a lesson allows keeps its start; the teacher splits it into steps.
  let total = 0;
  const bounded = script.filter((a) => {
    if (a.do !== 'wait') return total <= MAX_SCRIPT_MS;
    if (total + a.ms > MAX_SCRIPT_MS) return false;
    total += a.ms;
    return true;
  });
  return {
    format: LESSON_FORMAT,
    version: LESSON_VERSION,
    id: `my-lesson-seed${run.settings.seed}`,
    title: 'My lesson',
    concepts: ['write the concepts here'],
    goal: 'Write in one sentence what the learner will see.',
    setup: { settings: { ...run.settings }, run: [{ do: 'wait', ms: firstMs }] },
    steps: [
      {
        kind: 'watch',
        title: 'What happened',
        text: ['Describe what the cluster does in this step, in short sentences. Split the script into steps, and turn a moment into a prediction or a task.'],
        run: bounded,
      },
    ],
  };
}
