import { test } from '@playwright/test';
import { dragMemberTo, expect, leaderName, memberCentre, memberNames, openPlayground, pause, selectMember, shot, typeCommand } from './driver.ts';

// What a newcomer stumbled on, one test per finding.

test('MVCC tab: a store never compacted says so in words, and a compaction shows its revision', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=14');
  const leader = await leaderName(page);
  await selectMember(page, leader);
  await page.getByRole('tab', { name: 'MVCC' }).click();
  const facts = page.locator('dl.kv');
  await expect(facts).toContainText(/compacted at\s*never compacted/);
  await expect(facts).not.toContainText('-1');
  await page.evaluate(async () => {
    const api = window.etcdPlayground!;
    await api.etcdctl('put a 1');
    await api.etcdctl('put a 2');
    await api.etcdctl('put a 3');
    const rev = Number(/"Revision" : (\d+)/.exec((await api.etcdctl('get a -w fields')).stdout)?.[1] ?? '0');
    await api.etcdctl(`compaction ${rev - 1}`);
  });
  await expect(facts).toContainText(/compacted at\s*revision \d+/);
});

function leaseRow(page: import('@playwright/test').Page, id: string) {
  return page.getByTestId('lease-list').locator('li', { hasText: id });
}

/** The inspector's countdown for `id`, in seconds, and the virtual time it was read at. */
async function shownLeft(page: import('@playwright/test').Page, id: string): Promise<{ leftS: number; atMs: number }> {
  const text = await leaseRow(page, id).locator('.lease-head > span').nth(1).innerText();
  const atMs = await page.evaluate(() => window.etcdPlayground!.now());
  const m = /^([\d.]+) s of 20 s$/.exec(text.trim());
  if (!m) throw new Error(`lease ${id}: the inspector shows "${text}", not a countdown`);
  return { leftS: Number(m[1]), atMs };
}

/** What `lease timetolive` answers, in whole seconds, and the virtual time it answered at. */
async function timeToLive(page: import('@playwright/test').Page, id: string): Promise<{ ttlS: number; atMs: number }> {
  return page.evaluate(async (id) => {
    const api = window.etcdPlayground!;
    const out = (await api.etcdctl(`lease timetolive ${id}`)).stdout;
    const ttl = /remaining\((-?\d+)s\)/.exec(out);
    if (!ttl) throw new Error(`lease timetolive answered: ${out}`);
    return { ttlS: Number(ttl[1]), atMs: api.now() };
  }, id);
}

test('Leases tab: the countdown runs from the grant and matches lease timetolive, on the leader and on a follower', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=15');
  const leader = await leaderName(page);
  const id = await page.evaluate(async () => {
    const api = window.etcdPlayground!;
    api.setSpeed(0.25);
    const out = (await api.etcdctl('lease grant 20')).stdout;
    const id = /lease ([0-9a-f]+) granted/.exec(out)?.[1];
    if (!id) throw new Error(`lease grant answered: ${out}`);
    await api.etcdctl(`put held v --lease=${id}`);
    return id;
  });
  const follower = (await page.evaluate(() => window.etcdPlayground!.members().map((m) => m.name))).find((n) => n !== leader)!;
  for (const name of [leader, follower]) {
    await selectMember(page, name);
    await page.getByRole('tab', { name: 'Leases' }).click();
    const row = leaseRow(page, id);
    await expect(row).toContainText('keys: held');
    // The countdown moves: it is below the granted TTL and goes down as virtual time passes.
    await expect(row.locator('.lease-head > span').nth(1)).toHaveText(/^(1\d|[1-9])\.\d s of 20 s$/);
    const shown = await shownLeft(page, id);
    const asked = await timeToLive(page, id);
    // Both count the same expiry: what was shown, moved on to when etcdctl answered, truncated.
    const shownThen = shown.leftS - (asked.atMs - shown.atMs) / 1000;
    expect(Math.abs(shownThen - asked.ttlS), `${name}: shown ${shown.leftS} s at ${shown.atMs} ms, timetolive ${asked.ttlS} s at ${asked.atMs} ms`).toBeLessThanOrEqual(1.5);
    await expect.poll(async () => (await shownLeft(page, id)).leftS).toBeLessThan(shown.leftS);
    if (name === follower) {
      await expect(page.getByTestId('lease-counted-by')).toContainText(leader);
      await shot(page, 'lease-countdown-follower', true);
    }
  }
});

async function linkStates(page: import('@playwright/test').Page, name: string, others: string[]): Promise<string[]> {
  return page.evaluate(
    ({ name, others }) => others.flatMap((o) => [window.etcdPlayground!.linkState(name, o), window.etcdPlayground!.linkState(o, name)]),
    { name, others },
  );
}

for (const mode of ['running', 'paused', 'at 0.07x'] as const) {
  test(`drag to partition (${mode}): a member dragged a short way out of the ring is cut off; dragged back, it is healed`, async ({ page }) => {
    await openPlayground(page, 'members=3&seed=16');
    const names = await memberNames(page);
    // The top member, dragged sideways away from the ring: it stays level with its old place, but
    // it is plainly away from the other two.
    const ys = await Promise.all(names.map(async (n) => ({ n, ...(await memberCentre(page, n)) })));
    const top = ys.sort((a, b) => a.y - b.y)[0]!;
    const moved = top.n;
    const others = names.filter((n) => n !== moved);
    if (mode === 'paused') await pause(page);
    if (mode === 'at 0.07x') await page.evaluate(() => window.etcdPlayground!.setSpeed(0.07));
    // While held over open water, the page says what a drop there does, before it is done.
    await page.mouse.move(top.x, top.y);
    await page.mouse.down();
    await page.mouse.move(top.x + 8, top.y + 8, { steps: 3 });
    await page.mouse.move(top.x + 130, top.y, { steps: 12 });
    await expect(page.locator('.drop-hint')).toHaveText('drop here: new island');
    await page.mouse.up();
    await expect(page.locator('[data-island]')).toHaveCount(2);
    expect(await linkStates(page, moved, others)).toEqual(others.flatMap(() => ['cut-both', 'cut-both']));
    // The member is an island of its own, labelled so.
    const alone = page.locator('[data-island]').filter({ hasText: '1 member' });
    await expect(alone).toHaveCount(1);
    if (mode === 'running') await shot(page, 'drag-partition-short', true);
    // Back onto the ring, next to another member: one island, healthy links.
    const home = await memberCentre(page, others[0]!);
    await dragMemberTo(page, moved, { x: home.x + 20, y: home.y + 30 });
    await expect(page.locator('[data-island]')).toHaveCount(0);
    expect(await linkStates(page, moved, others)).toEqual(others.flatMap(() => ['healthy', 'healthy']));
  });
}

for (const speed of [0.07, 1] as const) {
  test(`member actions at ${speed}x: Crash and Restart from the inspector take effect at once`, async ({ page }) => {
    await openPlayground(page, 'members=3&seed=17');
    const leader = await leaderName(page);
    const follower = (await memberNames(page)).find((n) => n !== leader)!;
    await page.evaluate((s) => window.etcdPlayground!.setSpeed(s), speed);
    // With traffic going, as a newcomer has it: requests in flight when the member goes down.
    await page.getByRole('tab', { name: /Workload/ }).click();
    await page.getByTestId('wl-toggle').click();
    for (const name of [follower, leader]) {
      await selectMember(page, name);
      const before = await page.evaluate(() => window.etcdPlayground!.now());
      await page.getByTestId('inspector').getByRole('button', { name: /^Crash\b/ }).click();
      await expect(page.locator(`[data-member="${name}"]`)).toHaveAttribute('data-role', 'crashed');
      // At once in virtual time too: a crash does not wait for the world to run on.
      const at = await page.evaluate(() => window.etcdPlayground!.now());
      expect(at - before, `${name} crashed ${at - before} virtual ms after the click`).toBeLessThan(1000);
      await page.getByTestId('inspector').getByRole('button', { name: /^Restart\b/ }).click();
      await expect(page.locator(`[data-member="${name}"]`)).not.toHaveAttribute('data-role', 'crashed');
    }
  });
}

for (const speed of [0.07, 1] as const) {
  test(`paused at ${speed}x: the glyphs drawn are the messages inFlight() returns, and clicking one opens its card`, async ({ page }) => {
    await openPlayground(page, 'members=3&seed=18');
    await page.evaluate((s) => window.etcdPlayground!.setSpeed(s), speed);
    await page.getByRole('tab', { name: /Workload/ }).click();
    await page.getByTestId('wl-toggle').click();
    // Pause with the button, as a person does, when messages are on the wires. At 1x a message
    // lives a few ms, so it may land between seeing it and the click: then play and try again.
    for (let attempt = 0; attempt < 20; attempt++) {
      await page.waitForFunction(() => window.etcdPlayground!.inFlight().length >= 2, null, { timeout: 30_000 });
      await page.getByTestId('play-pause').click();
      await expect(page.getByTestId('play-pause')).toContainText('Play');
      if ((await page.evaluate(() => window.etcdPlayground!.inFlight().length)) > 0) break;
      await page.getByTestId('play-pause').click();
      await expect(page.getByTestId('play-pause')).toContainText('Pause');
    }
    const drawn = async () =>
      (await page.locator('[data-flight-id]:not([visibility="hidden"])').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-flight-id'))))).sort((a, b) => a - b);
    const listed = async () => (await page.evaluate(() => window.etcdPlayground!.inFlight().map((f) => f.id))).sort((a, b) => a - b);
    await expect.poll(drawn).toEqual(await listed());
    const ids = await listed();
    expect(ids.length, 'messages in flight while paused').toBeGreaterThan(0);
    // A real click where the glyph is drawn (no forcing: whatever is on top gets the click).
    const glyph = page.locator(`[data-flight-id="${ids[0]}"]`);
    const box = (await glyph.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect(page.getByTestId('flight-card')).toContainText(`#${ids[0]}`);
    await expect(page.getByTestId('drop-message')).toBeVisible();
    if (speed === 1) await shot(page, 'paused-message-card', true);
  });
}

test('1280x720: the console is one client, its tables keep their lines, and the panels resize', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=19');
  const commands = ['put a 1', 'get a', 'member list -w table', 'endpoint status -w table', 'endpoint health'];
  for (const c of commands) {
    await typeCommand(page, c);
    await expect(page.getByTestId('console-entry').last()).toHaveAttribute('data-exit', '0');
  }
  // One session: one client opened for all the commands, drawn as one box.
  const opened = await page.evaluate(() =>
    (window as unknown as { etcdPlaygroundTime: { recordedActions(): { type: string; client?: string }[] } }).etcdPlaygroundTime
      .recordedActions()
      .filter((a) => a.type === 'clientOpen')
      .map((a) => a.client),
  );
  expect(opened).toEqual(['console']);
  await expect(page.locator('[data-client]')).toHaveCount(1);
  await expect(page.locator('[data-client] text')).toHaveText('console');

  // A table is drawn one text line per line of output (it scrolls sideways instead of wrapping).
  for (const table of [2, 3]) {
    const pre = page.getByTestId('console-entry').nth(table).locator('pre').first();
    const { lines, rows } = await pre.evaluate((el) => {
      const lh = parseFloat(getComputedStyle(el).lineHeight);
      return { lines: el.textContent!.trimEnd().split('\n').length, rows: Math.round(el.getBoundingClientRect().height / lh) };
    });
    expect(rows, `${commands[table]}: ${lines} lines drawn as ${rows} rows`).toBeLessThanOrEqual(lines + 1);
  }
  // Healthy endpoints are etcdctl's stderr, but not an error: not marked as one.
  const health = page.getByTestId('console-entry').nth(4);
  await expect(health.locator('pre[data-stream="stderr"]')).toHaveCount(1);
  await expect(health.locator('[aria-label="error output"]')).toHaveCount(0);

  // Room to read: the console shows at least a dozen lines at 1280x720.
  const out = page.getByTestId('console-output');
  const before = (await out.boundingBox())!.height;
  expect(before, 'console output height at 1280x720').toBeGreaterThanOrEqual(12 * 12 * 1.45);

  // The inspector's progress table fits the side panel's width.
  await selectMember(page, await leaderName(page));
  const progress = page.locator('table.grid').first();
  const fits = await progress.evaluate((t) => t.getBoundingClientRect().right <= t.closest('.side-body')!.getBoundingClientRect().right + 1);
  expect(fits, 'progress table within the side panel').toBe(true);
  await shot(page, 'layout-1280', true);

  // Drag the bar above the console up: the console grows by as much, and keeps it after a reload.
  const bar = (await page.getByTestId('split-bottom').boundingBox())!;
  await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
  await page.mouse.down();
  await page.mouse.move(bar.x + bar.width / 2, bar.y - 100, { steps: 8 });
  await page.mouse.up();
  const grown = (await out.boundingBox())!.height;
  expect(Math.abs(grown - before - 100), `console ${before} px, then ${grown} px after a 100 px drag`).toBeLessThan(8);
  // The keyboard does the same, on the side panel's bar.
  const side = async () => (await page.locator('aside.side').boundingBox())!.width;
  const w0 = await side();
  await page.getByTestId('split-side').focus();
  await page.keyboard.press('ArrowLeft');
  expect(await side()).toBeCloseTo(w0 + 20, 0);
  await page.reload();
  await expect(page.locator('.app')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  expect(Math.abs((await out.boundingBox())!.height - grown)).toBeLessThan(4);
  expect(await side()).toBeCloseTo(w0 + 20, 0);
});

test('console traps: snapshot save on all members says to pick one; a downloaded snapshot can be opened again and restored', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=20');
  const entries = page.getByTestId('console-entry');
  await typeCommand(page, 'put a 1');
  await expect(entries.nth(0)).toHaveAttribute('data-exit', '0');
  // etcdctl's own refusal, unchanged, and the console's hint under it.
  await typeCommand(page, 'snapshot save s.db');
  await expect(entries.nth(1)).toContainText('snapshot must be requested to one selected node');
  await expect(entries.nth(1).getByTestId('console-tip')).toContainText('Pick one member in the endpoint menu');
  // As the hint says: one member as the endpoint, and the save works.
  await page.getByTestId('console-endpoint').selectOption('m1');
  await typeCommand(page, 'snapshot save s.db');
  await expect(entries.nth(2)).toContainText('Snapshot saved at s.db');
  const [download] = await Promise.all([page.waitForEvent('download'), entries.nth(2).getByTestId('console-download').click()]);
  const bytes = await (await import('node:fs/promises')).readFile((await download.path())!);
  // A missing file: the hint names the files the page has.
  await typeCommand(page, 'snapshot status other.db');
  await expect(entries.nth(3).getByTestId('console-tip')).toContainText('Files here: s.db.');
  // A file that is not a snapshot is refused and adds nothing.
  await page.getByTestId('console-open-snapshot').setInputFiles({ name: 'junk.db', mimeType: 'application/octet-stream', buffer: Buffer.from('not a snapshot at all') });
  await expect(page.locator('.notice.error')).toContainText('junk.db is not an etcd playground snapshot');
  await typeCommand(page, 'snapshot status junk.db');
  await expect(entries.nth(4)).toContainText('no such file or directory');
  // The downloaded file, opened under its own name, reads back and restores.
  await page.getByTestId('console-open-snapshot').setInputFiles({ name: 'from-disk.db', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(page.locator('.notice.info')).toContainText('opened from-disk.db');
  await typeCommand(page, 'snapshot status from-disk.db -w table');
  await expect(entries.nth(5)).toHaveAttribute('data-exit', '0');
  await expect(entries.nth(5)).toContainText('TOTAL KEYS');
  await shot(page, 'console-traps', true);
  // Restoring it boots a cluster from the file: the key written before the save is there.
  await typeCommand(page, 'snapshot restore from-disk.db');
  await expect(entries.nth(6)).toHaveAttribute('data-exit', '0', { timeout: 60_000 });
  await expect(page.locator('.app')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.waitForFunction(() => !!window.etcdPlayground!.leader(), null, { timeout: 60_000 });
  await page.getByTestId('console-endpoint').selectOption('');
  await typeCommand(page, 'get a');
  await expect(entries.last()).toHaveAttribute('data-exit', '0');
  await expect(entries.last().locator('pre.stdout')).toHaveText('a\n1\n');
});

test('1280x720: txn -i opens its editor with the help line whole, above the input, nothing clipped', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=22');
  await typeCommand(page, 'txn -i');
  const stdin = page.getByTestId('console-stdin');
  await expect(stdin).toBeVisible();
  const clipped = await page.locator('.console .stdin, .console .stdin label, .console-input').evaluateAll((els) =>
    els.filter((el) => el.scrollHeight > el.clientHeight + 1 || el.getBoundingClientRect().bottom > el.closest('.console')!.getBoundingClientRect().bottom + 1).map((el) => el.className || el.tagName),
  );
  expect(clipped, 'clipped parts of the txn editor').toEqual([]);
  // The help line ends above the editor (it was drawn under the textarea's top edge).
  // The editor has the focus: its focus ring is drawn outside it and must not cover the line.
  const ring = await stdin.evaluate((t) => {
    const cs = getComputedStyle(t);
    return cs.outlineStyle === 'none' ? 0 : parseFloat(cs.outlineWidth) + parseFloat(cs.outlineOffset);
  });
  const [label, area] = await Promise.all([page.locator('.console .stdin label').boundingBox(), stdin.boundingBox()]);
  const top = area!.y - Math.max(0, ring);
  expect(label!.y + label!.height, `help line ends at ${label!.y + label!.height}, the editor (with its focus ring) starts at ${top}`).toBeLessThanOrEqual(top + 0.5);
  await expect(page.locator('.console .stdin label')).toContainText('Esc');
  // The editor shows the whole example: its four rows.
  const rows = await stdin.evaluate((t) => Math.round(t.clientHeight / parseFloat(getComputedStyle(t).lineHeight)));
  expect(rows).toBeGreaterThanOrEqual(4);
  await shot(page, 'console-txn-editor');
});

test('Network tab: all links are described with the numbers the network uses, not "default ms"', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=23');
  await page.getByRole('tab', { name: 'Network' }).click();
  const now = page.locator('.side-body p', { hasText: 'now:' });
  await expect(now).toHaveText('now: latency 5 ms, + up to 5 ms jitter, nothing lost, in order (one way, virtual time)');
  await page.evaluate(() => window.etcdPlayground!.setLink({ latencyMs: 40, lossRate: 0.1 }));
  // The panel follows a change made through the API as well as through its own form.
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await page.getByRole('tab', { name: 'Network' }).click();
  await expect(now).toHaveText('now: latency 40 ms, + up to 5 ms jitter, 10.0% lost, in order (one way, virtual time)');
});
