// One full flow through openapi-typescript's types for the live document (GeneratedClientsTest), with
// openapi-fetch: type-checked under --strict, no casts; compiled and run with node. Prints "typescript flow ok".
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type TraceEvent = components["schemas"]["TraceEvent"];

// node's globals, declared here instead of installing @types/node
declare const process: { argv: string[]; exit(code: number): never };

async function main(base: string): Promise<void> {
  const api = createClient<paths>({ baseUrl: base });
  const created = await api.POST("/api/simulations", { body: { profile: "linux", seed: 42 } });
  if (!created.data) throw new Error(`create: ${JSON.stringify(created.error)}`);
  const id: string = created.data.id ?? "";
  const path = { params: { path: { id } } };
  const pair = await api.POST("/api/simulations/{id}/pairs", { ...path, body: {} });
  if (!pair.data) throw new Error("pair");
  const on = { params: { path: { id, pairId: 1 } } };
  await api.POST("/api/simulations/{id}/pairs/{pairId}/events", { ...on, body: { type: "lose", side: "client", segment: "ACK" } });
  await api.POST("/api/simulations/{id}/pairs/{pairId}/events", { ...on, body: { type: "close", side: "client" } });
  await api.POST("/api/simulations/{id}/clock", { ...path, body: { advanceMs: 50 } });
  await api.POST("/api/simulations/{id}/pairs/{pairId}/events", { ...on, body: { type: "close", side: "server" } });
  await api.POST("/api/simulations/{id}/clock", { ...path, body: { runUntilIdle: true } });
  const trace = await api.GET("/api/simulations/{id}/trace", { params: { path: { id }, query: { since: 0 } } });
  if (!trace.data) throw new Error("trace");
  const events: TraceEvent[] = trace.data.events ?? [];
  const client: string[] = [];
  for (const e of events) {
    if (e.type === "state" && e.endpoint === "client" && e.to !== undefined) client.push(e.to);
  }
  if (client.slice(-3).join(",") !== "FIN_WAIT_2,TIME_WAIT,CLOSED") throw new Error(`client states ${client.join(",")}`);
  await api.DELETE("/api/simulations/{id}", path);
  const gone = await api.GET("/api/simulations/{id}", path);
  if (gone.response.status !== 404 || gone.error?.status !== 404) throw new Error("a deleted simulation was found");
  console.log(`typescript flow ok: ${events.length} events`);
}

main(process.argv[2] ?? "http://localhost:8080").catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
