/**
 * Vendor portal links on cases. A plugin names the variable that holds its portal's case page (`{id}` where the
 * case id goes); the registry wraps the adapter so every case it returns carries the link, unless the adapter
 * already set one from the vendor's own answer.
 */
import type { Case } from '../domain/case.js';
import type { OpenRequest } from '../domain/open-request.js';
import type {
  ListQuery,
  ListResult,
  NoteRequest,
  OpenResult,
  RefreshOutcome,
  VendorAdapter,
  VendorHealth,
  WriteOptions,
} from '../domain/ports/vendor.js';

/** The page for `id` (URL-encoded into the template). */
export function portalLink(template: string, id: string): string {
  return template.replaceAll('{id}', encodeURIComponent(id));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The matcher for links shaped like `template`: the same URL with anything but `/ ? # &` where `{id}` stands
 * (decoded), ignoring a trailing slash and the scheme's and host's case. Undefined when the template has no
 * `{id}` (a link shape cannot be told from it).
 */
export function portalLinkPattern(template: string): ((url: string) => string | undefined) | undefined {
  const [head, ...rest] = template.split('{id}');
  if (head === undefined || rest.length === 0) return undefined;
  const source = [head, ...rest].map(escapeRegExp).join('([^/?#&]+)').replace(/\\\/$/, '');
  const pattern = new RegExp(`^${source}/?$`, 'i');
  return (url) => {
    const match = pattern.exec(url.trim());
    const raw = match?.[1];
    if (!raw) return undefined;
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  };
}

class PortalLinkedAdapter implements VendorAdapter {
  private readonly linkPattern: ((url: string) => string | undefined) | undefined;
  readonly findByIdempotencyKey?: (idempotencyKey: string) => Promise<Case | undefined>;

  constructor(
    private readonly inner: VendorAdapter,
    private readonly template: string,
  ) {
    this.linkPattern = portalLinkPattern(template);
    const find = inner.findByIdempotencyKey?.bind(inner);
    if (find) this.findByIdempotencyKey = async (key) => this.link(await find(key));
  }

  get vendor() {
    return this.inner.vendor;
  }
  get capabilities() {
    return this.inner.capabilities;
  }
  get idHint() {
    return this.inner.idHint;
  }

  private link<C extends Case | undefined>(c: C): C {
    return c && !c.url ? { ...c, url: portalLink(this.template, c.id) } : c;
  }

  parseCaseId(raw: string): string {
    return this.inner.parseCaseId(raw);
  }
  /** A link of the portal template's shape whose id is a valid id of this vendor. */
  caseIdFromLink(url: string): string | undefined {
    const raw = this.linkPattern?.(url);
    if (raw === undefined) return undefined;
    try {
      return this.inner.parseCaseId(raw);
    } catch {
      return undefined;
    }
  }
  async open(request: OpenRequest, options: WriteOptions): Promise<OpenResult> {
    const result = await this.inner.open(request, options);
    return { ...result, case: this.link(result.case) };
  }
  async lookup(id: string): Promise<Case> {
    return this.link(await this.inner.lookup(id));
  }
  async refresh(ids: readonly string[]): Promise<RefreshOutcome[]> {
    return (await this.inner.refresh(ids)).map((o) => (o.ok ? { ...o, case: this.link(o.case) } : o));
  }
  annotate(id: string, note: NoteRequest, options: WriteOptions): Promise<void> {
    return this.inner.annotate(id, note, options);
  }
  async cancel(id: string, reason: string, options: WriteOptions): Promise<Case> {
    return this.link(await this.inner.cancel(id, reason, options));
  }
  async list(query: ListQuery): Promise<ListResult> {
    const result = await this.inner.list(query);
    return { ...result, cases: result.cases.map((c) => this.link(c)) };
  }
  health(): VendorHealth {
    return this.inner.health();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The adapter, with portal links on its cases when a template is configured. */
export function withPortalLinks(adapter: VendorAdapter, template: string | undefined): VendorAdapter {
  return template ? new PortalLinkedAdapter(adapter, template) : adapter;
}
