import type { ConfChange, ConfChangeType } from './types.ts';

const types: ReadonlySet<string> = new Set<ConfChangeType>([
  'ConfChangeAddNode',
  'ConfChangeRemoveNode',
  'ConfChangeUpdateNode',
  'ConfChangeAddLearnerNode',
]);

/** IDs are lowercase hex of a nonzero 64-bit number without leading zeros. */
const idPattern = /^[1-9a-f][0-9a-f]{0,15}$/;

/** Checks a ConfChange's shape; throws an Error saying what is wrong. */
export function validateConfChange(cc: ConfChange): void {
  if (typeof cc !== 'object' || cc === null) throw new Error('conf change: not an object');
  if (!types.has(cc.type)) throw new Error(`conf change: unknown type ${JSON.stringify(cc.type)}`);
  if (typeof cc.node_id !== 'string' || !idPattern.test(cc.node_id)) {
    throw new Error(`conf change: bad node_id ${JSON.stringify(cc.node_id)} (want lowercase hex, nonzero)`);
  }
  if (typeof cc.context !== 'string') throw new Error('conf change: context must be a string');
}

/** The data of an EntryConfChange entry. Field order is fixed so that equal changes encode equally. */
export function encodeConfChange(cc: ConfChange): string {
  validateConfChange(cc);
  return JSON.stringify({ type: cc.type, node_id: cc.node_id, context: cc.context });
}

export function decodeConfChange(data: string): ConfChange {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    throw new Error(`conf change: data is not valid JSON: ${JSON.stringify(data.slice(0, 64))}`);
  }
  const cc = v as ConfChange;
  validateConfChange(cc);
  return { type: cc.type, node_id: cc.node_id, context: cc.context };
}
