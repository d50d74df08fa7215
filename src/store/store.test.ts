// The store conformance suite: every backend runs the same tests.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { after, afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createMemoryStore } from "./memory.ts";
import { openSqliteStore } from "./sqlite.ts";
import { LeaseNotFoundError } from "./types.ts";
import type { Store, WatchEvent } from "./types.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Records what a watch receives. */
function recorder() {
  const r = {
    batches: [] as Array<{ revision: number; events: WatchEvent[] }>,
    compacted: [] as number[],
    errors: [] as Error[],
    handlers: {
      onEvents: (events: WatchEvent[], revision: number) => r.batches.push({ revision, events }),
      onCompacted: (rev: number) => r.compacted.push(rev),
      onError: (err: Error) => r.errors.push(err),
    },
    /** "put a=1" / "delete a" per event, in order. */
    flat: () =>
      r.batches.flatMap((b) =>
        b.events.map((e) => (e.type === "put" ? `put ${e.kv.key}=${dec(e.kv.value)}` : `delete ${e.kv.key}`)),
      ),
  };
  return r;
}

interface Backend {
  name: string;
  /** A new empty store; reopen gives the same data again (persistent backends only). */
  open(opts?: { historyLimit?: number }): { store: Store; reopen?: () => Store };
}

const dirs: string[] = [];
const backends: Backend[] = [
  { name: "memory", open: (opts) => ({ store: createMemoryStore(opts) }) },
  {
    name: "sqlite",
    open(opts) {
      const dir = mkdtempSync(join(tmpdir(), "census-store-"));
      dirs.push(dir);
      const path = join(dir, "store.db");
      return { store: openSqliteStore(path, opts), reopen: () => openSqliteStore(path, opts) };
    },
  },
];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

for (const backend of backends) {
  describe(`store: ${backend.name}`, () => {
    const opened: Store[] = [];
    function open(opts?: { historyLimit?: number }) {
      const o = backend.open(opts);
      opened.push(o.store);
      const reopen = o.reopen;
      return {
        store: o.store,
        reopen: reopen
          ? () => {
              const s = reopen();
              opened.push(s);
              return s;
            }
          : undefined,
      };
    }
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it("starts at revision 1 and bumps once per write", async () => {
      const { store } = open();
      assert.equal(await store.revision(), 1);
      assert.deepEqual(await store.range(""), { kvs: [], revision: 1 });
      assert.deepEqual(await store.put("a", enc("1")), { succeeded: true, revision: 2 });
      assert.deepEqual(await store.put("a", enc("2")), { succeeded: true, revision: 3 });
      const multi = await store.txn({
        success: [
          { type: "put", key: "b", value: enc("1") },
          { type: "put", key: "c", value: enc("1") },
        ],
      });
      assert.equal(multi.revision, 4);
      // A failed compare with no failure ops writes nothing.
      const failed = await store.txn({
        compare: [{ key: "a", target: "version", op: "==", value: 99 }],
        success: [{ type: "put", key: "a", value: enc("x") }],
      });
      assert.deepEqual(failed, { succeeded: false, revision: 4 });
      // Deleting a missing key changes nothing either.
      assert.deepEqual(await store.delete("nope"), { succeeded: true, revision: 4 });
      assert.deepEqual(await store.delete("a"), { succeeded: true, revision: 5 });
      assert.equal(await store.revision(), 5);
    });

    it("ranges a prefix in key order", async () => {
      const { store } = open();
      for (const k of ["svc/b", "svc/a/2", "svc/a/10", "other", "svc/a/1", "svc", "svd"])
        await store.put(k, enc(k));
      const keys = async (p: string, limit?: number) =>
        (await store.range(p, { limit })).kvs.map((kv) => kv.key);
      assert.deepEqual(await keys("svc/"), ["svc/a/1", "svc/a/10", "svc/a/2", "svc/b"]);
      assert.deepEqual(await keys("svc/a/"), ["svc/a/1", "svc/a/10", "svc/a/2"]);
      assert.deepEqual(await keys(""), ["other", "svc", "svc/a/1", "svc/a/10", "svc/a/2", "svc/b", "svd"]);
      assert.deepEqual(await keys("svc/", 2), ["svc/a/1", "svc/a/10"]);
      assert.deepEqual(await keys("zzz"), []);
      const r = await store.range("svc/b");
      assert.equal(r.revision, 8);
      assert.equal(dec(r.kvs[0].value), "svc/b");
    });

    it("ranges many keys, inserted and deleted in random order", async () => {
      const { store } = open();
      const all = Array.from({ length: 5000 }, (_, i) => `k/${(i * 7919) % 5000}`);
      for (let i = 0; i < all.length; i += 500) {
        await store.txn({
          success: all.slice(i, i + 500).map((key) => ({ type: "put", key, value: enc("") })),
        });
      }
      for (let i = 0; i < all.length; i += 3) await store.delete(all[i]);
      const want = all.filter((_, i) => i % 3 !== 0).sort();
      assert.deepEqual(
        (await store.range("k/")).kvs.map((kv) => kv.key),
        want,
      );
      assert.deepEqual(
        (await store.range("k/12")).kvs.map((kv) => kv.key),
        want.filter((k) => k.startsWith("k/12")),
      );
    });

    it("gets a key with its revisions and version", async () => {
      const { store } = open();
      assert.equal(await store.get("a"), undefined);
      await store.put("a", enc("1")); // rev 2
      await store.put("b", enc("x")); // rev 3
      await store.put("a", enc("2")); // rev 4
      assert.deepEqual(await store.get("a"), {
        key: "a",
        value: enc("2"),
        createRevision: 2,
        modRevision: 4,
        version: 2,
        lease: 0,
      });
    });

    it("keeps createRevision across updates and resets it after delete and recreate", async () => {
      const { store } = open();
      await store.put("k", enc("1")); // 2
      await store.put("k", enc("2")); // 3
      await store.put("k", enc("3")); // 4
      let kv = await store.get("k");
      assert.equal(kv?.createRevision, 2);
      assert.equal(kv?.modRevision, 4);
      assert.equal(kv?.version, 3);
      await store.delete("k"); // 5
      await store.put("k", enc("again")); // 6
      kv = await store.get("k");
      assert.equal(kv?.createRevision, 6);
      assert.equal(kv?.version, 1);
    });

    it("compares modRevision, createRevision, version and value (a missing key is 0)", async () => {
      const { store } = open();
      await store.put("a", enc("hello")); // 2
      await store.put("a", enc("world")); // 3
      const check = async (compare: Parameters<Store["txn"]>[0]["compare"]) =>
        (await store.txn({ compare, success: [] })).succeeded;
      assert.equal(await check([{ key: "a", target: "modRevision", op: "==", value: 3 }]), true);
      assert.equal(await check([{ key: "a", target: "modRevision", op: "<", value: 3 }]), false);
      assert.equal(await check([{ key: "a", target: "createRevision", op: "==", value: 2 }]), true);
      assert.equal(await check([{ key: "a", target: "createRevision", op: ">", value: 1 }]), true);
      assert.equal(await check([{ key: "a", target: "version", op: "==", value: 2 }]), true);
      assert.equal(await check([{ key: "a", target: "version", op: "!=", value: 2 }]), false);
      assert.equal(await check([{ key: "a", target: "value", op: "==", value: enc("world") }]), true);
      assert.equal(await check([{ key: "a", target: "value", op: "<", value: enc("zzz") }]), true);
      assert.equal(await check([{ key: "a", target: "value", op: ">", value: enc("zzz") }]), false);
      assert.equal(await check([{ key: "a", target: "value", op: "!=", value: enc("hello") }]), true);
      // Missing key: revisions and version are 0; a value compare fails whatever the op.
      assert.equal(await check([{ key: "m", target: "createRevision", op: "==", value: 0 }]), true);
      assert.equal(await check([{ key: "m", target: "modRevision", op: "==", value: 0 }]), true);
      assert.equal(await check([{ key: "m", target: "version", op: "<", value: 1 }]), true);
      assert.equal(await check([{ key: "m", target: "value", op: "==", value: enc("") }]), false);
      // All compares must hold.
      assert.equal(
        await check([
          { key: "a", target: "version", op: "==", value: 2 },
          { key: "m", target: "version", op: "==", value: 1 },
        ]),
        false,
      );
      assert.equal(await store.revision(), 3);
    });

    it("applies the success or the failure branch", async () => {
      const { store } = open();
      // Create-if-absent, twice: the second goes to the failure branch.
      const create = () =>
        store.txn({
          compare: [{ key: "lock", target: "createRevision", op: "==", value: 0 }],
          success: [{ type: "put", key: "lock", value: enc("mine") }],
          failure: [{ type: "put", key: "lost", value: enc("yes") }],
        });
      assert.deepEqual(await create(), { succeeded: true, revision: 2 });
      assert.deepEqual(await create(), { succeeded: false, revision: 3 });
      assert.equal(dec((await store.get("lock"))!.value), "mine");
      assert.equal(dec((await store.get("lost"))!.value), "yes");
    });

    it("deletes a prefix in one revision", async () => {
      const { store } = open();
      for (const k of ["n/1", "n/2", "n/3", "m/1", "n"]) await store.put(k, enc(k));
      const w = recorder();
      store.watch("", 0, w.handlers);
      await sleep(0);
      const r = await store.txn({ success: [{ type: "deletePrefix", prefix: "n/" }] });
      assert.equal(r.revision, 7);
      assert.deepEqual(
        (await store.range("")).kvs.map((kv) => kv.key),
        ["m/1", "n"],
      );
      assert.deepEqual(w.batches.length, 1);
      assert.deepEqual(w.flat(), ["delete n/1", "delete n/2", "delete n/3"]);
      const e = w.batches[0].events[0];
      assert.equal(e.kv.modRevision, 7);
      assert.equal(e.kv.value.length, 0);
      assert.equal(dec(e.prevKv!.value), "n/1");
    });

    it("notifies watchers before a write resolves", async () => {
      const { store } = open();
      const w = recorder();
      store.watch("", 0, w.handlers);
      await sleep(0);
      const r = await store.put("a", enc("1"));
      assert.deepEqual(
        w.batches.map((b) => b.revision),
        [r.revision],
      );
    });

    it("replays a watch from a past revision, then goes live", async () => {
      const { store } = open();
      await store.put("svc/a", enc("1")); // 2
      await store.put("other", enc("x")); // 3
      await store.put("svc/b", enc("1")); // 4
      await store.put("svc/a", enc("2")); // 5
      const w = recorder();
      store.watch("svc/", 3, w.handlers);
      await store.put("svc/c", enc("1")); // 6, written before the watch has started
      await sleep(0);
      await store.txn({
        success: [
          { type: "put", key: "svc/d", value: enc("1") },
          { type: "put", key: "other", value: enc("y") },
          { type: "delete", key: "svc/b" },
        ],
      }); // 7
      await store.put("other", enc("z")); // 8: not under the prefix
      assert.deepEqual(
        w.batches.map((b) => b.revision),
        [4, 5, 6, 7],
      );
      assert.deepEqual(w.flat(), [
        "put svc/b=1",
        "put svc/a=2",
        "put svc/c=1",
        "put svc/d=1",
        "delete svc/b",
      ]);
      const a2 = w.batches[1].events[0];
      assert.equal(a2.kv.createRevision, 2);
      assert.equal(a2.kv.version, 2);
      assert.equal(dec(a2.prevKv!.value), "1");
      assert.equal(w.batches[0].events[0].prevKv, undefined);
    });

    it("delivers the events of one txn together, and only its prefix", async () => {
      const { store } = open();
      const a = recorder();
      const b = recorder();
      store.watch("a/", 0, a.handlers);
      store.watch("b/", 0, b.handlers);
      await sleep(0);
      await store.txn({
        success: [
          { type: "put", key: "a/1", value: enc("1") },
          { type: "put", key: "b/1", value: enc("1") },
          { type: "put", key: "a/2", value: enc("1") },
        ],
      });
      await store.put("c/1", enc("1"));
      assert.deepEqual(a.batches.length, 1);
      assert.deepEqual(a.flat(), ["put a/1=1", "put a/2=1"]);
      assert.deepEqual(b.flat(), ["put b/1=1"]);
    });

    it("stops a cancelled watch", async () => {
      const { store } = open();
      const w = recorder();
      const watch = store.watch("", 0, w.handlers);
      await sleep(0);
      await store.put("a", enc("1"));
      watch.cancel();
      await store.put("a", enc("2"));
      assert.deepEqual(w.flat(), ["put a=1"]);
    });

    it("keeps order when a watcher writes from its handler", async () => {
      const { store } = open();
      const seen: number[] = [];
      store.watch("", 0, {
        onEvents: (_e, rev) => {
          seen.push(rev);
          if (rev === 2) void store.put("second", enc(""));
        },
        onCompacted: () => {},
      });
      const other = recorder();
      store.watch("", 0, other.handlers);
      await sleep(0);
      await store.put("first", enc(""));
      await waitFor("both events", () => other.batches.length === 2);
      assert.deepEqual(seen, [2, 3]);
      assert.deepEqual(
        other.batches.map((b) => b.revision),
        [2, 3],
      );
    });

    it("signals compaction to a watch from before it", async () => {
      const { store } = open();
      for (let i = 0; i < 5; i++) await store.put("k", enc(String(i))); // 2..6
      await store.compact(4);
      const old = recorder();
      store.watch("", 3, old.handlers);
      const ok = recorder();
      store.watch("", 4, ok.handlers);
      await sleep(10);
      assert.deepEqual(old.compacted, [4]);
      assert.deepEqual(old.batches, []);
      assert.deepEqual(
        ok.batches.map((b) => b.revision),
        [4, 5, 6],
      );
      await assert.rejects(store.compact(100));
    });

    it("keeps only historyLimit revisions of history", async () => {
      const { store } = open({ historyLimit: 10 });
      for (let i = 0; i < 30; i++) await store.put("k", enc(String(i))); // 2..31
      const old = recorder();
      store.watch("", 2, old.handlers);
      const recent = recorder();
      store.watch("", 30, recent.handlers);
      await sleep(10);
      assert.equal(old.compacted.length, 1);
      assert.ok(old.compacted[0] > 2 && old.compacted[0] <= 22, `compacted at ${old.compacted[0]}`);
      assert.deepEqual(
        recent.batches.map((b) => b.revision),
        [30, 31],
      );
    });

    it("expires a lease: its keys vanish in one revision", async () => {
      const { store } = open();
      const lease = await store.leaseGrant(1);
      assert.ok(lease > 0);
      await store.put("l/1", enc("1"), { lease });
      await store.put("l/2", enc("1"), { lease });
      await store.put("l/3", enc("1"));
      assert.equal((await store.get("l/1"))?.lease, lease);
      const w = recorder();
      store.watch("l/", 0, w.handlers);
      const t0 = Date.now();
      await waitFor("lease expiry", () => w.batches.length > 0, 3000);
      assert.ok(Date.now() - t0 > 800, "expired too early");
      assert.deepEqual(w.flat(), ["delete l/1", "delete l/2"]);
      assert.deepEqual(
        (await store.range("l/")).kvs.map((kv) => kv.key),
        ["l/3"],
      );
      await assert.rejects(store.leaseKeepAlive(lease), LeaseNotFoundError);
      await assert.rejects(store.put("l/4", enc(""), { lease }), LeaseNotFoundError);
    });

    it("extends a lease on keep-alive", async () => {
      const { store } = open();
      const lease = await store.leaseGrant(1);
      await store.put("k", enc("1"), { lease });
      await sleep(600);
      await store.leaseKeepAlive(lease);
      await sleep(600);
      assert.ok(await store.get("k"), "key expired despite keep-alive");
      await store.leaseKeepAlive(lease);
      await waitFor("expiry", async () => (await store.get("k")) === undefined, 3000);
    });

    it("revokes a lease: its keys go in one revision", async () => {
      const { store } = open();
      const lease = await store.leaseGrant(60);
      await store.put("a", enc("1"), { lease }); // 2
      await store.put("b", enc("1"), { lease }); // 3
      await store.put("b", enc("2")); // 4: no longer under the lease
      const w = recorder();
      store.watch("", 0, w.handlers);
      await sleep(0);
      await store.leaseRevoke(lease);
      assert.deepEqual(w.flat(), ["delete a"]);
      assert.equal(w.batches[0].revision, 5);
      assert.equal(await store.revision(), 5);
      assert.ok(await store.get("b"));
      await assert.rejects(store.leaseRevoke(lease), LeaseNotFoundError);
      await assert.rejects(store.leaseKeepAlive(lease), LeaseNotFoundError);
      await assert.rejects(store.put("c", enc(""), { lease: 12345 }), LeaseNotFoundError);
      assert.equal(await store.revision(), 5);
    });

    it("group-commits concurrent writes with consecutive revisions", async () => {
      const { store } = open();
      const w = recorder();
      store.watch("g/", 0, w.handlers);
      await sleep(0);
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => store.put(`g/${i}`, enc(String(i)))),
      );
      const revs = results.map((r) => r.revision);
      assert.deepEqual(
        revs,
        Array.from({ length: 1000 }, (_, i) => i + 2),
      );
      assert.equal((await store.range("g/")).kvs.length, 1000);
      assert.deepEqual(
        w.batches.map((b) => b.revision),
        revs,
      );
    });

    it("evaluates each txn of a batch against the ones before it", async () => {
      const { store } = open();
      const create = (v: string) =>
        store.txn({
          compare: [{ key: "once", target: "createRevision", op: "==", value: 0 }],
          success: [{ type: "put", key: "once", value: enc(v) }],
        });
      const results = await Promise.all([create("a"), create("b"), create("c")]);
      assert.deepEqual(
        results.map((r) => r.succeeded),
        [true, false, false],
      );
      assert.equal(dec((await store.get("once"))!.value), "a");
    });

    it("fails watchers and calls once closed", async () => {
      const { store } = open();
      const w = recorder();
      store.watch("", 0, w.handlers);
      await sleep(0);
      await store.close();
      assert.equal(w.errors.length, 1);
      await assert.rejects(store.put("a", enc("")));
      await assert.rejects(store.range(""));
    });

    if (backend.name !== "sqlite") return;

    it("persists across close and reopen", async () => {
      const { store, reopen } = open();
      const lease = await store.leaseGrant(60);
      await store.put("a", enc("1")); // 2
      await store.put("a", enc("2")); // 3
      await store.put("b", enc("1"), { lease }); // 4
      await store.put("c", enc("1")); // 5
      await store.delete("c"); // 6
      await store.compact(3);
      const before = await store.range("");
      await store.close();

      const again = reopen!();
      assert.deepEqual(await again.range(""), before);
      assert.equal(await again.revision(), 6);
      await again.leaseKeepAlive(lease);
      const w = recorder();
      again.watch("", 3, w.handlers);
      const old = recorder();
      again.watch("", 2, old.handlers);
      await sleep(10);
      assert.deepEqual(old.compacted, [3]);
      assert.deepEqual(w.flat(), ["put a=2", "put b=1", "put c=1", "delete c"]);
      assert.equal(dec(w.batches[0].events[0].prevKv!.value), "1");
      assert.deepEqual(await again.put("d", enc("")), { succeeded: true, revision: 7 });
      await again.leaseRevoke(lease);
      assert.equal(await again.get("b"), undefined);
    });

    it("keeps a live key's only row through compaction, and drops superseded ones", async () => {
      const { store, reopen } = open();
      await store.put("old", enc("kept")); // 2: never written again
      for (let i = 0; i < 20; i++) await store.put("hot", enc(String(i))); // 3..22
      await store.put("gone", enc("x")); // 23
      await store.delete("gone"); // 24
      await store.compact(24);
      const before = await store.range("");
      await store.close();
      const again = reopen!();
      assert.deepEqual(await again.range(""), before);
      assert.deepEqual(
        (await again.range("")).kvs.map((kv) => [kv.key, dec(kv.value), kv.createRevision, kv.modRevision]),
        [
          ["hot", "19", 3, 22],
          ["old", "kept", 2, 2],
        ],
      );
      assert.equal(await again.revision(), 24);
      await again.close();
    });

    it("gives leases their full TTL again after reopen, then expires them", async () => {
      const { store, reopen } = open();
      const lease = await store.leaseGrant(1);
      await store.put("k", enc(""), { lease });
      await store.close();
      await sleep(1100); // expired while closed: nobody deleted the key
      const again = reopen!();
      assert.ok(await again.get("k"));
      await waitFor("expiry after reopen", async () => (await again.get("k")) === undefined, 3000);
    });

    it("keeps every acknowledged write through SIGKILL", async () => {
      const { reopen } = open();
      const dir = dirs[dirs.length - 1];
      const script = join(dir, "child.mjs");
      const sqliteUrl = pathToFileURL(fileURLToPath(new URL("./sqlite.ts", import.meta.url))).href;
      writeFileSync(
        script,
        `import { openSqliteStore } from ${JSON.stringify(sqliteUrl)};
const store = openSqliteStore(process.argv[2]);
let n = 0;
async function writer() {
  for (;;) {
    const i = n++;
    const r = await store.put("crash/" + i, new TextEncoder().encode("v" + i));
    process.stdout.write(i + " " + r.revision + "\\n");
  }
}
for (let w = 0; w < 20; w++) writer();
`,
      );
      const root = fileURLToPath(new URL("../..", import.meta.url));
      // The first open above made the file; the child writes to it.
      await opened.pop()!.close();
      const child = spawn(process.execPath, ["--import", "tsx", script, join(dir, "store.db")], {
        cwd: root,
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.split("\n").length > 500) child.kill("SIGKILL");
      });
      const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(guard);
      const acked = out
        .split("\n")
        .slice(0, -1) // the last piece may be a torn line
        .map((l) => l.split(" ").map(Number));
      assert.ok(acked.length >= 500, `only ${acked.length} writes acknowledged`);

      const again = reopen!();
      for (const [i, rev] of acked) {
        const kv = await again.get(`crash/${i}`);
        assert.ok(kv, `acknowledged write crash/${i} lost`);
        assert.equal(dec(kv.value), `v${i}`);
        assert.equal(kv.modRevision, rev);
      }
      assert.ok((await again.revision()) >= Math.max(...acked.map(([, rev]) => rev)));
    });
  });
}
