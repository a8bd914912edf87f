/**
 * Live mode's address: `?live` opens it; `?live=127.0.0.1:2379,127.0.0.1:22379` also connects
 * to those endpoints, `&via=proxy` through the page's proxy, `&poll=2` polls every 2 s, `&user=`
 * fills the user name. A password never goes in an address (it would sit in the history and in
 * logs): one found there is not used, and the page says so.
 */
import { LiveInputError, parseEndpointList } from './liveEndpoints.ts';

export interface LiveQuery {
  /** Endpoints to connect to at once, already checked; absent for a bare `?live`. */
  endpoints?: string[];
  via: 'direct' | 'proxy';
  pollMs?: number;
  user?: string;
  /** What in the address was not taken, and why. */
  problems: string[];
}

export function isLiveQuery(search: string): boolean {
  return new URLSearchParams(search).has('live');
}

export function parseLiveQuery(search: string): LiveQuery {
  const q = new URLSearchParams(search);
  const out: LiveQuery = { via: 'direct', problems: [] };
  const eps = q.get('live') ?? '';
  if (eps.trim() !== '') {
    try {
      out.endpoints = parseEndpointList(eps);
    } catch (e) {
      out.problems.push(`the address's endpoints were not used: ${e instanceof LiveInputError ? e.message : String(e)}`);
    }
  }
  const via = q.get('via');
  if (via === 'proxy' || via === 'direct') out.via = via;
  else if (via !== null) out.problems.push(`via=${via} is not a way to reach etcd (use via=direct or via=proxy)`);
  const poll = q.get('poll');
  if (poll !== null) {
    const s = Number(poll);
    if (Number.isFinite(s) && s >= 0.25 && s <= 60) out.pollMs = Math.round(s * 1000);
    else out.problems.push(`poll=${poll} is not a polling interval (0.25 to 60 seconds)`);
  }
  const user = q.get('user');
  if (user) out.user = user;
  if (q.has('password') || q.has('token')) out.problems.push('a password or token in the address is never used: type the password in the form (it is kept in memory only)');
  return out;
}
