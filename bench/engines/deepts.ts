// deepts itself, on its native backend or its js reference backend. Threads come from DEEPTS_NUM_THREADS,
// which the harness sets in this process's environment before anything loads.
import type * as DeeptsApi from "../../src/index.js";
import { NotAvailable } from "../harness/types.js";

export type Deepts = typeof DeeptsApi;

export async function loadDeepts(backend: "native" | "js"): Promise<Deepts> {
  const dt: Deepts = await import("../../src/index.js");
  if (!dt.listBackends().includes(backend)) {
    throw new NotAvailable(`backend "${backend}" not registered (have: ${dt.listBackends().join(", ")}); build the native addon first`);
  }
  dt.setBackend(backend);
  return dt;
}
