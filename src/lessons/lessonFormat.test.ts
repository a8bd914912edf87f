import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LessonError, parseLesson, parseLessonText, serializeLesson, type LessonSource } from './lessonFormat.ts';
import { COURSE } from './course.ts';

const good = (): LessonSource & Record<string, unknown> => ({
  format: 'etcd-playground-lesson',
  version: 1,
  id: 'tiny',
  title: 'Tiny',
  concepts: ['leader'],
  goal: 'Find the [[leader]].',
  setup: { settings: { members: 3, seed: 3 }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    { kind: 'watch', title: 'Look', bind: { lead: 'leader' }, text: ['{lead} leads.'], run: [{ do: 'wait', ms: 100 }] },
    {
      kind: 'task',
      title: 'Crash it',
      text: ['Go on.'],
      task: 'Crash {lead}.',
      check: { is: 'crashed', member: '$lead' },
      hints: ['Press Crash.'],
      showMe: [{ do: 'crash', member: '$lead' }],
    },
  ],
});

/** A good lesson with one change made by `edit`. */
function broken(edit: (l: any) => void): string {
  const l = good();
  edit(l);
  return JSON.stringify(l);
}

describe('lesson files', () => {
  it('a good lesson parses, and writing it out reads back the same', () => {
    const l = parseLessonText(JSON.stringify(good()));
    expect(l.steps).toHaveLength(2);
    expect(l.setup.settings.electionTicks).toBe(10);
    expect(parseLessonText(serializeLesson(l))).toEqual(l);
  });

  it("the README's example lesson is a valid lesson file", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Lessons'));
    const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    expect(json).toBeTruthy();
    const l = parseLessonText(json!);
    expect(l.steps.map((s) => s.kind)).toEqual(['predict', 'task']);
  });

  it('a member added by a script can be named after it, not before', () => {
    const l = good();
    l.steps[0] = { kind: 'watch', title: 'Grow', text: ['A fourth member joins.'], run: [{ do: 'addMember', learner: true }, { do: 'wait', ms: 100 }], claims: { is: 'role', member: 'm4', role: 'learner' } };
    l.steps[1] = { ...(l.steps[1] as object), check: { is: 'crashed', member: 'm4' }, task: 'Crash m4.', showMe: [{ do: 'crash', member: 'm4' }] } as never;
    expect(() => parseLesson(l)).not.toThrow();
    expect(() => parseLesson({ ...l, steps: [l.steps[1]!, l.steps[0]!] })).toThrow(/m4 is not a member of a 3-member cluster/);
  });

  it('every lesson of the course passes its own checks', () => {
    expect(COURSE.length).toBeGreaterThanOrEqual(4);
    for (const l of COURSE) expect(() => parseLesson(l)).not.toThrow();
  });

  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"format": "etcd-playground-lesson",', /not JSON/],
    ['too large', JSON.stringify({ ...good(), goal: 'x'.repeat(300_000) }), /larger than 256 KiB/],
    ['another format', broken((l) => (l.format = 'etcd-playground-scenario')), /lesson\.format: expected "etcd-playground-lesson"/],
    ['a newer version', broken((l) => (l.version = 2)), /lesson\.version: this playground reads version 1, got 2/],
    ['a bad id', broken((l) => (l.id = 'Tiny Lesson')), /lesson\.id: expected lower-case letters/],
    ['no seed', broken((l) => delete l.setup.settings.seed), /lesson\.setup\.settings\.seed: a lesson fixes its seed/],
    ['bad settings', broken((l) => (l.setup.settings.members = 12)), /lesson\.setup\.settings: settings\.members must be a whole number in \[1, 9\], got 12/],
    ['no steps', broken((l) => (l.steps = [])), /lesson\.steps: expected at least 1 item, got 0/],
    ['an unknown step kind', broken((l) => (l.steps[0].kind = 'quiz')), /lesson\.steps\[0\]\.kind: expected "watch", "predict" or "task", got "quiz"/],
    ['an unknown field', broken((l) => (l.steps[1].solution = 'crash')), /lesson\.steps\[1\]: unknown field "solution"/],
    ['an unbound reference', broken((l) => (l.steps[1].check.member = '$old')), /lesson\.steps\[1\]\.check\.member: "\$old" is not bound/],
    ['a member not added yet', broken((l) => (l.steps[1].check.member = 'm4')), /lesson\.steps\[1\]\.check\.member: m4 is not a member of a 3-member cluster/],
    ['an unbound placeholder', broken((l) => (l.steps[0].text = ['{boss} leads.'])), /lesson\.steps\[0\]\.text\[0\]: "\{boss\}" is not bound/],
    ['a term missing from the glossary', broken((l) => (l.goal = 'Find the [[captain]].')), /lesson\.goal: "\[\[captain\]\]" links "captain", which is not in the glossary/],
    ['a member the cluster does not have', broken((l) => (l.steps[1].showMe = [{ do: 'crash', member: 'm5' }])), /lesson\.steps\[1\]\.showMe\[0\]\.member: m5 is not a member of a 3-member cluster/],
    ['an unknown action', broken((l) => (l.steps[0].run = [{ do: 'explode' }])), /lesson\.steps\[0\]\.run\[0\]\.do: unknown action "explode"/],
    ['an unknown check', broken((l) => (l.steps[1].check = { is: 'happy' })), /lesson\.steps\[1\]\.check\.is: unknown check "happy"/],
    ['a task without show me', broken((l) => (l.steps[1].showMe = [])), /lesson\.steps\[1\]\.showMe: a task needs a "show me"/],
    [
      'an answer that is not a choice',
      broken((l) =>
        l.steps.push({ kind: 'predict', title: 'Q', text: ['?'], question: 'What?', choices: [{ id: 'a', text: 'A', when: { is: 'termGrew' } }, { id: 'b', text: 'B', when: { is: 'newLeader' } }], answer: 'c', run: [{ do: 'wait', ms: 10 }], explain: ['.'] }),
      ),
      /lesson\.steps\[2\]\.answer: expected one of the choices' ids \(a, b\), got "c"/,
    ],
    ['a bad regular expression', broken((l) => (l.steps[1].check = { is: 'console', command: 'get (' })), /lesson\.steps\[1\]\.check\.command: not a regular expression/],
    ['a script that runs too long', broken((l) => (l.steps[0].run = [{ do: 'wait', ms: 100_000 }, { do: 'wait', ms: 30_000 }])), /lesson\.steps\[0\]\.run: the script runs the clock 130000 ms, more than 120000/],
    ['etcdctl written in front of a command', broken((l) => (l.steps[0].run = [{ do: 'etcdctl', command: 'etcdctl put a 1' }])), /write the command without "etcdctl" in front/],
  ];

  it.each(cases)('refuses %s with a message naming the problem', (_name, text, message) => {
    let err: unknown;
    try {
      parseLessonText(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LessonError);
    expect((err as Error).message).toMatch(message);
  });
});
