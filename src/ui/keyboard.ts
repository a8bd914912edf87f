/**
 * Every action by keyboard. Keys act on the selected member where that makes sense; none fire
 * while typing in a field. `shortcuts` is also what the help overlay lists.
 */
import type { PlaygroundStore } from '../state/store.ts';
import { stepSpeed } from './speedScale.ts';

export const shortcuts: [string, string][] = [
  ['Space', 'play / pause'],
  ['.', 'step to the next event'],
  ['-  =', 'slower / faster (= past 1× = as fast as possible)'],
  ['[  ]', 'time travel: one second back / forward (Shift: ten seconds)'],
  ['Home / End', 'time travel: the start of the run / back to the present'],
  ['1–9', 'select the 1st–9th member (again to deselect)'],
  ['c / r', 'crash / restart the selected member'],
  ['w', 'wipe its disk'],
  ['e', 'make it campaign (start an election)'],
  ['t', 'transfer leadership to it'],
  ['p / x / y', 'promote / remove / replace it'],
  ['a / l', 'add a member / a learner'],
  ['i / h', 'isolate the leader / heal the network'],
  ['Shift+Enter', 'on a link: cycle it starting with the other one-way cut'],
  ['← → Home End', 'in the timeline: move between markers (Enter / Space selects)'],
  ['m', 'pick the next message in flight'],
  ['d', 'drop the picked message'],
  ['/', 'go to the console'],
  ['g', 'projector mode'],
  ['L', 'the lessons'],
  ['PageDown / PageUp', 'in a lesson: next / previous step (a presenter\'s clicker sends these; Shift+→ / Shift+← too)'],
  ['?', 'this help'],
  ['Esc', 'close / deselect'],
];

function typing(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
}

function onControl(t: EventTarget | null): boolean {
  const role = t instanceof Element ? t.getAttribute('role') : null;
  // A listbox (the timeline's markers) takes Space to select, as a button does.
  return t instanceof Element && (t instanceof HTMLButtonElement || role === 'button' || role === 'tab' || role === 'listbox' || role === 'option');
}

export function handleKey(e: KeyboardEvent, store: PlaygroundStore, ui: { toggleHelp(): void; closeHelp(): boolean; focusConsole(): void }): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  if (typing(e.target)) return false;
  const s = store.getState();
  if (!s.api && e.key !== '?') return false;
  const sel = s.members.find((m) => m.name === s.selectedMember);
  const visible = s.members.filter((m) => m.role !== 'removed');
  switch (e.key) {
    case ' ':
      if (onControl(e.target)) return false;
      s.togglePause();
      return true;
    case '.':
      void s.step();
      return true;
    case '[':
    case ']':
    case '{':
    case '}': {
      const back = e.key === '[' || e.key === '{';
      if (!back && s.travel.view.mode !== 'past') return true;
      s.seekBy((back ? -1 : 1) * (e.shiftKey ? 10_000 : 1000));
      return true;
    }
    case 'Home':
      s.seek(0);
      return true;
    case 'End':
      if (s.travel.view.mode === 'past') s.present();
      return true;
    case '-':
    case '=':
    case '+':
      s.setSpeed(stepSpeed(s.speed, e.key === '-' ? -1 : 1));
      s.narrate(`speed ${store.getState().speed === 'max' ? 'as fast as possible' : `${store.getState().speed}×`}`);
      return true;
    case 'Escape':
      if (ui.closeHelp()) return true;
      if (s.selectedFlight) s.selectFlight(null);
      else s.select('');
      return true;
    case '?':
      ui.toggleHelp();
      return true;
    case '/':
      ui.focusConsole();
      return true;
    case 'g':
      s.setProjector(!s.projector);
      return true;
    case 'L':
      s.openLessonMenu(true);
      return true;
    case 'PageDown':
    case 'PageUp':
    case 'ArrowRight':
    case 'ArrowLeft': {
      const lesson = s.lessons.progress;
      if (!lesson || ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && !e.shiftKey)) return false;
      const phase = lesson.phase;
      if (phase === 'preparing' || phase === 'running') return true;
      if (e.key === 'PageDown' || e.key === 'ArrowRight') void s.lessonNext();
      else if (lesson.stepIndex > 0) void s.lessonBack();
      return true;
    }
    case 'a':
      void s.addMember(false);
      return true;
    case 'l':
      void s.addMember(true);
      return true;
    case 'i':
      s.isolateLeader();
      return true;
    case 'h':
      s.heal();
      return true;
    case 'm': {
      const flights = s.api!.inFlight();
      if (flights.length === 0) {
        s.notify('no message in flight right now (pause, then step, to catch one)');
        return true;
      }
      const cur = s.selectedFlight?.id ?? -1;
      const next = flights.find((f) => f.id > cur) ?? flights[0]!;
      s.selectFlight(next);
      s.narrate(`message ${next.id}: ${next.type} from ${next.from} to ${next.to}`);
      return true;
    }
    case 'd':
      if (s.selectedFlight) s.dropFlight(s.selectedFlight.id);
      return true;
    default:
      break;
  }
  if (/^[1-9]$/.test(e.key)) {
    const m = visible[Number(e.key) - 1];
    if (m) s.select(s.selectedMember === m.name ? '' : m.name);
    return true;
  }
  if (!sel) return false;
  switch (e.key) {
    case 'c':
      void s.crash(sel.name);
      return true;
    case 'r':
      void s.restart(sel.name);
      return true;
    case 'w':
      void s.wipe(sel.name);
      return true;
    case 'e':
      void s.campaign(sel.name);
      return true;
    case 't':
      void s.transferLeader(sel.name);
      return true;
    case 'p':
      void s.promote(sel.name);
      return true;
    case 'x':
      void s.removeMember(sel.name);
      return true;
    case 'y':
      void s.replaceMember(sel.name);
      return true;
    default:
      return false;
  }
}
