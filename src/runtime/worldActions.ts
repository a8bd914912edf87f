/**
 * Everything that can change a running world from outside, as plain data: the actions a scenario
 * records and replays. The playground applies each one through a single method (Playground.act
 * for operator actions, the client observer for client calls), which is also where it is
 * recorded, so nothing changes the world without leaving a record.
 *
 * What is recorded is what reached the world, not what the user asked for: `addMember` is a
 * memberAdd request, the waits between its retries and a `launch`; a console command is the
 * requests its etcdctl made. Replaying those at the same points gives the same run, whatever
 * code asked for them.
 */
import type { ClientRequest } from '../server/protocol.ts';
import type { Id64, WatchCreateRequest } from '../server/api.ts';
import type { ClientOpenOptions } from './clusterTypes.ts';
import type { LinkSettings } from './playgroundApi.ts';

export type WorldAction =
  | { type: 'crash'; member: string }
  /** A chaos kill in the middle of a step: replayed as a crash between steps (the kill's timing cannot be replayed). */
  | { type: 'kill'; member: string }
  | { type: 'restart'; member: string }
  | { type: 'wipe'; member: string }
  | { type: 'partition'; groups: string[][] }
  | { type: 'heal' }
  | { type: 'cut'; from: string; to: string; oneWay: boolean }
  | { type: 'restore'; from: string; to: string }
  | { type: 'setLink'; link: LinkSettings; from?: string; to?: string }
  | { type: 'setDisk'; member: string; fsyncMs: number | null }
  /** The member's clock runs `rate` times as fast as virtual time (null: in step again). */
  | { type: 'setClock'; member: string; rate: number | null }
  | { type: 'dropMessage'; envelopeId: number }
  /** A member the cluster has accepted (memberAdd) starts in its own host and joins. */
  | { type: 'launch'; member: string; id: Id64 }
  /** A member removed from the cluster (memberRemove) is stopped. */
  | { type: 'stopMember'; member: string }
  | { type: 'campaign'; member: string }
  /** A wait the playground itself set (between retries): an instant of its own in the run. */
  | { type: 'wait'; untilMs: number }
  | { type: 'clientOpen'; client: string; options: ClientOpenOptions }
  | { type: 'clientClose'; client: string }
  | { type: 'request'; client: string; request: ClientRequest; endpoint?: string }
  | { type: 'watch'; client: string; watch: number; request: WatchCreateRequest }
  | { type: 'watchProgress'; client: string; watch: number }
  | { type: 'watchCancel'; client: string; watch: number };

export type WorldActionType = WorldAction['type'];

/**
 * An action and when it happened. Invariants: `atMs` is the world's virtual time when the action
 * was applied and never decreases along a recording. Actions are applied only once their instant
 * is complete (everything due at `atMs` has run; World.betweenSteps), so "at atMs" names one
 * point in the run however it was cut into chunks. `pending` marks one applied while something an
 * earlier action put at the same instant had not run yet (two calls in a row): a replay applies
 * it straight after that one.
 */
export type RecordedAction = WorldAction & {
  atMs: number;
  pending?: true;
};

/** A replay that cannot go on: the action at `index` no longer applies or the run went elsewhere. */
export class ReplayError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'ReplayError';
  }
}

/** Every action type, for validation and documentation. */
export const WORLD_ACTION_TYPES: readonly WorldActionType[] = [
  'crash',
  'kill',
  'restart',
  'wipe',
  'partition',
  'heal',
  'cut',
  'restore',
  'setLink',
  'setDisk',
  'setClock',
  'dropMessage',
  'launch',
  'stopMember',
  'campaign',
  'wait',
  'clientOpen',
  'clientClose',
  'request',
  'watch',
  'watchProgress',
  'watchCancel',
];

/** Actions that are client calls (applied by a replayed client, not by the playground). */
export function isClientAction(a: WorldAction): boolean {
  switch (a.type) {
    case 'clientOpen':
    case 'clientClose':
    case 'request':
    case 'watch':
    case 'watchProgress':
    case 'watchCancel':
      return true;
    default:
      return false;
  }
}

/** One line for a timeline marker or an error message, e.g. "crash m1", "c2 put foo". */
export function describeAction(a: WorldAction): string {
  switch (a.type) {
    case 'crash':
    case 'kill':
    case 'restart':
    case 'wipe':
    case 'campaign':
      return `${a.type} ${a.member}`;
    case 'stopMember':
      return `stop removed member ${a.member}`;
    case 'launch':
      return `start new member ${a.member}`;
    case 'partition':
      return `partition ${a.groups.map((g) => `{${g.join(',')}}`).join(' ')}`;
    case 'heal':
      return 'heal the network';
    case 'cut':
      return `cut ${a.from}${a.oneWay ? '→' : '↔'}${a.to}`;
    case 'restore':
      return `restore ${a.from}↔${a.to}`;
    case 'setLink':
      return `link ${a.from ?? '*'}→${a.to ?? '*'} ${JSON.stringify(a.link)}`;
    case 'setDisk':
      return `disk ${a.member} ${a.fsyncMs === null ? 'default' : `${a.fsyncMs} ms`}`;
    case 'setClock':
      return `clock ${a.member} ${a.rate === null ? 'in step' : `×${a.rate}`}`;
    case 'dropMessage':
      return `drop message #${a.envelopeId}`;
    case 'wait':
      return `wait until ${a.untilMs} ms`;
    case 'clientOpen':
      return `open client ${a.client}`;
    case 'clientClose':
      return `close client ${a.client}`;
    case 'request': {
      const r = a.request as { op: string; req?: { key?: string } };
      const key = r.req && typeof r.req.key === 'string' ? ` ${r.req.key}` : '';
      return `${a.client} ${r.op}${key}`;
    }
    case 'watch':
      return `${a.client} watch ${a.request.key}`;
    case 'watchProgress':
      return `${a.client} watch #${a.watch} progress`;
    case 'watchCancel':
      return `${a.client} cancel watch #${a.watch}`;
  }
}
