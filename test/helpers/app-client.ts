// A signed-in HTTP client of the built app (test/helpers/app-process.ts), the
// way the browser talks to it: next-auth credentials sign-in with a cookie jar,
// JSON calls, and multipart uploads streamed chunk by chunk. An upload can be
// held part-way (the body stops until a promise resolves), so a test can kill
// the server while the file is provably mid-stream.
import { randomBytes } from "node:crypto";

export interface UploadFile {
  name: string;
  data: Buffer;
}

export interface Hold {
  /** Body bytes sent before the upload pauses. */
  afterBytes: number;
  /** The rest is sent when this resolves. */
  until: Promise<void>;
}

const CHUNK = 64 * 1024;

export class AppClient {
  private readonly jar = new Map<string, string>();
  teamId = "";

  constructor(private readonly baseUrl: string) {}

  private keep(res: Response): Response {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(";")[0] ?? "";
      const eq = pair.indexOf("=");
      this.jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  }

  cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** Signs up (which makes a personal team) and signs in. */
  async signUp(): Promise<void> {
    const user = { email: `kill-${randomBytes(4).toString("hex")}@example.test`, name: "Kill test", password: "kill-test-password-123" };
    const signup = await fetch(`${this.baseUrl}/api/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user) });
    if (signup.status !== 202) throw new Error(`sign-up: ${signup.status} ${await signup.text()}`);
    const { csrfToken } = (await this.keep(await fetch(`${this.baseUrl}/api/auth/csrf`)).json()) as { csrfToken: string };
    const signin = this.keep(
      await fetch(`${this.baseUrl}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: this.cookie() },
        body: new URLSearchParams({ csrfToken, email: user.email, password: user.password, json: "true" }),
      }),
    );
    if (![...this.jar.keys()].some((k) => k.endsWith("next-auth.session-token"))) throw new Error(`sign-in: ${signin.status}, no session cookie`);
    // Sign-up's answer does not name the personal team (it is the same for a taken e-mail).
    const { teams } = await this.json<{ teams: { id: string; personal: boolean }[] }>("GET", "/api/teams");
    this.teamId = teams.find((t) => t.personal)?.id ?? "";
  }

  /** A JSON call; throws on a non-2xx answer. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { cookie: this.cookie(), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** POSTs the files as one streamed multipart/form-data request; answers the status and JSON body. */
  async upload(path: string, files: UploadFile[], hold?: Hold): Promise<{ status: number; body: unknown }> {
    const boundary = `----kill${randomBytes(8).toString("hex")}`;
    const parts = files.flatMap((f) => [
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: image/jpeg\r\n\r\n`),
      f.data,
      Buffer.from("\r\n"),
    ]);
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const whole = Buffer.concat(parts);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (hold && sent >= hold.afterBytes) await hold.until;
        const end = Math.min(whole.length, sent + CHUNK, hold && sent < hold.afterBytes ? hold.afterBytes : Infinity);
        controller.enqueue(whole.subarray(sent, end));
        sent = end;
        if (sent >= whole.length) controller.close();
      },
    });
    const res = await fetch(`${this.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}`, cookie: this.cookie() },
      body,
      duplex: "half",
    } as RequestInit);
    return { status: res.status, body: await res.json() };
  }
}
