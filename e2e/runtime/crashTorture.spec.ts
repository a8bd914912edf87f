import { expect, test } from '@playwright/test';
import { installHelpers, openRuntime, type Helpers } from './driver.ts';

declare const h: Helpers;

/** Worker terminations per run; more with CRASH_TORTURE_KILLS=2000. */
const kills = Number(process.env.CRASH_TORTURE_KILLS ?? 200);
const seed = Number(process.env.CRASH_TORTURE_SEED ?? 4242);
/** 'chaos' kills at any moment (also mid-step); 'between' only between steps. */
const mode = process.env.CRASH_TORTURE_MODE ?? 'chaos';

test(`crash torture: ${kills} worker terminations at random moments during writes lose no acknowledged write`, async ({ page }) => {
  test.setTimeout(Math.max(300_000, kills * 2_000));
  await openRuntime(page, `members=3&seed=${seed}&speed=max&requestTimeoutMs=3000`);
  await installHelpers(page);
  const r = await page.evaluate(
    async ({ kills, seed, mode }) => {
      const pg = window.etcdPlaygroundRuntime!.playground;
      // A small seeded generator for the chaos schedule (wall-clock moments stay random anyway).
      let s = seed >>> 0;
      const rand = () => {
        s = (s + 0x6d2b79f5) | 0;
        let t = Math.imul(s ^ (s >>> 15), 1 | s);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      await h.waitLeader();
      const acked = new Map<string, string>();
      let indeterminate = 0;
      let failed = 0;
      const errors: Record<string, number> = {};
      let stop = false;
      const writers = Array.from({ length: 8 }, (_, j) =>
        (async () => {
          const c = pg.client();
          for (let i = 0; !stop; i++) {
            const key = `w${j}/${String(i).padStart(6, '0')}`;
            try {
              await c.put({ key, value: `${j}:${i}` });
              acked.set(key, `${j}:${i}`);
            } catch (e) {
              if ((e as Error).name === 'IndeterminateError') indeterminate++;
              else failed++;
              const m = `${(e as Error).name}: ${(e as Error).message}`;
              errors[m] = (errors[m] ?? 0) + 1;
              await sleep(2);
            }
          }
          c.close();
        })(),
      );
      let inFlightKills = 0;
      let done = 0;
      const names = pg.members().map((m) => m.name);
      while (done < kills) {
        await sleep(rand() * 15);
        const victim = names[Math.floor(rand() * names.length)]!;
        if (mode === 'between') await pg.crash(victim);
        else if (await pg.killNow(victim)) inFlightKills++;
        done++;
        await sleep(rand() * 15);
        await pg.restart(victim);
      }
      stop = true;
      await Promise.all(writers);
      // Writes given up on by their clients may still be in the pipeline: let them land or fail.
      await pg.runFor(15_000);
      const hashes = await h.convergedHashes();
      // Every acknowledged write is there, with its value (a linearizable read of everything).
      const c = pg.client();
      const all = await c.range({ key: 'w', range_end: 'x' });
      c.close();
      const stored = new Map(all.kvs.map((kv) => [kv.key, kv.value]));
      const lost = [...acked].filter(([k, v]) => stored.get(k) !== v).map(([k]) => k);
      return {
        kills: done,
        inFlightKills,
        acked: acked.size,
        indeterminate,
        failed,
        errors,
        stored: stored.size,
        lost: lost.slice(0, 10),
        lostCount: lost.length,
        hashes,
        // Raft's safety properties, checked after every step of the whole run.
        invariants: pg.invariants(),
        terminated: window.etcdPlaygroundRuntime!.workers.terminated,
        live: window.etcdPlaygroundRuntime!.workers.live,
      };
    },
    { kills, seed, mode },
  );
  console.log(`crash torture (seed ${seed}; replay: CRASH_TORTURE_SEED=${seed} CRASH_TORTURE_KILLS=${kills}): ${JSON.stringify({ ...r, lost: undefined })}`);
  expect(r.kills).toBe(kills);
  expect(r.terminated).toBeGreaterThanOrEqual(kills);
  if (mode === 'chaos') expect(r.inFlightKills).toBeGreaterThan(0);
  expect(r.acked).toBeGreaterThan(0);
  expect(r.lostCount, `lost acknowledged writes, e.g. ${r.lost.join(', ')}`).toBe(0);
  expect(new Set(r.hashes).size).toBe(1);
  expect(r.invariants.violation).toBeNull();
  expect(r.invariants.checks).toBeGreaterThan(kills);
  expect(r.live).toBe(3);
});
