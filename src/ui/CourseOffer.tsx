/** What a newcomer sees first in the side panel: the offer of the course, until dismissed. */
import { usePlayground, useStoreApi } from './hooks.ts';
import { COURSE_TITLE } from './courseTitle.ts';

export function CourseOffer() {
  const store = useStoreApi();
  const dismissed = usePlayground((s) => s.lessons.welcomeDismissed);
  const active = usePlayground((s) => s.lessons.active);
  const first = usePlayground((s) => s.allLessons()[0]);
  if (dismissed || active || !first) return null;
  return (
    <section className="course-offer" aria-label="the course" data-testid="course-offer">
      <p>
        <strong>New to etcd?</strong> {COURSE_TITLE}
      </p>
      <div className="lesson-buttons">
        <button type="button" className="primary" onClick={() => void store.getState().startLesson(first.id, 0)}>
          Start the first lesson
        </button>
        <button type="button" onClick={() => store.getState().openLessonMenu(true)}>
          All lessons
        </button>
        <button type="button" className="textlink" onClick={() => store.getState().dismissWelcome()}>
          Not now
        </button>
      </div>
    </section>
  );
}
