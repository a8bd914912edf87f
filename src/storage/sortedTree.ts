/**
 * sorted-btree ships CommonJS only: Vite and vitest hand its class over as the default import,
 * Node's own ESM loader (tsx, used by the benchmark) hands over the exports object. Accept both.
 */
import BTreeImport from 'sorted-btree';

const loaded = BTreeImport as unknown as { default?: typeof BTreeImport };
export const BTree: typeof BTreeImport = loaded.default ?? BTreeImport;
export type BTree<K, V> = BTreeImport<K, V>;
