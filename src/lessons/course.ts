/**
 * The course: the lessons the playground ships, in the order the menu offers them. Each is a
 * typed module checked by parseLesson when the course loads, so a broken lesson fails the build's
 * tests instead of a learner's session.
 */
import { parseLesson, type Lesson, type LessonSource } from './lessonFormat.ts';
import { leaderElection } from './course/leaderElection.ts';
import { quorum } from './course/quorum.ts';
import { replication } from './course/replication.ts';
import { mvccRevisions } from './course/mvccRevisions.ts';

export const COURSE_SOURCES: readonly LessonSource[] = [leaderElection, quorum, replication, mvccRevisions];

export const COURSE: readonly Lesson[] = COURSE_SOURCES.map((s) => parseLesson(s));

export function courseLesson(id: string): Lesson | undefined {
  return COURSE.find((l) => l.id === id);
}
