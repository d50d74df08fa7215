// The SQLite backend: one file, durable. As kine does, the store is one append-only `log` of
// events (one row per key per revision): a write appends rows at the end of the table, so a
// commit touches a few adjacent pages instead of rewriting pages all over a key-ordered table.
// The current state is the log replayed, held in memory (loaded at open); compaction deletes
// the rows that a later row of the same key superseded, never a live key's current row.
// Writes of one event-loop turn are committed as one SQLite transaction (group commit): one
// fsync for the lot, and no promise resolves before it. Leases live in `lease`.

import Database from "better-sqlite3";
import { createStore, newState } from "./core.ts";
import type { Backend, Lease } from "./core.ts";
import { SortedKeys } from "./sorted-keys.ts";
import type { KeyValue, Store, WatchEvent } from "./types.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
-- One row per event; mod_revision is revision. prev_* is the key before (prev_value NULL: none).
CREATE TABLE IF NOT EXISTS log (
  revision INTEGER NOT NULL, seq INTEGER NOT NULL, key TEXT NOT NULL, deleted INTEGER NOT NULL,
  value BLOB NOT NULL, create_revision INTEGER NOT NULL, version INTEGER NOT NULL, lease INTEGER NOT NULL,
  prev_value BLOB, prev_create_revision INTEGER, prev_mod_revision INTEGER,
  prev_version INTEGER, prev_lease INTEGER,
  PRIMARY KEY (revision, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lease (id INTEGER PRIMARY KEY, ttl REAL NOT NULL);
`;

interface LogRow {
  revision: number;
  key: string;
  deleted: number;
  value: Buffer;
  create_revision: number;
  version: number;
  lease: number;
  prev_value: Buffer | null;
  prev_create_revision: number;
  prev_mod_revision: number;
  prev_version: number;
  prev_lease: number;
}

export function openSqliteStore(path: string, opts: { historyLimit?: number } = {}): Store {
  const limit = Math.max(1, opts.historyLimit ?? 100_000);
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    // FULL: the WAL is fsynced at every commit, so an acknowledged write survives power loss.
    db.pragma("synchronous = FULL");
    // Fewer, larger checkpoints: the WAL is appended to sequentially in between.
    db.pragma("wal_autocheckpoint = 4000");
    db.exec(SCHEMA);
  } catch (err) {
    db.close();
    throw err;
  }

  const getMeta = db.prepare<[string], { value: number }>("SELECT value FROM meta WHERE name = ?");
  const setMeta = db.prepare("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)");
  const addLog = db.prepare(`INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const readLog = db.prepare<[number], LogRow>(
    "SELECT * FROM log WHERE revision >= ? ORDER BY revision, seq",
  );
  const trimLog = db.prepare("DELETE FROM log WHERE revision = ? AND key = ?");
  const addLease = db.prepare("INSERT INTO lease (id, ttl) VALUES (?, ?)");
  const delLease = db.prepare("DELETE FROM lease WHERE id = ?");

  // Load the current state.
  const state = newState();
  state.revision = getMeta.get("revision")?.value ?? 1;
  state.compactRevision = getMeta.get("compact")?.value ?? 0;
  for (const r of db.prepare<[], { id: number; ttl: number }>("SELECT id, ttl FROM lease").iterate()) {
    // Full TTL again from now, as etcd gives leases after a leader change.
    state.leases.set(r.id, { id: r.id, ttl: r.ttl, keys: new Set(), expired: false } satisfies Lease);
  }
  // Replay the log. A row some later row of its key superseded (and every deletion) is garbage
  // once it is older than the kept history: remembered for compaction.
  const garbage: { revision: number; key: string }[] = [];
  for (const r of db.prepare<[], LogRow>("SELECT * FROM log ORDER BY revision, seq").iterate()) {
    const prev = state.kvs.get(r.key);
    if (prev) garbage.push({ revision: prev.modRevision, key: r.key });
    if (r.deleted) {
      state.kvs.delete(r.key);
      garbage.push({ revision: r.revision, key: r.key });
      continue;
    }
    state.kvs.set(r.key, {
      key: r.key,
      value: bytes(r.value),
      createRevision: r.create_revision,
      modRevision: r.revision,
      version: r.version,
      lease: r.lease,
    });
  }
  for (const kv of state.kvs.values()) if (kv.lease) state.leases.get(kv.lease)?.keys.add(kv.key);
  // Sorted here, not by SQL: SQLite orders UTF-8 bytes, the store orders JS strings.
  state.keys = SortedKeys.fromSorted([...state.kvs.keys()].sort());

  const commitBatch = db.transaction((batch: Parameters<Backend["commit"]>[0]) => {
    for (const a of batch) {
      a.events.forEach((e, seq) => {
        const kv = e.kv;
        const p = e.prevKv;
        if (p) garbage.push({ revision: p.modRevision, key: kv.key });
        if (e.type === "delete") garbage.push({ revision: a.revision, key: kv.key });
        // prettier-ignore
        addLog.run(
          a.revision, seq, kv.key, e.type === "delete" ? 1 : 0, blob(kv.value),
          kv.createRevision, kv.version, kv.lease,
          p ? blob(p.value) : null, p?.createRevision ?? null, p?.modRevision ?? null,
          p?.version ?? null, p?.lease ?? null,
        );
      });
      if (a.grant) addLease.run(a.grant.id, a.grant.ttl);
      if (a.revoke) delLease.run(a.revoke);
    }
    const last = batch[batch.length - 1].revision;
    setMeta.run("revision", last);
    // Keep about historyLimit revisions of log, trimmed in steps of a tenth so it is not every write.
    if (last - state.compactRevision > limit + Math.ceil(limit / 10)) compactTo(last - limit + 1);
  });

  function compactTo(revision: number): void {
    const keep: typeof garbage = [];
    for (const g of garbage) {
      if (g.revision < revision) trimLog.run(g.revision, g.key);
      else keep.push(g);
    }
    garbage.length = 0;
    garbage.push(...keep);
    setMeta.run("compact", revision);
    state.compactRevision = revision;
  }

  const backend: Backend = {
    batch: true,
    commit(batch) {
      if (batch.some((a) => a.events.length || a.grant || a.revoke)) commitBatch(batch);
    },
    history(prefix, from) {
      const out: Array<[number, WatchEvent[]]> = [];
      for (const r of readLog.all(from)) {
        if (!r.key.startsWith(prefix)) continue;
        const last = out[out.length - 1];
        const event = toEvent(r);
        if (last && last[0] === r.revision) last[1].push(event);
        else out.push([r.revision, [event]]);
      }
      return out;
    },
    compact: db.transaction(compactTo),
    close() {
      db.close();
    },
  };
  return createStore(backend, state);
}

function toEvent(r: LogRow): WatchEvent {
  const kv: KeyValue = {
    key: r.key,
    value: bytes(r.value),
    createRevision: r.create_revision,
    modRevision: r.revision,
    version: r.version,
    lease: r.lease,
  };
  const prevKv: KeyValue | undefined =
    r.prev_value === null
      ? undefined
      : {
          key: r.key,
          value: bytes(r.prev_value),
          createRevision: r.prev_create_revision,
          modRevision: r.prev_mod_revision,
          version: r.prev_version,
          lease: r.prev_lease,
        };
  const type = r.deleted ? "delete" : "put";
  return prevKv ? { type, kv, prevKv } : { type, kv };
}

// Plain Uint8Array views, so values compare equal whichever backend they came from.
function bytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function blob(v: Uint8Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
