/**
 * A page driver for the playground's UI specs: open the built page with a scenario, reach the
 * runtime's scripting API, and save screenshots where the report expects them.
 */
import { expect as baseExpect, type Page } from '@playwright/test';
import type { PlaygroundApi } from '../../src/runtime/playgroundApi.ts';

declare global {
  interface Window {
    etcdPlayground?: PlaygroundApi;
  }
}

export const SHOTS = 'test-results/screenshots';

/** The UI follows the runtime within frames, but CI machines are busy: allow for slow frames. */
export const expect = baseExpect.configure({ timeout: 20_000 });

/** Opens the page with `query` (e.g. "members=5&seed=42") and waits for a leader. */
export async function openPlayground(page: Page, query = 'members=5&seed=42'): Promise<void> {
  await page.goto(`/?${query}`);
  // The UI says ready once the runtime's ready() resolved and the store is connected.
  await expect(page.locator('.app')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.waitForFunction(() => !!window.etcdPlayground!.leader(), null, { timeout: 60_000 });
  await expect(page.getByTestId('summary')).toContainText('leader');
}

export async function leaderName(page: Page): Promise<string> {
  await page.waitForFunction(() => !!window.etcdPlayground?.leader(), null, { timeout: 60_000 });
  return page.evaluate(() => window.etcdPlayground!.leader()!.name);
}

export async function memberNames(page: Page): Promise<string[]> {
  return page.evaluate(() => window.etcdPlayground!.members().filter((m) => m.role !== 'removed').map((m) => m.name));
}

/** Saves a screenshot at the current size (1280x720 by default), and at 1920x1080 too when `big`. */
export async function shot(page: Page, name: string, big = false): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
  if (big) {
    const vp = page.viewportSize()!;
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}/${name}-1080.png` });
    await page.setViewportSize(vp);
  }
}

/** The centre of a member's node on screen. */
export async function memberCentre(page: Page, name: string): Promise<{ x: number; y: number }> {
  // After a viewport change or an island re-layout the node is re-placed (and may be briefly
  // detached), so aim only once it is visible and has stopped moving, as a hand would.
  const node = page.locator(`[data-member="${name}"] .node-body`).first();
  let last: { x: number; y: number } | null = null;
  for (let i = 0; i < 100; i++) {
    await node.waitFor({ state: 'visible' });
    const box = await node.boundingBox();
    if (box) {
      const c = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      if (last && Math.abs(last.x - c.x) < 0.5 && Math.abs(last.y - c.y) < 0.5) return c;
      last = c;
    }
    await page.waitForTimeout(50);
  }
  throw new Error(`member ${name}: its node never settled on screen`);
}

/** Drags a member with the mouse to a point on screen, in small steps as a hand would. */
export async function dragMemberTo(page: Page, name: string, to: { x: number; y: number }): Promise<void> {
  const from = await memberCentre(page, name);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 8, from.y + 8, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

/** A point at fraction t along a link's drawn line, on screen. */
export async function pointOnLink(page: Page, a: string, b: string, t = 0.5): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ({ a, b, t }) => {
      const line = document.querySelector<SVGLineElement>(`[data-link="${a}|${b}"] .link-line`)!;
      const m = line.getScreenCTM()!;
      const x = line.x1.baseVal.value + (line.x2.baseVal.value - line.x1.baseVal.value) * t;
      const y = line.y1.baseVal.value + (line.y2.baseVal.value - line.y1.baseVal.value) * t;
      return { x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f };
    },
    { a, b, t },
  );
}

/** Pauses the clock through the page's API (the UI follows within a frame). */
export async function pause(page: Page): Promise<void> {
  await page.evaluate(() => window.etcdPlayground!.pause());
  await expect(page.getByTestId('play-pause')).toContainText('Play');
}

export async function resume(page: Page): Promise<void> {
  await page.evaluate(() => window.etcdPlayground!.resume());
  await expect(page.getByTestId('play-pause')).toContainText('Pause');
}

/** Selects a member by clicking its node. */
export async function selectMember(page: Page, name: string): Promise<void> {
  const c = await memberCentre(page, name);
  await page.mouse.click(c.x, c.y);
  await expect(page.getByTestId('inspector')).toContainText(name);
}

/** Runs a console command by typing it and pressing Enter. */
export async function typeCommand(page: Page, line: string): Promise<void> {
  const input = page.getByTestId('console-input');
  await input.fill(line);
  await input.press('Enter');
}
