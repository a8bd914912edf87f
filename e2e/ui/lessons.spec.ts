/**
 * The course in the built page: a newcomer is offered it; every lesson plays from its first step
 * to its last with predictions answered and tasks done through the page (clicks and the
 * console, not the player's "Show me"); each task passes only once done; each reveal is what the
 * workers' cluster did; going to a step directly lands on the trace hash playing through
 * reached; a malformed lesson file is refused and a good one is added to the menu.
 */
import { test, type Page } from '@playwright/test';
import { expect, openPlayground, selectMember, shot, typeCommand } from './driver.ts';
import { COURSE_SOURCES as COURSE } from '../../src/lessons/course/index.ts';
import type { LessonSource as Lesson } from '../../src/lessons/lessonFormat.ts';

const lessonPanel = (page: Page) => page.getByTestId('lesson');

async function waitStep(page: Page, k: number, phase: string): Promise<void> {
  await expect(lessonPanel(page)).toHaveAttribute('data-step', String(k + 1), { timeout: 90_000 });
  await expect(lessonPanel(page)).toHaveAttribute('data-phase', phase, { timeout: 90_000 });
}

async function bindings(page: Page): Promise<Record<string, string>> {
  return JSON.parse((await lessonPanel(page).getAttribute('data-bindings')) ?? '{}') as Record<string, string>;
}

/** Opens a member's inspector by clicking it, unless it is open already (a second click closes it). */
async function inspect(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name: 'Inspector' }).click();
  const insp = page.getByTestId('inspector');
  const open = (await insp.count()) > 0 ? await insp.locator('h2').textContent() : '';
  if (!open?.startsWith(`${name} `)) await selectMember(page, name);
}

/** How a learner does each task of the course by hand: what they click or type. */
const doTask: Record<string, (page: Page, b: Record<string, string>) => Promise<void>> = {
  'leader-election/3': async (page, b) => {
    await inspect(page, b.lead!);
    await page.getByRole('toolbar', { name: `actions for ${b.lead}` }).getByRole('button', { name: /^Restart/ }).click();
  },
  'leader-election/5': async (page, b) => {
    await inspect(page, b.pick!);
    await page.getByRole('toolbar', { name: `actions for ${b.pick}` }).getByRole('button', { name: /^Transfer leadership here/ }).click();
  },
  'quorum/4': async (page, b) => {
    await inspect(page, b.g!);
    await page.getByRole('toolbar', { name: `actions for ${b.g}` }).getByRole('button', { name: /^Restart/ }).click();
  },
  'log-replication/3': async (page) => {
    await page.getByRole('tab', { name: 'Network' }).click();
    await page.getByTestId('preset-heal').click();
  },
  'mvcc-revisions/3': async (page) => {
    await typeCommand(page, 'get fruit --rev=3');
  },
  'txn/4': async (page) => {
    await typeCommand(page, 'txn -i');
    await page.getByTestId('console-stdin').fill('value("counter") = "2"\n\nput counter 3\n\n');
    await page.getByTestId('console-stdin').press('Control+Enter');
  },
  'watch/5': async (page) => {
    await page.getByTestId('console-stop').first().click();
  },
  'leases/4': async (page) => {
    // The keep-alive's own Stop: an earlier lesson's command may still be running above it.
    await page.getByTestId('console-entry').filter({ hasText: 'etcdctl lease keep-alive' }).last().getByTestId('console-stop').click();
  },
  'compaction/5': async (page) => {
    await typeCommand(page, 'compact 4');
  },
  'reads/4': async (page, b) => {
    await page.getByRole('tab', { name: 'Network' }).click();
    await page.getByTestId('preset-heal').click();
    await typeCommand(page, `--endpoints=${b.f}:2379 get x`);
  },
  'split-brain/4': async (page, b) => {
    await typeCommand(page, `--endpoints=${b.b}:2379 put x 2`);
  },
  'etcdctl-health/4': async (page) => {
    await typeCommand(page, 'member list -w table');
  },
};

async function playLesson(page: Page, lesson: Lesson): Promise<string[]> {
  const hashes: string[] = [];
  const shots = new Set([0, Math.floor(lesson.steps.length / 2), lesson.steps.length - 1]);
  if (lesson.demo) {
    // A demo plays as soon as it opens from the menu.
    await waitStep(page, 0, 'revealed');
    hashes.push((await lessonPanel(page).getAttribute('data-start-hash')) ?? '');
    await shot(page, `lesson-${lesson.id}`, true);
    return hashes;
  }
  for (let k = 0; k < lesson.steps.length; k++) {
    const s = lesson.steps[k]!;
    await waitStep(page, k, 'ready');
    hashes.push((await lessonPanel(page).getAttribute('data-start-hash')) ?? '');
    if (s.kind === 'predict') {
      // Answer with the lesson's expected choice on even steps and a wrong one on odd steps: the
      // reveal must show what the cluster did either way.
      const wrong = s.choices.find((c) => c.id !== s.answer)!.id;
      const pick = k % 2 === 0 ? s.answer : wrong;
      await lessonPanel(page).locator(`[data-choice="${pick}"]`).click();
      await waitStep(page, k, 'revealed');
      await expect(page.getByTestId('lesson-reveal'), `${lesson.id} step ${k + 1}: the cluster did what the lesson says`).toHaveAttribute('data-outcome', s.answer);
      await expect(page.getByTestId('lesson-reveal')).toContainText(pick === s.answer ? 'You predicted it' : `You said ${pick.toUpperCase()}`);
    } else if (s.kind === 'watch') {
      await page.getByTestId('lesson-play').click();
      await waitStep(page, k, 'revealed');
    } else {
      const doer = doTask[`${lesson.id}/${k + 1}`];
      expect(doer, `the spec knows how to do task ${lesson.id}/${k + 1} by hand`).toBeTruthy();
      await expect(page.getByTestId('lesson-task-status')).toHaveAttribute('data-done', 'false');
      // Before the learner acts, the check must not pass, even with the clock running.
      await page.waitForTimeout(600);
      await expect(page.getByTestId('lesson-task-status')).toHaveAttribute('data-done', 'false');
      await doer!(page, await bindings(page));
      await expect(page.getByTestId('lesson-task-status')).toHaveAttribute('data-done', 'true', { timeout: 30_000 });
      await expect(page.getByTestId('lesson-task-status')).toContainText('Well done');
    }
    if (shots.has(k)) await shot(page, `lesson-${lesson.id}-step${k + 1}`, true);
    if (k + 1 < lesson.steps.length) await page.getByTestId('lesson-next').click();
  }
  return hashes;
}

test.describe('lessons', () => {
  test('a newcomer is offered the course, and every lesson plays through on the real cluster; going to a step equals playing to it', async ({ page }) => {
    test.setTimeout(900_000);
    await openPlayground(page, 'members=3&seed=1');
    await expect(page.getByTestId('course-offer')).toBeVisible();
    await shot(page, 'lesson-offer');
    for (const [i, lesson] of COURSE.entries()) {
      if (i === 0) {
        await page.getByRole('button', { name: 'Start the first lesson' }).click();
      } else {
        await page.getByRole('button', { name: 'Lessons', exact: true }).first().click();
        await page.getByTestId(`start-${lesson.id}`).click();
      }
      await expect(lessonPanel(page)).toHaveAttribute('data-lesson', lesson.id);
      const hashes = await playLesson(page, lesson);
      for (let k = 1; k < lesson.steps.length; k++) {
        await lessonPanel(page).getByRole('button', { name: new RegExp(`^step ${k + 1}:`) }).click();
        await waitStep(page, k, 'ready');
        await expect(lessonPanel(page), `${lesson.id}: go to step ${k + 1} lands where playing through did`).toHaveAttribute('data-start-hash', hashes[k]!);
      }
      // The menu marks the lesson complete.
      await page.getByRole('button', { name: 'Lessons', exact: true }).first().click();
      await expect(page.locator(`[data-lesson="${lesson.id}"] .mark`)).toHaveText(lesson.demo ? ' ✓' : '✓ done');
      if (i === COURSE.length - 1) await shot(page, 'lesson-menu');
      await page.getByRole('button', { name: 'close the lessons' }).click();
    }
  });

  test('a glossary link opens its definition, the caption shows the narration, and a step link enters that step', async ({ page }) => {
    await page.goto('/?lesson=leader-election&step=2');
    await expect(lessonPanel(page)).toHaveAttribute('data-lesson', 'leader-election', { timeout: 60_000 });
    await waitStep(page, 1, 'ready');
    await expect(page.getByTestId('caption')).toContainText('step 2 of 6');
    await lessonPanel(page).getByRole('button', { name: 'election timeout' }).click();
    await expect(page.getByTestId('term-box')).toContainText('How long a follower waits');
    await shot(page, 'lesson-term');
  });

  test('a malformed lesson file is refused with its problem named, and a good one joins the menu', async ({ page }) => {
    await openPlayground(page, 'members=3&seed=1');
    await page.getByRole('button', { name: 'Lessons', exact: true }).first().click();
    const bad = { format: 'etcd-playground-lesson', version: 1, ...COURSE[0]!, id: 'mine', steps: [{ ...COURSE[0]!.steps[0]!, kind: 'quiz' }] };
    await page.getByTestId('lesson-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await expect(page.locator('.notice.error')).toContainText('lesson.steps[0].kind: expected "watch", "predict" or "task", got "quiz"');
    await expect(page.locator('[data-lesson="mine"]')).toHaveCount(0);
    const good = { format: 'etcd-playground-lesson', version: 1, ...COURSE[0]!, id: 'mine', title: 'My own election lesson' };
    await page.getByTestId('lesson-file').setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) });
    await expect(page.locator('[data-lesson="mine"]')).toContainText('My own election lesson');
    // The run so far, exported as a lesson, is a file the menu takes back.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export this run as a lesson' }).click()]);
    const exported = JSON.parse(await (await import('node:fs/promises')).readFile((await dl.path())!, 'utf8')) as { id: string; steps: unknown[] };
    expect(exported.steps).toHaveLength(1);
    await page.getByTestId('lesson-file').setInputFiles({ name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
    await expect(page.locator(`[data-lesson="${exported.id}"]`)).toContainText('My lesson');
  });
});
