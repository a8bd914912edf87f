/**
 * Plays every lesson of the course on an in-process cluster (the same member code the page's
 * workers run) and checks it against the engine: each prediction's answer is what the cluster
 * did, each task's check fails at the step's start and passes after "Show me", and entering a
 * step directly lands on the trace hash that playing through reaches.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Playground } from '../runtime/playground.ts';
import { COURSE } from './course.ts';
import { LessonPlayer, type LessonHost } from './lessonPlayer.ts';
import type { ConsoleRecord } from './lessonChecks.ts';
import type { Lesson } from './lessonFormat.ts';

const open: Playground[] = [];
afterAll(async () => {
  for (const pg of open.splice(0)) await pg.close();
});

function nodeHost(lesson: Lesson): { host: LessonHost; entries: ConsoleRecord[] } {
  const pg = Playground.inProcess({ paused: true, settings: lesson.setup.settings });
  open.push(pg);
  const entries: ConsoleRecord[] = [];
  const running = new Set<AbortController>();
  let id = 0;
  const host: LessonHost = {
    api: pg,
    reset: (s) => pg.reset(s),
    async runEtcdctl(command, stdin) {
      const rec: ConsoleRecord = { id: ++id, command, stdout: '', stderr: '', exitCode: null };
      entries.push(rec);
      const ctl = new AbortController();
      running.add(ctl);
      const res = await pg.etcdctl(command, { session: true, stdin, signal: ctl.signal, onStream: (c) => Object.assign(rec, { stdout: rec.stdout + (c.stdout ?? ''), stderr: rec.stderr + (c.stderr ?? '') }) });
      running.delete(ctl);
      Object.assign(rec, { stdout: res.stdout, stderr: res.stderr, exitCode: res.exitCode });
    },
    consoleEntries: () => entries,
    stopConsole: () => {
      for (const c of running) c.abort();
    },
    frame: () => new Promise((r) => setTimeout(() => r(50), 0)),
  };
  return { host, entries };
}

describe.each(COURSE.map((l) => [l.id, l] as const))('lesson %s', (_id, lesson) => {
  it('plays through: answers match the cluster, tasks pass only once done, go-to-step lands on the same state', { timeout: 240_000 }, async () => {
    const { host, entries } = nodeHost(lesson);
    const player = new LessonPlayer(host, lesson);
    await host.api.ready();
    await player.goTo(0);
    const startHashes: string[] = [];
    for (let k = 0; k < lesson.steps.length; k++) {
      const s = lesson.steps[k]!;
      const st = player.state();
      expect(st.phase, `step ${k + 1} ${st.error}`).toBe('ready');
      expect(st.stepIndex).toBe(k);
      startHashes.push(st.startHash);
      if (s.kind === 'predict') {
        await player.choose(s.answer);
        await player.settled();
        const after = player.state();
        expect(after.phase, after.error).toBe('revealed');
        expect(await player.claimsHold(), `step ${k + 1} "${s.title}": its explanation's claims do not hold`).toBe(true);
        expect(after.outcome, `step ${k + 1} "${s.title}": the cluster did ${after.outcome || 'none of the choices'}, console: ${JSON.stringify(entries.slice(-3))}`).toBe(s.answer);
      } else if (s.kind === 'watch') {
        await player.play();
        await player.settled();
        expect(player.state().phase, player.state().error).toBe('revealed');
        expect(await player.claimsHold(), `step ${k + 1} "${s.title}": its text's claims do not hold; console: ${JSON.stringify(entries.slice(-4))}`).toBe(true);
      } else {
        expect(await player.taskHolds(), `step ${k + 1} "${s.title}" passes before the task was done`).toBe(false);
        await player.showMe();
        await player.settled();
        expect(player.state().phase, `step ${k + 1} "${s.title}" did not pass after Show me: ${player.state().error}`).toBe('done');
      }
      // Only a watch may go on running into the next step.
      for (const e of entries) if (!/\bwatch\b|\blease keep-alive\b/.test(e.command)) expect(e.exitCode, `${e.command} still running`).not.toBeNull();
      if (k + 1 < lesson.steps.length) await player.next();
    }
    for (let k = 1; k < lesson.steps.length; k++) {
      await player.goTo(k);
      expect(player.state().startHash, `go to step ${k + 1} vs play-through`).toBe(startHashes[k]);
    }
  });
});
