/**
 * sorted-btree ships CommonJS only, and the package is "type": "module": the production bundle
 * and Node's ESM loader hand over the exports object as the default import, vitest the class.
 * Accept both, so the store works in the browser build too.
 */
import BTreeImport from 'sorted-btree';

const loaded = BTreeImport as unknown as { default?: typeof BTreeImport };
export const BTree: typeof BTreeImport = loaded.default ?? BTreeImport;
export type BTree<K, V> = BTreeImport<K, V>;
