import { beforeEach, describe, expect, it } from "vitest";
import { csrf, csrfHeaders, setCsrfToken, waitFor } from "./csrf";

async function send(method: string): Promise<string | null> {
  const request = new Request("http://test/api/decks", { method });
  const onRequest = csrf.onRequest!;
  await onRequest({ request, schemaPath: "/api/decks", params: {}, id: "1", options: {} as never });
  return request.headers.get("X-CSRF-Token");
}

beforeEach(() => setCsrfToken(null));

describe("the CSRF middleware", () => {
  it("adds the token to changes only, once there is one", async () => {
    expect(await send("POST")).toBeNull(); // signed out: nothing to send
    setCsrfToken("t1");
    for (const method of ["POST", "PATCH", "DELETE", "PUT"]) expect(await send(method)).toBe("t1");
    expect(await send("GET")).toBeNull();
  });

  it("holds a change back until the session being fetched has said its token", async () => {
    let answer!: () => void;
    const session = new Promise<void>((resolve) => (answer = resolve));
    waitFor(session);
    let done = false;
    const sent = send("POST").finally(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    setCsrfToken("t2");
    answer();
    expect(await sent).toBe("t2");
    expect(await csrfHeaders()).toEqual({ "X-CSRF-Token": "t2" });
  });

  it("does not hold changes back for a session fetch that failed", async () => {
    const failed = Promise.reject(new Error("offline"));
    waitFor(failed);
    expect(await send("POST")).toBeNull();
  });
});
