/**
 * A browser without JavaScript, for integration tests of the reporter pages: it keeps
 * cookies, posts forms (urlencoded or multipart) and reads the hidden form token from the
 * page it was served, as a real form post would.
 */
import { exports } from 'cloudflare:workers';

export interface PageResponse {
  status: number;
  text: string;
  /** The body as it came, for downloads. */
  bytes: Uint8Array;
  headers: Headers;
}

export class PageClient {
  readonly cookies = new Map<string, string>();
  private formToken = '';

  /** `headers` go with every request, as a browser sends its own on each. */
  constructor(
    private readonly origin = 'http://whispr.test',
    private readonly headers: Record<string, string> = {},
  ) {}

  /** GETs a page and remembers its form token. */
  async get(path: string): Promise<PageResponse> {
    return this.send(new Request(`${this.origin}${path}`, { headers: this.cookieHeader() }));
  }

  /** Posts a form with the current form token added (unless `csrf` is given). */
  async post(path: string, fields: Record<string, string | File | File[]>, multipart = false) {
    const form = new FormData();
    const all = { csrf: this.formToken, ...fields };
    for (const [name, value] of Object.entries(all)) {
      for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
    }
    const body = multipart
      ? form
      : new URLSearchParams(
          Object.entries(all).filter((e): e is [string, string] => typeof e[1] === 'string'),
        );

    return this.send(
      new Request(`${this.origin}${path}`, { method: 'POST', headers: this.cookieHeader(), body }),
    );
  }

  /** Opens the mailbox through the login form. */
  async logIn(org: string, credentials: { token: string; returnCode: string }) {
    await this.get(`/r/${org}/mailbox`);

    return this.post(`/r/${org}/mailbox/login`, {
      token: credentials.token,
      return_code: credentials.returnCode,
    });
  }

  private cookieHeader(): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

    return cookie ? { ...this.headers, cookie } : { ...this.headers };
  }

  private async send(request: Request): Promise<PageResponse> {
    // `exports.default` is a Fetcher, which follows redirects unless told not to.
    const worker = (exports as unknown as { default: Fetcher }).default;
    const response = await worker.fetch(request, { redirect: 'manual' });
    for (const line of setCookies(response.headers)) {
      const [pair] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (!name) continue;
      if (/max-age=0/i.test(line) || value.join('=') === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const token = /name="csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.formToken = token;

    return { status: response.status, text, bytes, headers: response.headers };
  }
}

/** Every Set-Cookie line of a response. */
export function setCookies(headers: Headers): string[] {
  return (headers as Headers & { getSetCookie(): string[] }).getSetCookie();
}
