// A tiny promise wrapper over IndexedDB, in the spirit of idb-keyval: one lazily opened connection that is
// opened again when the browser closes it. Safari closes connections of pages in the background, and
// clearing site data closes them everywhere; the next transaction() then throws InvalidStateError. Without
// a reopen, a page left open overnight on a kiosk could never write again.

/**
 * The result of one IDBRequest as a promise. Inside a transaction callback, awaiting it keeps the
 * transaction alive (the continuation runs as a microtask before the transaction can commit).
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
export function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function connect(name, version, upgrade) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, version);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function transactionDone(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException("transaction aborted", "AbortError"));
  });
}

/** @typedef {ReturnType<typeof openDatabase>} Database */

/**
 * Open (lazily) the database `name` at `version`; `upgrade(db, oldVersion)` creates the stores.
 * @param {string} name
 * @param {number} version
 * @param {(db: IDBDatabase, oldVersion: number) => void} upgrade
 */
export function openDatabase(name, version, upgrade) {
  let pending = null;

  function connection() {
    if (pending === null) {
      const opening = connect(name, version, upgrade).then((db) => {
        const forget = () => {
          if (pending === opening) pending = null;
        };
        db.onclose = forget;
        // Another tab wants a newer schema: step aside, and open the new version on next use.
        db.onversionchange = () => {
          db.close();
          forget();
        };
        return db;
      });
      opening.catch(() => {
        if (pending === opening) pending = null;
      });
      pending = opening;
    }
    return pending;
  }

  async function run(storeNames, mode, fn) {
    for (let attempt = 1; ; attempt += 1) {
      const opening = connection();
      const db = await opening;
      let tx;
      try {
        // strict: the write is on disk when the promise resolves, so an acknowledged report survives a crash.
        tx = db.transaction(storeNames, mode, mode === "readwrite" ? { durability: "strict" } : undefined);
      } catch (err) {
        if (err.name !== "InvalidStateError" || attempt > 1) throw err;
        // The connection was closed under us without an onclose event (db.close() elsewhere, or Safari).
        if (pending === opening) pending = null;
        continue;
      }
      const done = transactionDone(tx);
      let value;
      try {
        value = await fn(tx);
      } catch (err) {
        try {
          tx.abort();
        } catch {
          // Already finished or aborted by the failed request: nothing was committed either way.
        }
        await done.catch(() => {});
        throw err;
      }
      try {
        await done;
        return value;
      } catch (err) {
        // A connection closed mid-transaction aborts it and commits nothing, so running it again is safe.
        if (pending === opening || attempt > 1) throw err;
      }
    }
  }

  return {
    name,
    /**
     * Run `fn(tx)` in a read-only transaction over `storeNames`; resolves with its value.
     * `fn` may run twice (after a closed connection) and must only touch the transaction.
     */
    read: (storeNames, fn) => run(storeNames, "readonly", fn),
    /** Like `read`, in a read-write transaction that commits with strict durability. */
    write: (storeNames, fn) => run(storeNames, "readwrite", fn),
    /** Close the connection; a later read or write opens it again. */
    async close() {
      const opening = pending;
      pending = null;
      if (opening !== null) (await opening.catch(() => null))?.close();
    },
  };
}
