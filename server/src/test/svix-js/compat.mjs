// Drives a Herald server with the official Svix JavaScript SDK (svix 2.5.0) and asserts what comes back.
//
//   HERALD_URL=http://127.0.0.1:8080 HERALD_TOKEN=... RECEIVER_URL=http://127.0.0.1:9000 node compat.mjs
//
// Prints one line per step. Exits 0 when every step passed; otherwise prints the failing step, the SDK error and
// the HTTP body, and exits 1. The last line on success is `RESULT {...}` (JSON with the ids it created), which
// SvixSdkCompatTest reads to check the deliveries on the receiver side.
//
// Names carry a per-run suffix, so the script can also run against a server that is not fresh.

import assert from "node:assert/strict";
import {
  ApiException,
  MessageAttemptTriggerType,
  MessageStatus,
  MessageStatusText,
  Svix,
} from "svix";

const HERALD_URL = required("HERALD_URL");
const HERALD_TOKEN = required("HERALD_TOKEN");
const RECEIVER_URL = required("RECEIVER_URL").replace(/\/+$/, "");

const svix = new Svix(HERALD_TOKEN, { serverUrl: HERALD_URL, requestTimeout: 15_000 });
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const ATTEMPT_WAIT_MS = 10_000;

// COMPAT_KEEP_GOING=1 runs the remaining steps after a failure (later steps may fail for want of earlier results).
const KEEP_GOING = Boolean(process.env.COMPAT_KEEP_GOING);

let passed = 0;
let failed = 0;

async function step(name, fn) {
  try {
    const note = await fn();
    passed++;
    console.log(`ok   ${name}${note ? ` (${note})` : ""}`);
  } catch (e) {
    fail(name, e);
  }
}

function fail(name, e) {
  failed++;
  console.log(`FAIL ${name}`);
  if (e instanceof ApiException) {
    console.log(`  SDK error: ApiException, HTTP ${e.code}`);
    console.log(`  HTTP body: ${typeof e.body === "string" ? e.body : JSON.stringify(e.body)}`);
  } else {
    console.log(`  error: ${e?.stack ?? e}`);
    if (e?.cause) {
      console.log(`  cause: ${e.cause?.stack ?? e.cause}`);
    }
  }
  if (!KEEP_GOING) {
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(1);
  }
}

function required(name) {
  const v = process.env[name];
  if (!v) {
    console.log(`FAIL setup\n  error: environment variable ${name} is not set`);
    process.exit(1);
  }
  return v;
}

/** Runs `call`, which must fail with an ApiException of HTTP `status`; returns the exception. */
async function expectApiError(status, call) {
  let result;
  try {
    result = await call();
  } catch (e) {
    if (!(e instanceof ApiException)) {
      throw e;
    }
    assert.equal(e.code, status, `expected HTTP ${status}, got ${e.code}: ${JSON.stringify(e.body)}`);
    return e;
  }
  assert.fail(`expected an ApiException with HTTP ${status}, but the call returned ${JSON.stringify(result)}`);
}

function assertDate(value, field) {
  assert.ok(value instanceof Date && !Number.isNaN(value.getTime()), `${field} must parse as a date, got ${value}`);
}

/** Follows `iterator` with limit=1 until `done`; returns every item. */
async function listAllOneByOne(list) {
  const items = [];
  let iterator = undefined;
  for (let page = 0; page < 200; page++) {
    const res = await list({ limit: 1, iterator });
    assert.ok(res.data.length <= 1, `limit=1 returned ${res.data.length} items`);
    items.push(...res.data);
    if (res.done) {
      return items;
    }
    assert.ok(res.iterator, "a page that is not done must carry an iterator");
    iterator = res.iterator;
  }
  assert.fail("paging with limit=1 did not finish within 200 pages");
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `fetch` every 100 ms until `ok(value)`, for at most ATTEMPT_WAIT_MS. */
async function waitFor(what, fetch, ok) {
  const deadline = Date.now() + ATTEMPT_WAIT_MS;
  let last;
  while (Date.now() < deadline) {
    last = await fetch();
    if (ok(last)) {
      return last;
    }
    await sleep(100);
  }
  assert.fail(`${what} within ${ATTEMPT_WAIT_MS} ms; last seen: ${JSON.stringify(last)}`);
}

// ---------------------------------------------------------------------------------------------------------------

const appUid = `compat-${run}`;
const otherUid = `compat-${run}-other`;
const eventType = `compat.${run}.order.created`;
const scratchType = `compat.${run}.scratch`;
const endpointUid = `ep-${run}`;
const eventId = `evt-${run}`;
const payload = { compat: true, run, order: { id: 42, total: "19.99", items: ["a", "b"] }, note: "héllo" };

let app;
let other;
let ep;
let msg;
let attempt;

await step("health.get", async () => {
  assert.equal(await svix.health.get(), undefined);
});

// ---- application ----

await step("application.create with uid", async () => {
  app = await svix.application.create({ name: "Compat app", uid: appUid, metadata: { team: "payments" } });
  assert.ok(app.id, "id");
  assert.equal(app.uid, appUid);
  assert.equal(app.name, "Compat app");
  assert.deepEqual(app.metadata, { team: "payments" });
  assertDate(app.createdAt, "createdAt");
  assertDate(app.updatedAt, "updatedAt");
  return app.id;
});

await step("application.create with a taken uid is 409", async () => {
  await expectApiError(409, () => svix.application.create({ name: "Dup", uid: appUid }));
});

await step("application.getOrCreate returns the existing app", async () => {
  const again = await svix.application.getOrCreate({ name: "Ignored", uid: appUid });
  assert.equal(again.id, app.id);
  assert.equal(again.name, "Compat app");
});

await step("application.getOrCreate creates a missing app", async () => {
  other = await svix.application.getOrCreate({ name: "Second app", uid: otherUid });
  assert.notEqual(other.id, app.id);
  assert.equal(other.uid, otherUid);
  return other.id;
});

await step("application.get by id and by uid", async () => {
  const byId = await svix.application.get(app.id);
  const byUid = await svix.application.get(appUid);
  assert.equal(byId.id, app.id);
  assert.equal(byUid.id, app.id);
  assert.equal(byUid.name, "Compat app");
});

await step("application.list with limit=1 and the iterator", async () => {
  const all = await listAllOneByOne((o) => svix.application.list(o));
  const ids = all.map((a) => a.id);
  assert.ok(ids.includes(app.id) && ids.includes(other.id), `both apps listed: ${ids}`);
  assert.equal(new Set(ids).size, ids.length, "no app listed twice");
  assertDate(all[0].createdAt, "createdAt");
  return `${all.length} apps`;
});

await step("application.list pages backwards with prevIterator", async () => {
  const first = await svix.application.list({ limit: 1 });
  if (first.done) {
    return "single page";
  }
  const second = await svix.application.list({ limit: 1, iterator: first.iterator });
  assert.ok(second.prevIterator, "second page has a prevIterator");
  const back = await svix.application.list({ limit: 1, iterator: second.prevIterator });
  assert.deepEqual(back.data.map((a) => a.id), first.data.map((a) => a.id));
});

await step("application.upsert (PUT) updates", async () => {
  const updated = await svix.application.upsert(app.id, { name: "Compat app v2", uid: appUid, metadata: { team: "payments" } });
  assert.equal(updated.id, app.id);
  assert.equal(updated.name, "Compat app v2");
  assert.ok(updated.updatedAt >= app.updatedAt);
});

await step("application.upsert (PUT) creates an unknown uid", async () => {
  const created = await svix.application.upsert(`${otherUid}-put`, { name: "Put app" });
  assert.equal(created.uid, `${otherUid}-put`);
  await svix.application.delete(created.id);
});

await step("application.patch", async () => {
  const patched = await svix.application.patch(app.id, { name: "Compat app v3" });
  assert.equal(patched.name, "Compat app v3");
  assert.equal(patched.uid, appUid);
  assert.deepEqual(patched.metadata, { team: "payments" }, "patch keeps fields it does not name");
});

await step("application.delete", async () => {
  assert.equal(await svix.application.delete(other.id), undefined);
  await expectApiError(404, () => svix.application.get(other.id));
});

await step("a 404 carries Svix's HttpErrorOut body", async () => {
  const e = await expectApiError(404, () => svix.application.get(`missing-${run}`));
  assert.equal(typeof e.body.code, "string");
  assert.equal(typeof e.body.detail, "string");
});

await step("a 422 carries Svix's HTTPValidationError body", async () => {
  const e = await expectApiError(422, () => svix.application.create({ name: "Bad", uid: "not valid!" }));
  assert.ok(Array.isArray(e.body.detail), `detail must be a list, got ${JSON.stringify(e.body)}`);
  const item = e.body.detail[0];
  assert.ok(Array.isArray(item.loc) && item.loc.includes("uid"), `loc names the field: ${JSON.stringify(item)}`);
  assert.equal(typeof item.msg, "string");
  assert.equal(typeof item.type, "string");
});

// ---- event types ----

await step("eventType.create", async () => {
  const t = await svix.eventType.create({
    name: scratchType,
    description: "Scratch type",
    schemas: { 1: { type: "object", properties: { id: { type: "integer" } } } },
  });
  assert.equal(t.name, scratchType);
  assert.equal(t.description, "Scratch type");
  assert.equal(t.archived, false);
  assert.equal(t.deprecated, false);
  assertDate(t.createdAt, "createdAt");
  const main = await svix.eventType.create({ name: eventType, description: "An order was created" });
  assert.equal(main.name, eventType);
});

await step("eventType.create with a taken name is 409", async () => {
  await expectApiError(409, () => svix.eventType.create({ name: scratchType, description: "again" }));
});

await step("eventType.get", async () => {
  const t = await svix.eventType.get(scratchType);
  assert.equal(t.name, scratchType);
  assert.equal(t.description, "Scratch type");
  assert.deepEqual(t.schemas, { 1: { type: "object", properties: { id: { type: "integer" } } } });
});

await step("eventType.list", async () => {
  const all = await listAllOneByOne((o) => svix.eventType.list(o));
  const names = all.map((t) => t.name);
  assert.ok(names.includes(scratchType) && names.includes(eventType), `both types listed: ${names}`);
  return `${all.length} types`;
});

await step("eventType.upsert (PUT) updates", async () => {
  const t = await svix.eventType.upsert(scratchType, { description: "Scratch type v2" });
  assert.equal(t.name, scratchType);
  assert.equal(t.description, "Scratch type v2");
});

await step("eventType.patch", async () => {
  const t = await svix.eventType.patch(scratchType, { deprecated: true });
  assert.equal(t.deprecated, true);
  assert.equal(t.description, "Scratch type v2", "patch keeps the description");
});

await step("eventType.delete archives", async () => {
  assert.equal(await svix.eventType.delete(scratchType), undefined);
  const t = await svix.eventType.get(scratchType);
  assert.equal(t.archived, true);
  const listed = (await svix.eventType.list({ limit: 250 })).data.map((x) => x.name);
  assert.ok(!listed.includes(scratchType), "archived types are not listed by default");
  const withArchived = (await svix.eventType.list({ limit: 250, includeArchived: true })).data.map((x) => x.name);
  assert.ok(withArchived.includes(scratchType), "includeArchived lists it");
});

// ---- endpoint ----

await step("endpoint.create with eventTypes (filter types), channels, metadata, headers", async () => {
  ep = await svix.endpoint.create(app.id, {
    url: `${RECEIVER_URL}/svix`,
    uid: endpointUid,
    description: "Compat endpoint",
    eventTypes: [eventType],
    channels: ["compat"],
    metadata: { env: "test" },
    headers: { "X-Compat-Create": "yes" },
  });
  assert.ok(ep.id, "id");
  assert.equal(ep.url, `${RECEIVER_URL}/svix`);
  assert.equal(ep.uid, endpointUid);
  assert.equal(ep.description, "Compat endpoint");
  assert.deepEqual(ep.eventTypes, [eventType]);
  assert.deepEqual(ep.channels, ["compat"]);
  assert.deepEqual(ep.metadata, { env: "test" });
  assert.equal(ep.disabled, false);
  assertDate(ep.createdAt, "createdAt");
  return ep.id;
});

await step("endpoint.create keeps the headers it was given", async () => {
  const h = await svix.endpoint.getHeaders(app.id, ep.id);
  assert.deepEqual(h.headers, { "X-Compat-Create": "yes" });
});

await step("endpoint.get by id and by uid (app by uid)", async () => {
  const byId = await svix.endpoint.get(app.id, ep.id);
  const byUid = await svix.endpoint.get(appUid, endpointUid);
  assert.equal(byId.id, ep.id);
  assert.equal(byUid.id, ep.id);
  assert.deepEqual(byUid.eventTypes, [eventType]);
});

await step("endpoint.list", async () => {
  const extra = await svix.endpoint.create(app.id, { url: `${RECEIVER_URL}/unused`, disabled: true });
  const all = await listAllOneByOne((o) => svix.endpoint.list(app.id, o));
  assert.deepEqual(all.map((e) => e.id).sort(), [ep.id, extra.id].sort());
  await svix.endpoint.delete(app.id, extra.id);
  await expectApiError(404, () => svix.endpoint.get(app.id, extra.id));
  const after = await svix.endpoint.list(app.id);
  assert.deepEqual(after.data.map((e) => e.id), [ep.id]);
  assert.equal(after.done, true);
});

await step("endpoint.upsert (PUT) updates", async () => {
  const e = await svix.endpoint.upsert(app.id, ep.id, {
    url: `${RECEIVER_URL}/svix`,
    uid: endpointUid,
    description: "Compat endpoint v2",
    eventTypes: [eventType],
    channels: ["compat"],
    metadata: { env: "test", version: "2" },
  });
  assert.equal(e.id, ep.id);
  assert.equal(e.description, "Compat endpoint v2");
  assert.deepEqual(e.metadata, { env: "test", version: "2" });
});

await step("endpoint.upsert (PUT) creates an unknown endpoint", async () => {
  const e = await svix.endpoint.upsert(app.id, `${endpointUid}-put`, {
    url: `${RECEIVER_URL}/put`,
    uid: `${endpointUid}-put`,
    disabled: true,
  });
  assert.equal(e.uid, `${endpointUid}-put`);
  assert.equal(e.url, `${RECEIVER_URL}/put`);
  await svix.endpoint.delete(app.id, e.id);
});

await step("endpoint.patch", async () => {
  const e = await svix.endpoint.patch(app.id, ep.id, { description: "Compat endpoint v3" });
  assert.equal(e.description, "Compat endpoint v3");
  assert.deepEqual(e.eventTypes, [eventType], "patch keeps the filter types");
  assert.deepEqual(e.channels, ["compat"], "patch keeps the channels");
  assert.deepEqual(e.metadata, { env: "test", version: "2" }, "patch keeps the metadata");
});

let firstSecret;
await step("endpoint.getSecret", async () => {
  const s = await svix.endpoint.getSecret(app.id, ep.id);
  assert.match(s.key, /^whsec_[A-Za-z0-9+/=]{32,100}$/);
  firstSecret = s.key;
});

await step("endpoint.rotateSecret", async () => {
  assert.equal(await svix.endpoint.rotateSecret(app.id, ep.id, {}), undefined);
  const s = await svix.endpoint.getSecret(app.id, ep.id);
  assert.match(s.key, /^whsec_/);
  assert.notEqual(s.key, firstSecret, "rotation changes the secret");
});

await step("endpoint.setHeaders (PUT) / getHeaders", async () => {
  assert.equal(
    await svix.endpoint.setHeaders(app.id, ep.id, {
      headers: { "X-Compat": "yes", "X-Team": "payments", Authorization: "Bearer receiver-token" },
    }),
    undefined
  );
  const h = await svix.endpoint.getHeaders(app.id, ep.id);
  assert.deepEqual(h.headers, { "X-Compat": "yes", "X-Team": "payments" });
  assert.deepEqual(h.sensitive, ["Authorization"], "credentials are reported as sensitive, not echoed");
});

await step("endpoint.patchHeaders merges, deletes by deleteHeaders", async () => {
  await svix.endpoint.patchHeaders(app.id, ep.id, { headers: { "X-Team": "billing", "X-Extra": "1" } });
  let h = await svix.endpoint.getHeaders(app.id, ep.id);
  assert.deepEqual(h.headers, { "X-Compat": "yes", "X-Team": "billing", "X-Extra": "1" });
  await svix.endpoint.patchHeaders(app.id, ep.id, { headers: {}, deleteHeaders: ["X-Extra"] });
  h = await svix.endpoint.getHeaders(app.id, ep.id);
  assert.deepEqual(h.headers, { "X-Compat": "yes", "X-Team": "billing" });
  assert.deepEqual(h.sensitive, ["Authorization"]);
});

await step("endpoint.getStats before any message", async () => {
  const s = await svix.endpoint.getStats(app.id, ep.id);
  assert.deepEqual(s, { success: 0, pending: 0, sending: 0, fail: 0, canceled: 0 });
});

// ---- message ----

await step("message.create with eventType, payload, eventId, channels", async () => {
  msg = await svix.message.create(
    app.id,
    { eventType, eventId, payload, channels: ["compat"] },
    { withContent: true }
  );
  assert.ok(msg.id, "id");
  assert.equal(msg.eventId, eventId);
  assert.equal(msg.eventType, eventType);
  assert.deepEqual(msg.payload, payload);
  assert.deepEqual(msg.channels, ["compat"]);
  assertDate(msg.timestamp, "timestamp");
  return msg.id;
});

await step("message.create with a used eventId is 409", async () => {
  await expectApiError(409, () => svix.message.create(app.id, { eventType, eventId, payload: { again: true } }));
});

await step("message.create without withContent answers an empty payload", async () => {
  const quiet = await svix.message.create(app.id, { eventType: `${eventType}.unrouted`, payload: { quiet: true } });
  assert.deepEqual(quiet.payload, {});
});

await step("message.get by id and by eventId", async () => {
  const byId = await svix.message.get(app.id, msg.id, { withContent: true });
  assert.equal(byId.id, msg.id);
  assert.deepEqual(byId.payload, payload);
  const byEventId = await svix.message.get(appUid, eventId, { withContent: true });
  assert.equal(byEventId.id, msg.id);
  const noContent = await svix.message.get(app.id, msg.id);
  assert.deepEqual(noContent.payload, {}, "the SDK's default withContent=false leaves the payload out");
});

await step("message.list", async () => {
  const all = await svix.message.list(app.id, { withContent: true });
  assert.equal(all.data.length, 2);
  const listed = all.data.find((m) => m.id === msg.id);
  assert.ok(listed, "the message is listed");
  assert.deepEqual(listed.payload, payload);
  const filtered = await svix.message.list(app.id, { eventTypes: [eventType], channel: "compat" });
  assert.deepEqual(filtered.data.map((m) => m.id), [msg.id]);
  assert.deepEqual(filtered.data[0].payload, {});
  const paged = await listAllOneByOne((o) => svix.message.list(app.id, o));
  assert.equal(paged.length, 2);
});

await step("message.create with application creates the missing application", async () => {
  const inlineUid = `${appUid}-inline`;
  await expectApiError(404, () => svix.message.create(inlineUid, { eventType, payload: {} }));
  const e = await expectApiError(422, () =>
    svix.message.create(inlineUid, { eventType, payload: {}, application: { name: "Inline", uid: "other-uid" } })
  );
  assert.deepEqual(e.body.detail[0].loc, ["body", "application", "uid"]);
  const m = await svix.message.create(inlineUid, {
    eventType,
    payload: { inline: true },
    application: { name: "Inline app", uid: inlineUid, metadata: { via: "message" } },
  });
  assert.ok(m.id, "message id");
  const created = await svix.application.get(inlineUid);
  assert.equal(created.name, "Inline app");
  assert.deepEqual(created.metadata, { via: "message" });
  const again = await svix.message.create(inlineUid, {
    eventType,
    payload: { inline: 2 },
    application: { name: "Renamed?", uid: inlineUid },
  });
  assert.ok(again.id, "a second message to the now existing application");
  assert.equal((await svix.application.get(inlineUid)).name, "Inline app", "an existing application is not changed");
  await svix.application.delete(created.id);
});

// ---- attempts ----

await step("messageAttempt.listByMsg shows a successful attempt", async () => {
  const res = await waitFor(
    "a successful attempt",
    () => svix.messageAttempt.listByMsg(app.id, msg.id),
    (r) => r.data.some((a) => a.status === MessageStatus.Success)
  );
  attempt = res.data.find((a) => a.status === MessageStatus.Success);
  assert.equal(attempt.msgId, msg.id);
  assert.equal(attempt.endpointId, ep.id);
  assert.equal(attempt.url, `${RECEIVER_URL}/svix`);
  assert.equal(attempt.responseStatusCode, 200);
  assert.equal(attempt.statusText, MessageStatusText.Success);
  assert.equal(attempt.triggerType, MessageAttemptTriggerType.Scheduled);
  assert.equal(typeof attempt.responseDurationMs, "number");
  assertDate(attempt.timestamp, "timestamp");
  return attempt.id;
});

await step("messageAttempt.listByMsg filters by endpoint and status", async () => {
  const byEp = await svix.messageAttempt.listByMsg(app.id, msg.id, { endpointId: ep.id, status: MessageStatus.Success });
  assert.deepEqual(byEp.data.map((a) => a.id), [attempt.id]);
  const failures = await svix.messageAttempt.listByMsg(app.id, msg.id, { status: MessageStatus.Fail });
  assert.deepEqual(failures.data, []);
});

await step("messageAttempt.listByEndpoint", async () => {
  const res = await svix.messageAttempt.listByEndpoint(app.id, ep.id);
  assert.deepEqual(res.data.map((a) => a.id), [attempt.id]);
  assert.equal(res.data[0].response, "{}", "the SDK's default withContent=false leaves the response body out");
  const withContent = await svix.messageAttempt.listByEndpoint(app.id, ep.id, { withContent: true });
  assert.equal(typeof withContent.data[0].response, "string");
  assert.notEqual(withContent.data[0].response, "{}", "withContent=true includes the receiver's answer");
});

await step("messageAttempt.get", async () => {
  const a = await svix.messageAttempt.get(app.id, msg.id, attempt.id);
  assert.equal(a.id, attempt.id);
  assert.equal(a.msgId, msg.id);
  assert.equal(a.endpointId, ep.id);
  assert.equal(a.status, MessageStatus.Success);
  assert.equal(a.responseStatusCode, 200);
});

await step("messageAttempt.listAttemptedDestinations (message -> endpoints)", async () => {
  const res = await svix.messageAttempt.listAttemptedDestinations(app.id, msg.id);
  assert.equal(res.data.length, 1);
  const d = res.data[0];
  assert.equal(d.id, ep.id);
  assert.equal(d.url, `${RECEIVER_URL}/svix`);
  assert.equal(d.status, MessageStatus.Success);
  assert.equal(d.statusText, MessageStatusText.Success);
  assert.equal(d.description, "Compat endpoint v3");
  assertDate(d.createdAt, "createdAt");
});

await step("messageAttempt.listAttemptedMessages (endpoint -> messages)", async () => {
  const res = await svix.messageAttempt.listAttemptedMessages(app.id, ep.id, { withContent: true });
  assert.equal(res.data.length, 1);
  const m = res.data[0];
  assert.equal(m.id, msg.id);
  assert.equal(m.eventId, eventId);
  assert.equal(m.eventType, eventType);
  assert.deepEqual(m.payload, payload);
  assert.equal(m.status, MessageStatus.Success);
  assert.equal(m.statusText, MessageStatusText.Success);
  assertDate(m.timestamp, "timestamp");
  const quiet = await svix.messageAttempt.listAttemptedMessages(app.id, ep.id);
  assert.deepEqual(quiet.data[0].payload, {});
});

await step("messageAttempt.resend", async () => {
  assert.deepEqual(await svix.messageAttempt.resend(app.id, msg.id, ep.id), {});
  const res = await waitFor(
    "a successful manual attempt",
    () => svix.messageAttempt.listByMsg(app.id, msg.id),
    (r) => r.data.some((a) => a.triggerType === MessageAttemptTriggerType.Manual && a.status === MessageStatus.Success)
  );
  assert.equal(res.data.length, 2);
});

await step("endpoint.recover since one hour ago", async () => {
  const r = await svix.endpoint.recover(app.id, ep.id, { since: new Date(Date.now() - 3_600_000) });
  assert.ok(r.id, "task id");
  assert.equal(r.task, "endpoint.recover");
  assert.ok(["running", "finished"].includes(r.status), `status ${r.status}`);
  assertDate(r.updatedAt, "updatedAt");
});

await step("endpoint.getStats after delivery", async () => {
  const s = await svix.endpoint.getStats(app.id, ep.id);
  assert.equal(s.success, 1);
  assert.equal(s.fail, 0);
});

await step("health.get again", async () => {
  assert.equal(await svix.health.get(), undefined);
});

console.log(`${passed} passed, ${failed} failed`);
if (failed > 0) {
  process.exit(1);
}
console.log(`RESULT ${JSON.stringify({ appId: app.id, endpointId: ep.id, msgId: msg.id, payload })}`);
