/**
 * The page: time controls on top, the cluster in the centre, the etcdctl console and the
 * timeline under it, the inspector and panels on the right at full height (the inspector's
 * tables need the height more than the timeline needs the width). Splitters resize the panels. A live region narrates what
 * happens; every action has a key.
 */
import { useEffect, useRef, useState } from 'react';
import type { PlaygroundStore, SideTab } from '../state/store.ts';
import { StoreContext, usePlayground, usePrefersReducedMotion, useStoreApi } from './hooks.ts';
import { ClusterView } from './ClusterView.tsx';
import { Inspector } from './Inspector.tsx';
import { TimeControls } from './TimeControls.tsx';
import { Timeline } from './Timeline.tsx';
import { ConsolePanel } from './ConsolePanel.tsx';
import { NetworkPanel } from './NetworkPanel.tsx';
import { WorkloadPanel } from './WorkloadPanel.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';
import { FeedPanel } from './FeedPanel.tsx';
import { Legend } from './Legend.tsx';
import { handleKey, shortcuts } from './keyboard.ts';
import { ClusterActions } from './MemberActions.tsx';
import { tabKeys } from './tabKeys.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { PastBanner, ReplayProgress, TravelBar } from './TravelBar.tsx';
import { Splitter } from './Splitter.tsx';
import { panelVars, usePanelSizes } from './panelSizes.ts';
import { LessonPanel } from './LessonPanel.tsx';
import { LessonMenu } from './LessonMenu.tsx';
import { CourseOffer } from './CourseOffer.tsx';
import { GlossaryDialog } from './GlossaryPanel.tsx';
import { Caption } from './Caption.tsx';
import { InvariantLights, ViolationCard } from './InvariantLights.tsx';
import { unsafeNumbersOn } from '../state/safetySwitches.ts';
import './styles.css';

const sideTabs: { id: SideTab; label: string }[] = [
  { id: 'inspector', label: 'Inspector' },
  { id: 'network', label: 'Network' },
  { id: 'workload', label: 'Workload' },
  { id: 'feed', label: 'Events' },
  { id: 'settings', label: 'Settings' },
];

function LiveRegion() {
  const n = usePlayground((s) => s.narration);
  return (
    <div className="sr-only" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {n.text}
    </div>
  );
}

function Notices() {
  const store = useStoreApi();
  const notices = usePlayground((s) => s.notices);
  useEffect(() => {
    if (notices.length === 0) return;
    const h = setTimeout(() => store.getState().dismissNotice(notices[0]!.id), 6000);
    return () => clearTimeout(h);
  }, [notices, store]);
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
          {n.level === 'error' ? '⚠ ' : 'ℹ '}
          {n.text}
          <button type="button" className="icon" aria-label="dismiss" onClick={() => store.getState().dismissNotice(n.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}

function Summary() {
  // During a partition an old leader may not know it was deposed: name the newest term's leader.
  // One string, so a commit moving on (new member objects) does not re-render the summary.
  const leaderText = usePlayground((s) => {
    const l = s.members.filter((m) => m.role === 'leader' && m.alive).sort((a, b) => b.term - a.term)[0];
    return l ? `leader ${l.name} · term ${l.term}` : 'no leader';
  });
  const seed = usePlayground((s) => s.settings?.seed);
  const count = usePlayground((s) => s.members.filter((m) => m.role !== 'removed').length);
  const status = usePlayground((s) => s.status);
  return (
    <div className="summary" data-testid="summary" title={status === 'ready' ? `${count} members, ${leaderText}, seed ${seed}` : undefined}>
      {status !== 'ready' ? (
        <span>{status === 'error' ? 'cluster failed to start' : `${status}…`}</span>
      ) : (
        <>
          <span>{count} members</span>
          <span>{leaderText}</span>
          <span>seed {seed}</span>
        </>
      )}
    </div>
  );
}

/** Says in the top bar, on every view, that a rule of etcd is switched off (a shared link may carry it). */
function UnsafeBadge() {
  const text = usePlayground((s) => (s.settings ? unsafeNumbersOn(s.settings).join(' ') : ''));
  if (text === '') return null;
  return (
    <span className="unsafe-badge" role="status" data-testid="unsafe-badge" title="Safety switches are on (Settings → Unsafe experiments): this cluster breaks rules etcd keeps.">
      ⚠ unsafe {text}
    </span>
  );
}

function Help({ onClose }: { onClose(): void }) {
  return (
    <div className="help-backdrop" onClick={onClose}>
      <section className="help" role="dialog" aria-modal="true" aria-label="keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2>Keyboard</h2>
          <button type="button" className="icon" onClick={onClose} aria-label="close help" autoFocus>
            ✕
          </button>
        </header>
        <dl>
          {shortcuts.map(([k, v]) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
        <p className="muted">Drag a member onto another island or into open space to partition; drag it back to heal. Click a link to cut it one way, then both ways, then heal.</p>
      </section>
    </div>
  );
}

/** The page without `embed`: the same run (its fragment) with the console and the inspector. */
function fullPageHref(): string {
  const u = new URL(location.href);
  u.searchParams.delete('embed');
  return u.toString();
}

function Shell() {
  const store = useStoreApi();
  const projector = usePlayground((s) => s.projector);
  const embed = usePlayground((s) => s.embed);
  const tab = usePlayground((s) => s.sideTab);
  const status = usePlayground((s) => s.status);
  const error = usePlayground((s) => s.error);
  const past = usePlayground((s) => s.travel.view.mode === 'past');
  const [help, setHelp] = useState(false);
  const [sizes, setSize] = usePanelSizes();
  const workspaceRef = useRef<HTMLElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const bottomRef = useRef<HTMLElement>(null);
  const sideRef = useRef<HTMLElement>(null);
  const helpRef = useRef(help);
  helpRef.current = help;
  const mediaReduced = usePrefersReducedMotion();
  useEffect(() => store.getState().setReducedMotion(mediaReduced), [mediaReduced, store]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const done = handleKey(e, store, {
        toggleHelp: () => setHelp((h) => !h),
        closeHelp: () => {
          if (!helpRef.current) return false;
          setHelp(false);
          return true;
        },
        focusConsole: () => document.getElementById('console-line')?.focus(),
      });
      if (done) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
  return (
    <div className={`app${projector ? ' projector' : ''}${embed ? ' embed' : ''}${past ? ' viewing-past' : ''}`} data-status={status} data-view={past ? 'past' : 'live'}>
      <header className="topbar">
        {embed ? (
          <h1>
            <a href={fullPageHref()} target="_blank" rel="noopener" title="open this in the full playground, with the console and the inspector">
              etcd playground ↗
            </a>
          </h1>
        ) : (
          <h1>etcd playground</h1>
        )}
        <TimeControls />
        <Summary />
        <UnsafeBadge />
        {!embed && (
          <button type="button" className="lessons-btn" onClick={() => store.getState().openLessonMenu(true)} aria-keyshortcuts="L" title="lessons (Shift+L)">
            Lessons
          </button>
        )}
        {!embed && (
          <a className="live-link" href="?live" title="live mode: the same views and console on a real etcd cluster" data-testid="open-live">
            Live
          </a>
        )}
        <button type="button" onClick={() => setHelp(true)} aria-keyshortcuts="?" className="help-btn">
          Keys <kbd>?</kbd>
        </button>
      </header>
      <main className="workspace" ref={workspaceRef} style={panelVars(sizes)}>
        <div className="stage" ref={stageRef}>
          <section className="centre" aria-label="cluster view">
            <PastBanner />
            {status === 'error' ? (
              <div className="boot-error" role="alert">
                The cluster could not start: {error}
              </div>
            ) : (
              <ErrorBoundary name="cluster view">
                <ClusterView />
              </ErrorBoundary>
            )}
            <Caption />
            <Legend />
            <InvariantLights />
          </section>
          {!embed && (
            <Splitter
              axis="row"
              label="resize the console and timeline"
              testId="split-bottom"
              grows={-1}
              min={150}
              max={() => (stageRef.current?.clientHeight ?? 600) - 180}
              size={() => bottomRef.current?.offsetHeight ?? 300}
              onResize={(px) => setSize('bottomPx', px)}
            />
          )}
          <footer className="bottom" ref={bottomRef}>
            <ErrorBoundary name="time travel">
              <TravelBar />
            </ErrorBoundary>
            {!embed && (
              <ErrorBoundary name="console">
                <ConsolePanel />
              </ErrorBoundary>
            )}
            {!embed && (
              <Splitter
                axis="col"
                label="resize the console beside the timeline"
                testId="split-console"
                grows={1}
                min={280}
                max={() => (bottomRef.current?.clientWidth ?? 800) - 220}
                size={() => bottomRef.current?.querySelector<HTMLElement>('.console')?.offsetWidth ?? 500}
                onResize={(px) => setSize('consolePx', px)}
              />
            )}
            <ErrorBoundary name="timeline">
              <Timeline />
            </ErrorBoundary>
          </footer>
        </div>
        {!embed && (
          <Splitter
            axis="col"
            label="resize the side panel"
            testId="split-side"
            grows={-1}
            min={300}
            max={() => (workspaceRef.current?.clientWidth ?? 1200) - 480}
            size={() => sideRef.current?.offsetWidth ?? 400}
            onResize={(px) => setSize('sidePx', px)}
          />
        )}
        {!embed && (
        <aside className="side" aria-label="details" ref={sideRef}>
          <ErrorBoundary name="lesson">
            <CourseOffer />
            <LessonPanel />
          </ErrorBoundary>
          <ViolationCard />
          <div role="tablist" className="tabs" aria-label="side panel" onKeyDown={tabKeys(sideTabs.map((t) => t.id), tab, (id) => store.getState().setSideTab(id), 'stab-')}>
            {sideTabs.map((t) => (
              <button key={t.id} role="tab" type="button" id={`stab-${t.id}`} aria-selected={tab === t.id} tabIndex={tab === t.id ? 0 : -1} aria-controls="side-panel" onClick={() => store.getState().setSideTab(t.id)}>
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id="side-panel" aria-labelledby={`stab-${tab}`} className="side-body">
            <ErrorBoundary key={tab} name={`${tab} panel`}>
            {tab === 'inspector' && (
              <>
                <Inspector />
                <ClusterActionsFooter />
              </>
            )}
            {tab === 'network' && <NetworkPanel />}
            {tab === 'workload' && <WorkloadPanel />}
            {tab === 'feed' && <FeedPanel />}
            {tab === 'settings' && <SettingsPanel />}
            </ErrorBoundary>
          </div>
        </aside>
        )}
      </main>
      <LiveRegion />
      <ReplayProgress />
      <LessonMenu />
      <GlossaryDialog />
      <Notices />
      {help && <Help onClose={() => setHelp(false)} />}
    </div>
  );
}

function ClusterActionsFooter() {
  const selected = usePlayground((s) => s.selectedMember);
  if (!selected) return null;
  return (
    <div className="cluster-actions-footer">
      <h4>Membership</h4>
      <ClusterActions />
    </div>
  );
}

export function App({ store }: { store: PlaygroundStore }) {
  return (
    <StoreContext.Provider value={store}>
      <Shell />
    </StoreContext.Provider>
  );
}
