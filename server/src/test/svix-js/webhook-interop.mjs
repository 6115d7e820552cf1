// Signature interoperability with the official Svix SDK's Webhook class, both ways.
// Reads {secret, count, herald: [{id, timestamp, body, signature}]} as JSON from the file named by argv[2]:
//   - verifies every Herald-made signature with svix's Webhook.verify (svix-* and webhook-* header names);
//   - signs `count` new bodies with svix's Webhook.sign, for Herald's library to verify.
// Prints one JSON object: {verified: n, failures: [...], svix: [{id, timestamp, body, signature}]}.
import { readFileSync } from "node:fs";
import { Webhook } from "svix";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));

const wh = new Webhook(input.secret);
let verified = 0;
const failures = [];
for (const c of input.herald) {
  for (const prefix of ["svix", "webhook"]) {
    try {
      wh.verify(c.body, {
        [`${prefix}-id`]: c.id,
        [`${prefix}-timestamp`]: String(c.timestamp),
        [`${prefix}-signature`]: c.signature,
      });
      verified++;
    } catch (e) {
      failures.push(`${c.id} (${prefix}-*): ${e.message}`);
    }
  }
}

const svix = [];
for (let i = 0; i < input.count; i++) {
  const id = `msg_svix${i}`;
  const now = new Date();
  const body = JSON.stringify({ n: i, text: `caf\u00e9 ${i}`, nested: { list: [i, i + 0.5] } });
  svix.push({ id, timestamp: Math.floor(now.getTime() / 1000), body, signature: wh.sign(id, now, body) });
}
console.log(JSON.stringify({ verified, failures, svix }));
