// The store contract, shaped like etcd's v3 API (as kine shapes SQL databases): string keys,
// byte values, one global revision bumped by every write, txn with compares, leases, watch.
// Every backend (memory, sqlite, etcd) implements exactly this, and one conformance suite
// (store.test.ts) runs against each of them.

export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the write that created this key (since its last deletion). */
  createRevision: number;
  /** Revision of the last write to this key. */
  modRevision: number;
  /** Number of writes since creation (1 after the first put). */
  version: number;
  /** Lease the key is attached to, 0 for none. */
  lease: number;
}

export type Compare =
  | { key: string; target: "modRevision" | "createRevision" | "version"; op: CompareOp; value: number }
  | { key: string; target: "value"; op: CompareOp; value: Uint8Array };

/** A missing key compares as createRevision = modRevision = version = 0 and never equal by value. */
export type CompareOp = "==" | "!=" | "<" | ">";

export type Op =
  | { type: "put"; key: string; value: Uint8Array; lease?: number }
  | { type: "delete"; key: string }
  | { type: "deletePrefix"; prefix: string };

export interface TxnRequest {
  compare?: Compare[];
  success: Op[];
  failure?: Op[];
}

export interface TxnResult {
  succeeded: boolean;
  /** The store revision after the txn: bumped by one if it wrote anything, else the current one. */
  revision: number;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** The store revision the range was read at. */
  revision: number;
}

export type WatchEvent =
  | { type: "put"; kv: KeyValue; prevKv?: KeyValue }
  /** For a delete, kv.modRevision is the revision of the deletion and kv.value is empty. */
  | { type: "delete"; kv: KeyValue; prevKv?: KeyValue };

export interface WatchHandlers {
  /** Events of one revision (one txn) arrive together, in revision order, never split or reordered. */
  onEvents(events: WatchEvent[], revision: number): void;
  /** fromRevision is older than the compacted history: list again (range) and watch from there. */
  onCompacted(compactRevision: number): void;
  /** The backend failed (connection lost for good, store closed). */
  onError?(err: Error): void;
}

export interface Watch {
  cancel(): void;
}

export class CompactedError extends Error {
  constructor(readonly compactRevision: number) {
    super(`required revision has been compacted (compact revision ${compactRevision})`);
    this.name = "CompactedError";
  }
}

export class LeaseNotFoundError extends Error {
  constructor(readonly lease: number) {
    super(`lease ${lease} not found`);
    this.name = "LeaseNotFoundError";
  }
}

export interface Store {
  /** Every key starting with prefix ("" for all), in key order. */
  range(prefix: string, opts?: { limit?: number }): Promise<RangeResult>;
  get(key: string): Promise<KeyValue | undefined>;
  /** Atomic: all compares are checked and the chosen branch applied as one revision. */
  txn(req: TxnRequest): Promise<TxnResult>;
  put(key: string, value: Uint8Array, opts?: { lease?: number }): Promise<TxnResult>;
  delete(key: string): Promise<TxnResult>;

  /**
   * Events for keys under prefix with modRevision >= fromRevision (the first event may be
   * historical), then live ones. A fromRevision older than the retained history calls
   * onCompacted instead.
   */
  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Watch;

  /** A new lease that expires ttlSeconds after its last keep-alive. Returns its id (> 0). */
  leaseGrant(ttlSeconds: number): Promise<number>;
  /** Restarts the lease's TTL. Throws LeaseNotFoundError when it has expired or was revoked. */
  leaseKeepAlive(lease: number): Promise<void>;
  /** Deletes the lease and every key attached to it, as one revision. */
  leaseRevoke(lease: number): Promise<void>;

  /** Forgets history older than revision; watches from before it get onCompacted. */
  compact(revision: number): Promise<void>;
  /** The current revision. */
  revision(): Promise<number>;
  close(): Promise<void>;
}
