/**
 * sorted-btree is CommonJS: bundlers (vite, vitest) unwrap its `default` export, Node's own ESM
 * loader (tsx, used by the benchmark) hands over the exports object instead. Accept both.
 */
import BTreeImport from 'sorted-btree';

const loaded = BTreeImport as unknown as { default?: typeof BTreeImport };
export const BTree: typeof BTreeImport = loaded.default ?? BTreeImport;
export type BTree<K, V> = BTreeImport<K, V>;
