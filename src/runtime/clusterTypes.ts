/** Shapes shared by the in-process cluster, its client and its tests. */
import type { HistoryRecorder } from '../sim/checkers/history.ts';
import type { WatchCreateRequest } from '../server/api.ts';
import type { ClientRequest } from '../server/protocol.ts';
import type { WirePayload } from './memberWire.ts';

/** A client actor's command: put `payload` on the wire to actor `to`, now. */
export interface ClientCommand {
  to: string;
  payload: WirePayload;
}

/** What a client needs from the world it lives in (the in-process cluster offers it). */
export interface ClientHost {
  readonly nowMs: number;
  /** Where clients record what they saw (their calls, answers and watch responses), if anywhere. */
  readonly history?: HistoryRecorder;
  /** Member actor names in the cluster's order. */
  memberNames(): string[];
  isUp(actor: string): boolean;
  /** Sends a command at the current instant through the client's own actor. */
  send(clientActor: string, cmd: ClientCommand): void;
  /** Runs `run` at virtual time `atMs`, as a world action (a script's sleep). */
  at(atMs: number, run: () => void): void;
  /**
   * Runs `run` at virtual time `atMs` as the client's own timer (deadlines, keep-alives): part of
   * the client actor's batch at that instant, before what arrives for it then.
   */
  timer(clientActor: string, atMs: number, run: () => void): void;
  /** Tells the host a client is waiting for something, so an auto-running host keeps stepping. */
  kick(): void;
  /** Registers the client actor; `deliver` receives its envelopes' payloads. */
  registerClient(name: string, hooks: ClientHooks): void;
  /**
   * Runs a client user's call now, or, while the world is in the middle of a run, right after the
   * step being processed (World.betweenSteps): the point a replay reaches again in every host.
   */
  betweenSteps?(fn: () => void): void;
  /**
   * Removes the client actor: at once between steps; while the world is stepping (or when
   * `deferred`, a replay of such a removal) as a control action at the current instant.
   */
  unregisterClient(name: string, deferred?: boolean): void;
  /** Resolves a client URL or name to a member actor name. */
  resolveEndpoint(endpoint: string): string | undefined;
  /** Whether the network would carry an envelope from `from` to `to` now (no cut or partition between them). */
  reachable(from: string, to: string): boolean;
  /** Puts a client's own event (a connection lost, a watch resumed) in the world's trace. */
  note(clientActor: string, peer: string, detail: string): void;
  /**
   * Told of every call a client's user makes, before it acts (scenario recording). What the
   * client does by itself (failover, retries, keep-alives, watch resumes) is not reported: it
   * follows from these calls, so replaying them replays it.
   */
  observe?(event: ClientObservation): void;
}

/** A client user's call, as plain data (see ClientHost.observe). */
export type ClientObservation =
  | { kind: 'open'; client: string; options: ClientOpenOptions }
  | { kind: 'request'; client: string; request: ClientRequest; endpoint?: string }
  | { kind: 'watch'; client: string; watch: number; request: WatchCreateRequest }
  | { kind: 'watchProgress'; client: string; watch: number }
  | { kind: 'watchCancel'; client: string; watch: number }
  /** `deferred`: the world was stepping, so the actor leaves at this instant's next step (see unregisterClient). */
  | { kind: 'close'; client: string; deferred?: boolean };

/** A client's options as data (PlaygroundClientOptions without defaults filled in). */
export interface ClientOpenOptions {
  endpoints: string[];
  commandTimeoutMs?: number;
  keepaliveTimeMs?: number;
  keepaliveTimeoutMs?: number;
  reconnectBackoffMs?: number;
}

export interface ClientHooks {
  /** An envelope for this client arrived (from a member). */
  deliver(from: string, payload: WirePayload): void;
  /** A member crashed or stopped: its connections are gone. */
  memberDown(member: string): void;
  /**
   * The network dropped an envelope between this client and `member` (a cut, a partition, an
   * operator's drop). TCP would retransmit it, but the simulated network does not, so nothing
   * sent after it on that connection can count as delivered: the connection is stalled.
   */
  linkLost(member: string): void;
  /** The world failed (a member threw): every waiting request fails with this error. */
  fatal(err: Error): void;
  /** Unary requests still waiting for an answer (an auto-running host steps while any wait). */
  outstanding(): number;
}
