/**
 * The course: the lessons the playground ships (course/index.ts), each checked by parseLesson
 * when the course loads, so a broken lesson fails the tests instead of a learner's session.
 */
import { parseLesson, type Lesson } from './lessonFormat.ts';
import { COURSE_SOURCES } from './course/index.ts';

export { COURSE_SOURCES };

export const COURSE: readonly Lesson[] = COURSE_SOURCES.map((s) => parseLesson(s));

export function courseLesson(id: string): Lesson | undefined {
  return COURSE.find((l) => l.id === id);
}
