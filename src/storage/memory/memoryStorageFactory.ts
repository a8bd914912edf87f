/** Member storage in memory: for Node tests and the in-process cluster. */
import { REGISTRY_NAME, REGISTRY_STORES } from '../engine.ts';
import { EngineStorageFactory } from '../memberStorage.ts';
import { MemoryDisk } from './memoryDisk.ts';

/**
 * A factory over `disk` (a new empty disk by default). Members opened from factories sharing one
 * disk see the same data and the same ownership locks, like tabs of one browser profile.
 */
export function createMemoryStorageFactory(disk: MemoryDisk = new MemoryDisk()): EngineStorageFactory & { disk: MemoryDisk } {
  const factory = new EngineStorageFactory({
    provider: disk,
    setup: async () => ({ registry: disk.connect(REGISTRY_NAME, REGISTRY_STORES, 'strict'), ownership: disk.ownership }),
  });
  return Object.assign(factory, { disk });
}

export { MemoryDisk };
