/**
 * What a running etcdctl command sees: its environment (client, stdin, streaming callback,
 * cancel signal, file hooks), the global flags, and its two output streams. Output is written
 * as byte strings and turned into text per write, so what reaches the console is what etcdctl
 * would have written to a UTF-8 terminal.
 */
import type { EtcdClient } from '../client.ts';
import { EtcdError, IndeterminateError } from '../client.ts';
import type { Bytes } from '../../server/api.ts';
import { utf8FromBytes } from '../../server/api.ts';
import type { FlagValue, ParsedFlags } from './flags.ts';
import type { SnapshotStatus, WriteOut } from './printers.ts';

/** etcdctl's exit codes. */
export const ExitCode = {
  Success: 0,
  Error: 1,
  BadConnection: 2,
  InvalidInput: 3,
  BadFeature: 4,
  Interrupted: 5,
  IO: 6,
  BadArgs: 128,
  /** A shell's status for a process ended by Ctrl+C (SIGINT). */
  SigInt: 130,
} as const;

export interface SnapshotRestoreRequest {
  /** The snapshot file's contents (from `files`). */
  blob: Bytes;
  path: string;
  name: string;
  dataDir: string;
  initialCluster: string;
  initialClusterToken: string;
  initialAdvertisePeerUrls: string;
  skipHashCheck: boolean;
}

export interface EtcdctlEnv {
  /** The client commands use when --endpoints is not given (or no factory exists). */
  client?: EtcdClient;
  /** Builds a client for an explicit --endpoints list. */
  clientFactory?: (endpoints: string[]) => EtcdClient;
  /** Endpoints etcdctl reports when --endpoints is not given; default: the client's endpoints. */
  defaultEndpoints?: string[];
  /** Standard input (put's value, txn's requests). */
  stdin?: string;
  /** Called with every piece of output as it is written (watch and keep-alive stream). */
  onStream?: (chunk: { stdout?: string; stderr?: string }) => void;
  /** Aborting ends a streaming command as Ctrl+C does (exit status 130). */
  signal?: AbortSignal;
  /** Snapshot files by path: `snapshot save` writes here, `snapshot status|restore` read here. */
  files?: Map<string, Bytes>;
  /** Reads a snapshot blob's summary (its format belongs to the server that wrote it). */
  snapshotStatus?: (blob: Bytes) => SnapshotStatus;
  /** Restores a snapshot (the runtime builds a member from it); returns text to print. */
  snapshotRestore?: (req: SnapshotRestoreRequest) => Promise<string>;
  /**
   * Waits `ms` as the cluster counts time (keep-alive's interval between renewals); default: the
   * wall clock. A simulated cluster passes its virtual time, so a renewal is never late at speed.
   */
  sleep?: (ms: number) => Promise<void>;
  /** Wall-clock milliseconds, for `endpoint health`'s "took"; default performance.now. */
  nowMs?: () => number;
}

export class Exit {
  constructor(readonly code: number) {}
}

export class Ctx {
  stdout = '';
  stderr = '';
  flags!: ParsedFlags;
  private clientInstance?: EtcdClient;
  private displayChecked = false;

  constructor(readonly env: EtcdctlEnv) {}

  out(bytes: Bytes): void {
    if (bytes === '') return;
    const text = utf8FromBytes(bytes);
    this.stdout += text;
    this.env.onStream?.({ stdout: text });
  }

  err(bytes: Bytes): void {
    if (bytes === '') return;
    const text = utf8FromBytes(bytes);
    this.stderr += text;
    this.env.onStream?.({ stderr: text });
  }

  /** Prints "Error: msg" and ends the command with `code`. */
  fail(code: number, message: string): never {
    this.err(`Error: ${message}\n`);
    throw new Exit(code);
  }

  flag<T extends FlagValue>(name: string): T {
    return this.flags.values.get(name) as T;
  }

  get hex(): boolean {
    return this.flag<boolean>('hex') === true;
  }

  /** The --write-out format, checked as etcdctl checks it when a command sets up its output. */
  display(): WriteOut {
    const w = String(this.flags.values.get('write-out') ?? 'simple');
    if (!this.displayChecked) {
      this.displayChecked = true;
      if (w === 'protobuf') this.fail(ExitCode.BadFeature, 'protobuf output is not supported by this console');
      if (!['simple', 'json', 'fields', 'table'].includes(w)) this.fail(ExitCode.BadFeature, 'unsupported output format');
    }
    return w as WriteOut;
  }

  /** Writes a printer's result, or fails as etcdctl's unsupported printers do. */
  print(bytes: string | null): void {
    if (bytes === null) this.fail(ExitCode.BadFeature, `${this.display()} not supported as output format`);
    this.out(bytes);
  }

  /** Endpoints as etcdctl knows them (--endpoints, else the environment's). */
  endpoints(): string[] {
    if (this.flags.changed.has('endpoints')) return this.flag<string[]>('endpoints');
    if (this.env.defaultEndpoints) return [...this.env.defaultEndpoints];
    if (this.env.client) return [...this.env.client.endpoints];
    return this.flag<string[]>('endpoints');
  }

  /** The client, set up as etcdctl's mustClientFromCmd does (output format checked first). */
  client(): EtcdClient {
    this.display();
    if (!this.clientInstance) {
      if (this.flags.changed.has('endpoints') && this.env.clientFactory) {
        this.clientInstance = this.env.clientFactory(this.flag<string[]>('endpoints'));
      } else if (this.env.client) {
        this.clientInstance = this.env.client;
      } else if (this.env.clientFactory) {
        this.clientInstance = this.env.clientFactory(this.endpoints());
      } else {
        this.fail(ExitCode.BadConnection, 'no etcd client is connected');
      }
    }
    return this.clientInstance;
  }

  /** Closes a client this command created (never the environment's shared one). */
  closeOwnClient(): void {
    if (this.clientInstance && this.clientInstance !== this.env.client) this.clientInstance.close();
  }

  /**
   * Runs one RPC, honouring an explicit --command-timeout, counted as the cluster counts time
   * (env.sleep: virtual time on a simulated cluster, so the deadline is the same at any speed).
   */
  async rpc<T>(p: Promise<T>): Promise<T> {
    if (!this.flags.changed.has('command-timeout')) return p;
    const ms = parseDurationMs(this.flag<string>('command-timeout'));
    const deadline = new EtcdError({ code: 'DeadlineExceeded', message: 'context deadline exceeded' });
    if (this.env.sleep) {
      let settled = false;
      const timeout = this.env.sleep(ms).then(() => {
        if (!settled) throw deadline;
        return undefined as never;
      });
      try {
        return await Promise.race([p, timeout]);
      } finally {
        settled = true;
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(deadline), ms);
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

import { goParseDuration } from './flags.ts';
function parseDurationMs(s: string): number {
  const v = goParseDuration(s);
  return typeof v === 'number' ? v : 5000;
}

/** The text etcdctl prints for an error returned by the client. */
export function errorText(e: unknown): string {
  if (e instanceof EtcdError || e instanceof IndeterminateError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
