// A client generated from krust-pm's OpenAPI document by openapi-typescript (api.d.ts, written next to this file
// by the test), driven by openapi-fetch. tsc type-checks it against the generated types first: an operation without
// a request body or response schema would not compile. Prints what krust-pm answered, as one JSON line.
import createClient from "openapi-fetch";
import type { components, paths } from "./api.js";

declare const process: { argv: string[] };

const client = createClient<paths>({ baseUrl: process.argv[2] });
const path = { name: "web" };

const scaled = await client.POST("/api/v1/programs/{name}/scale", { params: { path }, body: { instances: 3 } });
const signalled = await client.POST("/api/v1/programs/{name}/signal", { params: { path }, body: { signal: "HUP", instance: 1 } });
const restarted = await client.POST("/api/v1/programs/{name}/instances/{id}/restart", { params: { path: { name: "web", id: 0 } } });
const refused = await client.POST("/api/v1/programs/{name}/scale", { params: { path }, body: { instances: 99 } });
const program = await client.GET("/api/v1/programs/{name}", { params: { path } });

const instances: number | undefined = scaled.data?.instances;
const problem: components["schemas"]["ProblemDetails"] | undefined = refused.error;
console.log(JSON.stringify({
  scaled: { status: scaled.response.status, instances, added: scaled.data?.added },
  signalled: { status: signalled.response.status, affected: signalled.data?.affected },
  restarted: { status: restarted.response.status, action: restarted.data?.action, instance: restarted.data?.instance },
  refused: { status: refused.response.status, parameter: problem?.parameter },
  program: { status: program.response.status, instances: program.data?.instances.map(i => i.id) },
}));
