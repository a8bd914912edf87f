/** The runtime's data shapes, re-exported so the UI names them through state (docs/ARCHITECTURE.md §1). */
export type {
  ClusterSettings,
  EntrySummary,
  EtcdctlResult,
  FlightView,
  LinkSettings,
  LinkState,
  MemberDetails,
  MemberInfo,
  PlaygroundApi,
  PlaygroundClient,
  PlaygroundEvent,
  RoleName,
  Speed,
  TimeState,
} from '../runtime/playgroundApi.ts';
export type { InvariantLight, InvariantStatus, MonitorViolation } from '../runtime/invariantMonitor.ts';
export { INVARIANT_LIGHTS } from '../runtime/invariantMonitor.ts';
export type { HistoryLaneView, LaneCheck, LaneOperation } from '../runtime/historyLane.ts';
