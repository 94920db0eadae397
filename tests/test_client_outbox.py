"""sync/client/outbox.js in Chromium: a local change and its outbox row are written together or not at all."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.support.fixtures import harness_server, open_harness  # noqa: F401  (fixtures are found by name)

pytestmark = pytest.mark.browser

# Everything in one local database: outbox rows, cases and the meta record.
READ_ALL = """async (name) => {
  const db = harness.openLocal(name);
  const get = (store, fn) => db.read([store], (tx) => new Promise((ok, fail) => {
    const r = fn(tx.objectStore(store)); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error);
  }));
  const out = {
    outbox: await get("outbox", (s) => s.getAll()),
    cases: await get("cases", (s) => s.getAll()),
    meta: await get("meta", (s) => s.get("client")),
  };
  await db.close();
  return out;
}"""


def test_change_row_and_mid_commit_together(browser: Browser, harness_server: str) -> None:
    context = browser.new_context()
    page = open_harness(context, harness_server)
    failures = page.evaluate("""async () => {
      const db = harness.openLocal("atomic");
      const { enqueue } = harness.outbox;
      await enqueue(db, "case.create", { id: "c1", description: "路灯不亮" }, { id: "c1", description: "路灯不亮" });
      const attempts = {
        throws: () => enqueue(db, "case.note", { id: "c1", note_id: "n1", text: "x" },
                              () => { throw new Error("app bug"); }),
        caseWithoutKey: () => enqueue(db, "case.create", { id: "c2" }, { description: "no id" }),
        caseNotCloneable: () => enqueue(db, "case.create", { id: "c2" }, { id: "c2", f: () => 1 }),
        // The case write succeeds first; the row then fails, and the case write must roll back with it.
        rowNotCloneable: () => enqueue(db, "case.note", { id: "c1", note_id: "n2", f: () => 1 },
                                       (current) => ({ ...current, description: "changed" })),
        unknownName: () => enqueue(db, "case.explode", { id: "c1" }, { id: "c1", description: "changed" }),
        noCaseId: () => enqueue(db, "case.create", {}, { id: "c3" }),
      };
      const failures = {};
      for (const [label, attempt] of Object.entries(attempts)) {
        try { await attempt(); failures[label] = null; } catch (err) { failures[label] = err.name; }
      }
      await enqueue(db, "case.note", { id: "c1", note_id: "n3", text: "补充" },
                    (current, row) => ({ ...current, notes: [{ text: "补充", hlc: row.hlc }] }));
      await db.close();
      return failures;
    }""")
    assert failures == {"throws": "Error", "caseWithoutKey": "DataError", "caseNotCloneable": "DataCloneError",
                        "rowNotCloneable": "DataCloneError", "unknownName": "TypeError", "noCaseId": "TypeError"}
    stored = page.evaluate(READ_ALL, "atomic")
    # Only the two successful calls left a trace, and their mids follow each other with no hole.
    assert [(r["mid"], r["name"]) for r in stored["outbox"]] == [(1, "case.create"), (2, "case.note")]
    assert stored["meta"]["next_mid"] == 3
    assert [c["id"] for c in stored["cases"]] == ["c1"]
    c1 = stored["cases"][0]
    assert c1["description"] == "路灯不亮"
    assert c1["notes"] == [{"text": "补充", "hlc": stored["outbox"][1]["hlc"]}]
    assert stored["outbox"][0]["hlc"] < stored["outbox"][1]["hlc"]
    assert len(stored["meta"]["client_id"]) == 32 and int(stored["meta"]["client_id"], 16) >= 0
    context.close()


def test_rows_leave_only_when_acknowledged(browser: Browser, harness_server: str) -> None:
    context = browser.new_context()
    page = open_harness(context, harness_server)
    result = page.evaluate("""async () => {
      const db = harness.openLocal("ack");
      const { enqueue, acknowledge, pendingRows, pendingCount, rejectedRows } = harness.outbox;
      for (let i = 1; i <= 5; i += 1) await enqueue(db, "case.create", { id: `c${i}` }, { id: `c${i}` });
      const before = await pendingCount(db);
      const left = await acknowledge(db, 3, [
        { mid: 1, status: "applied" }, { mid: 2, status: "rejected", error: "forbidden", message: "只能操作自己的诉求" },
        { mid: 3, status: "duplicate" },
      ]);
      const out = { before, left, pending: (await pendingRows(db)).map((r) => r.mid),
                    forCase: (await pendingRows(db, { caseId: "c5" })).map((r) => r.mid),
                    rejected: await rejectedRows(db) };
      await db.close();
      return out;
    }""")
    assert result["before"] == 5 and result["left"] == 3
    assert result["pending"] == [4, 5] and result["forCase"] == [5]
    [rejected] = result["rejected"]
    assert (rejected["mid"], rejected["error"], rejected["message"]) == (2, "forbidden", "只能操作自己的诉求")
    assert rejected["args"] == {"id": "c2"}
    context.close()


def test_two_tabs_enqueueing_at_once_get_distinct_mids(browser: Browser, harness_server: str) -> None:
    context = browser.new_context()
    tabs = [open_harness(context, harness_server), open_harness(context, harness_server)]
    script = """async (tab) => {
      const db = harness.openLocal("tabs");
      await Promise.all(Array.from({ length: 25 }, (_, i) =>
        harness.outbox.enqueue(db, "case.create", { id: `${tab}-${i}` }, { id: `${tab}-${i}` })));
      await db.close();
    }"""
    handles = [tab.evaluate_handle(f"() => ({script})({i})") for i, tab in enumerate(tabs)]
    for handle in handles:
        handle.json_value()
    stored = tabs[0].evaluate(READ_ALL, "tabs")
    assert [r["mid"] for r in stored["outbox"]] == list(range(1, 51))
    assert len({r["args"]["id"] for r in stored["outbox"]}) == 50 == len(stored["cases"])
    assert stored["meta"]["next_mid"] == 51
    context.close()


def test_writes_survive_the_browser_closing_the_connection(browser: Browser, harness_server: str) -> None:
    context = browser.new_context()
    page = open_harness(context, harness_server)
    mids = page.evaluate("""async () => {
      const db = harness.openLocal("closed");
      const { enqueue } = harness.outbox;
      const mids = [(await enqueue(db, "case.create", { id: "a" }, { id: "a" })).mid];
      harness.closeConnections();  // what Safari does to a page in the background
      mids.push((await enqueue(db, "case.create", { id: "b" }, { id: "b" })).mid);
      harness.closeConnections();
      mids.push((await harness.outbox.pendingCount(db)));
      await db.close();
      return mids;
    }""")
    assert mids == [1, 2, 2]
    context.close()


def test_writes_go_on_after_site_data_is_cleared_under_the_page(browser: Browser, harness_server: str) -> None:
    context = browser.new_context()
    page = open_harness(context, harness_server)
    page.evaluate("""async () => {
      window.cleared = harness.openLocal("cleared");
      await harness.outbox.enqueue(cleared, "case.create", { id: "a" }, { id: "a" });
      window.closeEvents = 0;
      harness.connections.forEach((db) => db.addEventListener("close", () => { window.closeEvents += 1; }));
    }""")
    cdp = context.new_cdp_session(page)
    cdp.send("Storage.clearDataForOrigin", {"origin": harness_server, "storageTypes": "indexeddb"})
    page.wait_for_function("() => window.closeEvents > 0")  # the browser closed the connection: onclose
    row = page.evaluate("""async () => {
      const row = await harness.outbox.enqueue(cleared, "case.create", { id: "b" }, { id: "b" });
      return { row, pending: await harness.outbox.pendingCount(cleared) };
    }""")
    # The data is gone (that is what clearing means), but the page writes again instead of failing forever.
    assert row["row"]["mid"] == 1 and row["pending"] == 1
    context.close()
