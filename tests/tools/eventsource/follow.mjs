// Follows a krust-pm event stream (/api/v1/events, or a log follow) with the npm `eventsource` client, as a browser's EventSource would, and prints
// one JSON line per thing that happens: {"kind":"event","type":...,"id":...} for each event (the `lastEventId` the
// client will resume from), {"kind":"open"} on each (re)connection, {"kind":"error"} when the connection drops.
// Usage: node follow.mjs URL [TYPE...]  (listens to the named event types given, besides the default "message").
// Data that is not JSON (a log line) is printed as a string.
import { EventSource } from "eventsource";

const [url, ...types] = process.argv.slice(2);
const source = new EventSource(url);
const parse = (data) => { try { return JSON.parse(data); } catch { return data; } };
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");
source.onopen = () => print({ kind: "open" });
source.onerror = () => print({ kind: "error", readyState: source.readyState });
for (const type of types) {
  source.addEventListener(type, (event) => print({ kind: "event", type, id: event.lastEventId, data: parse(event.data) }));
}
// The client's reconnection timer does not keep Node alive (it is unref'd): this does, as a browser tab would.
setInterval(() => {}, 1 << 30);
process.on("SIGTERM", () => { source.close(); process.exit(0); });
