/**
 * The store's typed errors. Messages are etcd's mvcc error texts; the server layer maps them to
 * etcd's gRPC errors ("etcdserver: " + message) by class, never by parsing the text.
 */
export class CompactedError extends Error {
  constructor() {
    super('mvcc: required revision has been compacted');
    this.name = 'CompactedError';
  }
}

export class FutureRevError extends Error {
  constructor() {
    super('mvcc: required revision is a future revision');
    this.name = 'FutureRevError';
  }
}

/** Internal to the index: the key has no live version at the requested revision. */
export class RevisionNotFoundError extends Error {
  constructor() {
    super('mvcc: revision not found');
    this.name = 'RevisionNotFoundError';
  }
}
