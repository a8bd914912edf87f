import { describe, expect, it } from 'vitest';
import { Playground } from '../runtime/playground.ts';
import { lessonFromRun } from './lessonFromRun.ts';
import { parseLesson } from './lessonFormat.ts';
import { LessonPlayer } from './lessonPlayer.ts';

describe('a run exported as a lesson', () => {
  it('is a valid lesson whose script repeats the run: the same console output, the same trace hash', async () => {
    const pg = Playground.inProcess({ paused: true, settings: { seed: 17 } });
    await pg.ready();
    await pg.runFor(2500);
    const consoleLog: { command: string; atMs: number; stdout: string }[] = [];
    const run = async (command: string): Promise<void> => {
      const rec = { command, atMs: pg.now(), stdout: '' };
      consoleLog.push(rec);
      const p = pg.etcdctl(command, { session: true });
      await pg.runFor(400);
      rec.stdout = (await p).stdout;
    };
    await run('put a 1');
    const lead = pg.leader()!.name;
    await pg.crash(lead);
    await pg.runFor(3000);
    await run('get a');
    await pg.restart(lead);
    await pg.runFor(1000);
    const source = lessonFromRun({ settings: pg.settings(), console: consoleLog, actions: pg.recordedActions(), endMs: pg.now() });
    const lesson = parseLesson(source);
    const kinds = (lesson.steps[0]! as { run: { do: string }[] }).run.map((a) => a.do).filter((d) => d !== 'wait');
    expect(kinds).toEqual(['etcdctl', 'crash', 'etcdctl', 'restart']);
    const hash = pg.traceHash();
    const outputs = consoleLog.map((c) => c.stdout);
    await pg.close();

    const pg2 = Playground.inProcess({ paused: true, settings: lesson.setup.settings });
    const replayed: { id: number; command: string; stdout: string; stderr: string; exitCode: number | null }[] = [];
    const player = new LessonPlayer(
      {
        api: pg2,
        reset: (s) => pg2.reset(s),
        async runEtcdctl(command) {
          const rec = { id: replayed.length + 1, command, stdout: '', stderr: '', exitCode: null as number | null };
          replayed.push(rec);
          const r = await pg2.etcdctl(command, { session: true });
          Object.assign(rec, r);
        },
        consoleEntries: () => replayed,
        stopConsole: () => undefined,
        frame: () => new Promise((r) => setTimeout(() => r(50), 0)),
      },
      lesson,
    );
    await pg2.ready();
    await player.goTo(0);
    await player.play();
    await player.settled();
    expect(replayed.map((r) => r.stdout)).toEqual(outputs);
    expect(pg2.traceHash()).toBe(hash);
    await pg2.close();
  });
});
