/**
 * Page driver for the runtime specs: opens the bare runtime page (one Web Worker and one
 * IndexedDB database per member) and waits until the cluster is up.
 */
import { expect, type Page } from '@playwright/test';
import type {} from '../../src/runtime/bootstrap.ts';

export async function openRuntime(page: Page, query: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/runtime.html?${query}`);
  await page.waitForFunction(() => document.body.dataset.ready !== undefined, undefined, { timeout: 60_000 });
  const state = await page.evaluate(() => document.body.dataset.ready);
  expect(state, `${await page.textContent('#status')} ${errors.join('; ')}`).toBe('true');
}

/** Installs helpers on window (they run in the page, over window.etcdPlayground). */
export async function installHelpers(page: Page): Promise<void> {
  await page.evaluate(() => {
    const pg = window.etcdPlayground!;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const h = {
      async waitFor(pred: () => boolean, wallMs = 60_000): Promise<void> {
        const t0 = performance.now();
        while (!pred()) {
          if (performance.now() - t0 > wallMs) throw new Error('condition not reached in time');
          await sleep(5);
        }
      },
      /**
       * Waits for a leader that every live member has heard from (same term, same commit index):
       * before that, a follower still without a leader drops a proposal sent to it, as etcd does.
       */
      async waitLeader(): Promise<string> {
        await h.waitFor(() => {
          const l = pg.leader();
          if (!l) return false;
          // Every live member must also know who leads: a follower that voted but has not yet
          // heard from the new leader drops a proposal ("raft proposal dropped").
          return pg.members().filter((m) => m.alive).every((m) => m.term === l.term && m.lead === l.id && m.commitIndex === l.commitIndex);
        });
        return pg.leader()!.name;
      },
      /**
       * Waits until every member is up and has applied the same index under one leader, then
       * returns each member's KV hash at one common revision (a write still in the pipeline
       * cannot make them differ).
       */
      async convergedHashes(): Promise<number[]> {
        await h.waitFor(() => {
          const ms = pg.members();
          return ms.every((m) => m.alive) && pg.leader() !== undefined && new Set(ms.map((m) => m.appliedIndex)).size === 1;
        }, 120_000);
        const rev = Math.min(...pg.members().map((m) => m.revision));
        const out: number[] = [];
        for (const m of pg.members()) {
          const c = pg.client({ endpoints: [m.name] });
          try {
            out.push((await c.hashKV(rev, m.name)).hash);
          } finally {
            c.close();
          }
        }
        return out;
      },
      /** A serializable get on one member, retried until it shows `value` (followers apply a little later). */
      async valueOn(member: string, key: string, value: string): Promise<string | null> {
        const c = pg.client({ endpoints: [member] });
        try {
          let got: string | null = null;
          for (let i = 0; i < 200; i++) {
            const r = await c.range({ key, serializable: true });
            got = r.kvs[0]?.value ?? null;
            if (got === value) return got;
            await sleep(5);
          }
          return got;
        } finally {
          c.close();
        }
      },
    };
    (window as unknown as { h: typeof h }).h = h;
  });
}

export type Helpers = {
  convergedHashes(): Promise<number[]>;
  waitFor(pred: () => boolean, wallMs?: number): Promise<void>;
  waitLeader(): Promise<string>;
  valueOn(member: string, key: string, value: string): Promise<string | null>;
};
