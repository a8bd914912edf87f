/** The course's one-line pitch, shared by the offer and the README's first minutes. */
export const COURSE_TITLE = 'Short lessons on this real cluster: predict what it does, watch it, then try it yourself.';
